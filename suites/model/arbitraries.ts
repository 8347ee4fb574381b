// The steps MODEL-01 draws, over every declared resource and operation: reads, lists,
// creates, valid and invalid updates, deletes, actions, wrong credentials and plaintext
// attempts, each by the record's owner, a privileged identity or anyone, so that
// allowed and cross-user attempts are both frequent.
import fc from "fast-check";
import { invalidFieldValues } from "../../harness/arbitraries/invalidFieldValues.ts";
import { unknownKeys } from "../../harness/arbitraries/unknownKeys.ts";
import type { ResourceSpec } from "../../harness/manifest/schema.ts";
import type { SuiteContext } from "../context.ts";
import { Inconclusive } from "../failure.ts";
import { validBody, validValueFor, writtenFields } from "../lib/bodies.ts";
import { type BodyEntry, bodyIdKey, isUnknownKey } from "../lib/inputCases.ts";
import {
  allows,
  type Operation,
  type OwnedRecord,
  operationsOf,
  recordOperations,
  type WriteKind,
  writeKinds,
  writeOperation,
} from "../lib/resourceApi.ts";
import { mayCall, OWNER, type RecordRef, type Step } from "./model.ts";
import {
  ActionStep,
  type BadCredential,
  type Call,
  CreateStep,
  DeleteStep,
  InvalidWriteStep,
  ListStep,
  PlaintextStep,
  ReadStep,
  UnauthenticatedStep,
  WriteStep,
} from "./steps.ts";

/** A record to act on, and the name of its owner where it is known before the run. */
interface Target {
  ref: RecordRef;
  owner: string;
}

/** How often each kind of step is drawn, relative to the others. */
const WEIGHTS = {
  read: 3,
  write: 4,
  invalid: 2,
  create: 2,
  delete: 2,
  action: 2,
  list: 2,
  unauthenticated: 1,
  plaintext: 1,
};

export function stepArbitrary(ctx: SuiteContext): fc.Arbitrary<Step> {
  const kinds = new Map<keyof typeof WEIGHTS, fc.Arbitrary<Step>[]>();
  const add = (kind: keyof typeof WEIGHTS, arbitrary: fc.Arbitrary<Step> | undefined) => {
    if (arbitrary) kinds.set(kind, [...(kinds.get(kind) ?? []), arbitrary]);
  };
  for (const resource of ctx.resources) {
    const steps = new ResourceSteps(ctx, resource);
    if (!steps.any) continue;
    add("read", steps.reads());
    add("write", steps.writes());
    add("invalid", steps.invalidWrites());
    add("create", steps.creates());
    add("delete", steps.deletes());
    add("action", steps.actions());
    add("list", steps.lists());
    add("unauthenticated", steps.unauthenticated());
    if (ctx.target.plaintextUrl()) add("plaintext", steps.plaintext());
  }
  const weighted = [...kinds].map(([kind, arbitraries]) => ({
    arbitrary: fc.oneof(...arbitraries),
    weight: WEIGHTS[kind],
  }));
  if (weighted.length === 0)
    throw new Inconclusive(
      "no record to act on and no create declared: no sequence can be drawn",
      "precondition",
    );
  return fc.oneof(...weighted);
}

/** The steps of one resource. */
class ResourceSteps {
  private readonly records: OwnedRecord[];
  private readonly creatable: boolean;
  private readonly everyone: string[];
  private readonly privileged: string[];

  constructor(
    private readonly ctx: SuiteContext,
    private readonly resource: ResourceSpec,
  ) {
    // Records unreadable at the start cannot be modelled (the model starts from baselines).
    this.records = ctx.records.filter(
      (r) => r.resource === resource && ctx.baselineOf(r) !== undefined,
    );
    this.creatable = resource.create !== "seeded";
    this.everyone = ctx.identities.all.map((i) => i.username);
    this.privileged = ctx.identities.privileged.map((i) => i.username);
  }

  get any(): boolean {
    return this.records.length > 0 || this.creatable;
  }

  /** The run's records, and (where the resource has a create) those the sequence made. */
  private targets(): fc.Arbitrary<Target> | undefined {
    const run =
      this.records.length > 0
        ? fc
            .constantFrom(...this.records)
            .map((r): Target => ({ ref: { key: r.key }, owner: r.owner.username }))
        : undefined;
    const created = this.creatable
      ? fc
          .nat({ max: 1 })
          .map(
            (latest): Target => ({ ref: { resource: this.resource.name, latest }, owner: OWNER }),
          )
      : undefined;
    if (run && created)
      return fc.oneof({ arbitrary: run, weight: 2 }, { arbitrary: created, weight: 1 });
    return run ?? created;
  }

  /** The run's records only: self operations act on the caller's one seeded record. */
  private ownSeeded(): fc.Arbitrary<Target> | undefined {
    if (this.creatable || this.records.length === 0) return undefined;
    return fc
      .constantFrom(...this.records)
      .map((r): Target => ({ ref: { key: r.key }, owner: r.owner.username }));
  }

  /**
   * The owner, a privileged identity, or another identity: allowed and refused attempts
   * alike, cross-user attempts as often as the owner's own (they are what MODEL-01 is
   * most often the only check to interleave with writes).
   */
  private actorFor(target: Target): fc.Arbitrary<string> {
    const others = this.everyone.filter((name) => name !== target.owner);
    return fc.oneof(
      { weight: 2, arbitrary: fc.constant(target.owner) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          ...(this.privileged.length > 0 ? this.privileged : [target.owner]),
        ),
      },
      {
        weight: 2,
        arbitrary: fc.constantFrom(...(others.length > 0 ? others : this.everyone)),
      },
    );
  }

  /**
   * Targets and actors for `op`: self operations by the owner on its seeded record (a
   * cross-user attempt is impossible through them), the others by anyone on any record.
   */
  private onRecords(op: {
    self: boolean;
  }): fc.Arbitrary<{ target: Target; actor: string }> | undefined {
    const targets = op.self ? this.ownSeeded() : this.targets();
    if (!targets) return undefined;
    return op.self
      ? targets.map((target) => ({ target, actor: target.owner }))
      : targets.chain((target) => this.actorFor(target).map((actor) => ({ target, actor })));
  }

  private ops(kind: Operation["kind"]): Operation[] {
    return operationsOf(this.resource).filter((o) => o.kind === kind);
  }

  reads(): fc.Arbitrary<Step> | undefined {
    return oneOf(
      this.ops("read").map((op) =>
        this.onRecords(op)?.map(
          ({ target, actor }): Step => new ReadStep(actor, target.ref, op.index),
        ),
      ),
    );
  }

  private updates(
    make: (op: Operation, kind: WriteKind) => fc.Arbitrary<Step> | undefined,
  ): fc.Arbitrary<Step> | undefined {
    return oneOf(
      writeKinds(this.resource).map((kind) => {
        const op = writeOperation(this.resource, kind);
        return op ? make(op, kind) : undefined;
      }),
    );
  }

  writes(): fc.Arbitrary<Step> | undefined {
    return this.updates((op, kind) =>
      this.onRecords(op)?.chain(({ target, actor }) =>
        validBody(this.resource, kind).map(
          (body): Step => new WriteStep(actor, target.ref, kind, op.method, body),
        ),
      ),
    );
  }

  invalidWrites(): fc.Arbitrary<Step> | undefined {
    return this.updates((op, kind) =>
      this.onRecords(op)?.chain(({ target, actor }) =>
        invalidBody(this.resource, kind, op).map(
          ({ body, defect }): Step =>
            new InvalidWriteStep(actor, target.ref, kind, op.method, body, defect),
        ),
      ),
    );
  }

  creates(): fc.Arbitrary<Step> | undefined {
    const create = this.ops("create")[0];
    if (!create) return undefined;
    const allowed = this.ctx.identities.all.filter((i) => mayCall(this.ctx, create.who, i));
    if (allowed.length === 0) return undefined;
    return fc
      .tuple(
        fc.constantFrom(...allowed.map((i) => i.username)),
        validBody(this.resource, "replace"),
      )
      .map(([actor, body]): Step => new CreateStep(actor, this.resource.name, body));
  }

  /**
   * Deletes of records the suite can create again. A seeded record (an account) deleted
   * would take its identity out of the run and need a new container: those are only
   * attempted by identities the audience refuses.
   */
  deletes(): fc.Arbitrary<Step> | undefined {
    return oneOf(
      this.ops("delete")
        .filter((op) => !op.self)
        .map((op) => {
          const make = ({ target, actor }: { target: Target; actor: string }): Step =>
            new DeleteStep(actor, target.ref, op.index, `${op.method} ${op.path}`);
          if (this.creatable) return this.onRecords(op)?.map(make);
          const refused = this.records.flatMap((record) =>
            this.ctx.identities.all
              .filter((actor) => !allows(this.ctx, op.who, actor, record))
              .map((actor) => ({
                target: { ref: { key: record.key }, owner: record.owner.username },
                actor: actor.username,
              })),
          );
          return refused.length > 0 ? fc.constantFrom(...refused).map(make) : undefined;
        }),
    );
  }

  actions(): fc.Arbitrary<Step> | undefined {
    return oneOf(
      this.ops("action").map((op) =>
        this.onRecords(op)?.map(
          ({ target, actor }): Step =>
            new ActionStep(actor, target.ref, op.index, `${op.method} ${op.path} (${op.label})`),
        ),
      ),
    );
  }

  lists(): fc.Arbitrary<Step> | undefined {
    const lists = this.ops("list");
    if (lists.length === 0) return undefined;
    return fc
      .tuple(fc.constantFrom(...this.everyone), fc.constantFrom(...lists))
      .map(([actor, op]): Step => new ListStep(actor, this.resource.name, op.index));
  }

  /** One call of `op` on a record: updates carry a valid body. */
  private call(op: Operation): fc.Arbitrary<Call> {
    const name = `${op.method} ${op.path}`;
    if (op.kind === "replace" || op.kind === "merge")
      return validBody(this.resource, op.kind).map((body) => ({
        kind: op.kind,
        index: op.index,
        name,
        body,
      }));
    return fc.constant({ kind: op.kind, index: op.index, name });
  }

  /** Operations that need credentials, with none or a wrong password. */
  unauthenticated(): fc.Arbitrary<Step> | undefined {
    const targets = this.targets();
    const ops = recordOperations(this.resource).filter(
      (op) => op.who !== "anyone" && (op.kind === "read" || this.sendable(op)),
    );
    if (!targets || ops.length === 0) return undefined;
    return fc
      .tuple(
        targets,
        fc.constantFrom(...this.everyone),
        fc.constantFrom<BadCredential>("suffix", "prefix", "case", "empty", "none"),
        fc.constantFrom(...ops).chain((op) => this.call(op)),
      )
      .map(
        ([target, named, credential, call]): Step =>
          new UnauthenticatedStep(named, target.ref, credential, call),
      );
  }

  /** State-changing operations over plaintext HTTP, by the owner, privileged or anyone. */
  plaintext(): fc.Arbitrary<Step> | undefined {
    return oneOf(
      recordOperations(this.resource)
        .filter((op) => op.kind !== "read" && this.sendable(op))
        .map((op) =>
          this.onRecords(op)?.chain(({ target, actor }) =>
            this.call(op).map((call): Step => new PlaintextStep(actor, target.ref, call)),
          ),
        ),
    );
  }

  /** Updates need a field to write; a delete of a seeded record is never sent to succeed. */
  private sendable(op: Operation): boolean {
    if (op.kind === "replace" || op.kind === "merge")
      return writeKinds(this.resource).includes(op.kind);
    if (op.kind === "delete") return this.creatable && !op.self;
    return true;
  }
}

function oneOf(arbitraries: (fc.Arbitrary<Step> | undefined)[]): fc.Arbitrary<Step> | undefined {
  const present = arbitraries.filter((a): a is fc.Arbitrary<Step> => a !== undefined);
  return present.length > 0 ? fc.oneof(...present) : undefined;
}

/**
 * A valid body made invalid: one unknown key added, or one written field given a value
 * its kind and bounds refuse (opaque fields are never written). The id's own body key is
 * never the unknown key: a duplicate id would name another record, not an invalid body.
 */
export function invalidBody(
  resource: ResourceSpec,
  kind: WriteKind,
  op: Operation,
): fc.Arbitrary<{ body: BodyEntry[]; defect: string }> {
  const fields = writtenFields(resource);
  const writableNames = [
    ...new Set(
      Object.entries(resource.writable).flatMap(([name, spec]) => [name, spec.as ?? name]),
    ),
  ];
  const idKey = bodyIdKey(op);
  const unknownKey = fc
    .tuple(
      validBody(resource, kind),
      unknownKeys({ writable: writableNames }).filter(
        (k) => isUnknownKey(resource, k) && k !== idKey,
      ),
      fc.oneof(fc.constantFrom("admin", true), fc.jsonValue({ maxDepth: 1 })),
    )
    .map(([valid, key, value]) => ({
      body: [...Object.entries(valid), [key, value] as const],
      defect: `unknown key ${JSON.stringify(key)}`,
    }));
  if (fields.length === 0) return unknownKey;
  const badValue = fc.constantFrom(...fields).chain(([bad, spec]) =>
    fc
      .tuple(
        invalidFieldValues(spec),
        fc.tuple(
          ...fields
            .filter(([name]) => name !== bad)
            .map(([name, s]) => validValueFor(s).map((v): BodyEntry => [name, v])),
        ),
      )
      .map(([value, others]) => ({
        body: [...others, [bad, value] as const],
        defect: `invalid ${bad}`,
      })),
  );
  return fc.oneof(unknownKey, badValue);
}
