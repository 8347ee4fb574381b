// Model-based testing (fast-check `commands` + `asyncModelRun`): random sequences of
// reads, valid and invalid updates, cross-user attempts, admin updates, wrong passwords
// and plaintext writes, each checked against a reference model of the records. Every
// step checks its response class and reads the touched record back as its owner; a
// failing sequence shrinks to the shortest one that still disagrees with the model.
import fc from "fast-check";
import { invalidDisplayNames } from "../../harness/arbitraries/invalidDisplayNames.ts";
import { invalidEmails } from "../../harness/arbitraries/invalidEmails.ts";
import { unknownKeys } from "../../harness/arbitraries/unknownKeys.ts";
import { wrongTypeValues } from "../../harness/arbitraries/wrongTypeValues.ts";
import type { Exchange, RequestSpec } from "../../harness/http/exchange.ts";
import type { Identity } from "../../harness/identity/identity.ts";
import type { RecordState, SuiteContext } from "../context.ts";
import { RequirementFailure } from "../failure.ts";
import { isRestrictive } from "../lib/assertions.ts";
import { validBody, validValueFor } from "../lib/bodies.ts";
import {
  type BodyEntry,
  differingFields,
  isUnknownKey,
  showValue,
  writeEntriesAs,
} from "../lib/inputCases.ts";
import {
  allRecords,
  fromTargetRecord,
  isPrivileged,
  jsonOf,
  type OwnedRecord,
  readAs,
  readEndpoint,
  seededState,
  type WriteKind,
  writeAs,
  writeEndpoint,
  writeKinds,
} from "../lib/resourceApi.ts";
import { describeExchange, type ResponseClass, responseClassOf } from "../lib/responseClass.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

const HINT =
  "Make every handler authenticate, authorize (owner, or privileged where allowed), validate, then apply the whole update or nothing, and never serve a stale copy of a record.";

/** The reference model: contract-named records, keyed "resource/id". */
interface Model {
  records: Map<string, RecordState>;
}

/** The system under test, and what the steps need to resolve their names. */
interface Real {
  ctx: SuiteContext;
  identities: Map<string, Identity>;
  records: Map<string, OwnedRecord>;
  /** One line per step run so far, for failure messages. */
  log: string[];
}

type Step = fc.AsyncCommand<Model, Real>;

const NOT_SUCCESS: readonly ResponseClass[] = [
  "refusal",
  "invalid",
  "unauthenticated",
  "redirect",
  "server-error",
  "other",
  "no-response",
];

const keyOf = (record: OwnedRecord) => `${record.resource.name}/${record.id}`;

function resolve(
  real: Real,
  actor: string,
  record: string,
): { actor: Identity; record: OwnedRecord } {
  const a = real.identities.get(actor);
  const r = real.records.get(record);
  if (!a || !r) throw new Error(`MODEL-01: unknown actor ${actor} or record ${record}`);
  return { actor: a, record: r };
}

/** May `actor` use an endpoint with this audience on `record`? */
function permitted(
  real: Real,
  actor: Identity,
  record: OwnedRecord,
  who: "owner" | "owner-or-privileged",
) {
  return (
    actor.username === record.owner.username ||
    (who === "owner-or-privileged" && isPrivileged(real.ctx, actor))
  );
}

/** The response class must be one the model predicts. */
function expectClass(
  real: Real,
  step: string,
  exchange: Exchange,
  predicted: readonly ResponseClass[],
  expectedText = predicted.join(" or "),
): ResponseClass {
  const outcome = responseClassOf(exchange);
  real.log.push(
    `${step} -> ${exchange.response?.status ?? exchange.error?.code ?? "no response"} (${outcome})`,
  );
  if (predicted.includes(outcome)) return outcome;
  throw new RequirementFailure({
    title: `step ${real.log.length} (${step}): the response disagrees with the model`,
    expected: expectedText,
    actual: `${describeExchange(exchange)} (${outcome})`,
    hint: HINT,
    restrictive: isRestrictive(exchange),
    exchange,
    kind: `answered ${outcome}, against the model`,
  });
}

function expectState(
  real: Real,
  step: string,
  predicted: RecordState,
  actual: RecordState,
  via: string,
) {
  const wrong = differingFields(predicted, actual);
  if (wrong.length === 0) return;
  throw new RequirementFailure({
    title: `step ${real.log.length} (${step}): ${via} disagrees with the model`,
    expected: wrong.map((f) => `${f}=${showValue(predicted[f])}`).join("; "),
    actual: wrong.map((f) => `${f}=${showValue(actual[f])}`).join("; "),
    hint: HINT,
    kind: "a record read back differs from the model",
  });
}

/**
 * Read the record back as its owner through every read endpoint (the owner may use them
 * all) and compare each answer with the model: a stale copy served by one endpoint only
 * (a cache the other path bypasses) disagrees as surely as a wrong store.
 */
async function readBack(
  model: Model,
  real: Real,
  record: OwnedRecord,
  step: string,
): Promise<void> {
  for (let i = 0; i < record.resource.reads.length; i++) {
    const exchange = await readAs(real.ctx, record.owner, record, i);
    const state =
      exchange.response?.status === 200
        ? fromTargetRecord(record.resource, jsonOf(exchange))
        : undefined;
    if (!state) {
      throw new RequirementFailure({
        title: `step ${real.log.length} (${step}): the owner could not read ${keyOf(record)} back`,
        expected: "200 with the record (the model predicts the owner may always read it)",
        actual: describeExchange(exchange),
        hint: HINT,
        restrictive: isRestrictive(exchange),
        exchange,
        kind: "the owner could not read its record back",
      });
    }
    const via = `the owner's read-back of ${keyOf(record)} (${describeExchange(exchange)})`;
    expectState(real, step, model.records.get(keyOf(record))!, state, via);
  }
}

function bodyText(body: Record<string, unknown> | readonly BodyEntry[]): string {
  const entries = Array.isArray(body) ? body : Object.entries(body);
  const text = `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`;
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

class ReadStep implements Step {
  constructor(
    readonly actor: string,
    readonly record: string,
    readonly readIndex: number,
  ) {}
  check() {
    return true;
  }
  async run(model: Model, real: Real) {
    const { actor, record } = resolve(real, this.actor, this.record);
    const ep = readEndpoint(record.resource, this.readIndex);
    const allowed = permitted(real, actor, record, ep.who);
    const exchange = await readAs(real.ctx, actor, record, this.readIndex);
    const outcome = expectClass(real, this.toString(), exchange, [allowed ? "success" : "refusal"]);
    if (outcome === "success") {
      const state = fromTargetRecord(record.resource, jsonOf(exchange)) ?? {};
      expectState(
        real,
        this.toString(),
        model.records.get(this.record)!,
        state,
        `the body of ${describeExchange(exchange)}`,
      );
    }
    await readBack(model, real, record, this.toString());
  }
  toString() {
    return `${this.actor} reads ${this.record} via read #${this.readIndex}`;
  }
}

class WriteStep implements Step {
  constructor(
    readonly actor: string,
    readonly record: string,
    readonly kind: WriteKind,
    readonly body: Record<string, unknown>,
  ) {}
  check() {
    return true;
  }
  async run(model: Model, real: Real) {
    const { actor, record } = resolve(real, this.actor, this.record);
    const allowed = permitted(real, actor, record, writeEndpoint(record.resource, this.kind)!.who);
    real.ctx.markDirty();
    const exchange = await writeAs(real.ctx, actor, record, this.kind, this.body);
    expectClass(real, this.toString(), exchange, [allowed ? "success" : "refusal"]);
    if (allowed) Object.assign(model.records.get(this.record)!, this.body);
    await readBack(model, real, record, this.toString());
  }
  toString() {
    return `${this.actor} ${this.kind === "replace" ? "PUT" : "PATCH"} ${this.record} ${bodyText(this.body)}`;
  }
}

class InvalidWriteStep implements Step {
  constructor(
    readonly actor: string,
    readonly record: string,
    readonly kind: WriteKind,
    readonly body: readonly BodyEntry[],
    readonly defect: string,
  ) {}
  check() {
    return true;
  }
  async run(model: Model, real: Real) {
    const { actor, record } = resolve(real, this.actor, this.record);
    const allowed = permitted(real, actor, record, writeEndpoint(record.resource, this.kind)!.who);
    real.ctx.markDirty();
    const exchange = await writeEntriesAs(real.ctx, actor, record, this.kind, this.body);
    // Whether authorization or validation comes first is the target's choice.
    expectClass(real, this.toString(), exchange, allowed ? ["invalid"] : ["refusal", "invalid"]);
    await readBack(model, real, record, this.toString());
  }
  toString() {
    return `${this.actor} ${this.kind === "replace" ? "PUT" : "PATCH"} ${this.record} ${bodyText(this.body)} (${this.defect})`;
  }
}

type BadCredential = "suffix" | "prefix" | "case" | "empty" | "none";

/** A password that is certainly not `password`, derived at run time (never stored). */
function wrongPassword(password: string, variant: Exclude<BadCredential, "none">): string {
  const cps = [...password];
  switch (variant) {
    case "suffix":
      return `${password}x`;
    case "prefix":
      return cps.slice(0, -1).join("");
    case "empty":
      return "";
    case "case": {
      const swapped = cps
        .map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()))
        .join("");
      return swapped === password ? `${password}X` : swapped;
    }
  }
}

class UnauthenticatedStep implements Step {
  constructor(
    readonly actor: string,
    readonly record: string,
    readonly credential: BadCredential,
    readonly op: { read: number } | { kind: WriteKind; body: Record<string, unknown> },
  ) {}
  check() {
    return true;
  }
  async run(model: Model, real: Real) {
    const { actor, record } = resolve(real, this.actor, this.record);
    const extra: Partial<RequestSpec> =
      this.credential === "none"
        ? {}
        : {
            auth: {
              username: actor.username,
              password: wrongPassword(actor.password, this.credential),
              label: `Basic <${actor.username}: a wrong password (${this.credential} variant)>`,
            },
          };
    if ("kind" in this.op) real.ctx.markDirty();
    const exchange =
      "kind" in this.op
        ? await writeAs(real.ctx, undefined, record, this.op.kind, this.op.body, extra)
        : await readAs(real.ctx, undefined, record, this.op.read, extra);
    expectClass(real, this.toString(), exchange, ["unauthenticated"]);
    await readBack(model, real, record, this.toString());
  }
  toString() {
    const who =
      this.credential === "none"
        ? "no credentials"
        : `${this.actor} with a wrong password (${this.credential})`;
    const what =
      "kind" in this.op
        ? `${this.op.kind === "replace" ? "PUT" : "PATCH"} ${this.record} ${bodyText(this.op.body)}`
        : `reads ${this.record} via read #${this.op.read}`;
    return `${who}: ${what}`;
  }
}

class PlaintextWriteStep implements Step {
  constructor(
    readonly actor: string,
    readonly record: string,
    readonly kind: WriteKind,
    readonly body: Record<string, unknown>,
  ) {}
  check() {
    return true;
  }
  async run(model: Model, real: Real) {
    const { actor, record } = resolve(real, this.actor, this.record);
    real.ctx.markDirty();
    const exchange = await writeAs(real.ctx, actor, record, this.kind, this.body, {
      transport: "plaintext",
    });
    // TLS-01/TLS-02: closed, a redirect or a 4xx, never a success; and no change.
    expectClass(
      real,
      this.toString(),
      exchange,
      NOT_SUCCESS,
      "no success (closed, a redirect or a 4xx)",
    );
    await readBack(model, real, record, this.toString());
  }
  toString() {
    return `${this.actor} ${this.kind === "replace" ? "PUT" : "PATCH"} ${this.record} over plaintext HTTP ${bodyText(this.body)}`;
  }
}

/** The commands, drawn so that owners and privileged actors are as likely as strangers. */
function steps(ctx: SuiteContext): fc.Arbitrary<Step>[] {
  const records = allRecords(ctx);
  const all = ctx.identities.all.map((i) => i.username);
  const privileged = ctx.identities.privileged.map((i) => i.username);
  const record = fc.constantFrom(...records);
  const actorFor = (r: OwnedRecord) =>
    fc.oneof(
      fc.constant(r.owner.username),
      privileged.length ? fc.constantFrom(...privileged) : fc.constant(r.owner.username),
      fc.constantFrom(...all),
    );
  const writable = (r: OwnedRecord) => writeKinds(r.resource).length > 0;
  const writableRecord = records.some(writable)
    ? fc.constantFrom(...records.filter(writable))
    : undefined;
  const kindFor = (r: OwnedRecord) => fc.constantFrom(...writeKinds(r.resource));

  const read = record.chain((r) =>
    fc
      .tuple(actorFor(r), fc.nat({ max: r.resource.reads.length - 1 }))
      .map(([a, i]): Step => new ReadStep(a, keyOf(r), i)),
  );
  const unauthenticated = record.chain((r) =>
    fc
      .tuple(
        fc.constantFrom(...all),
        fc.constantFrom<BadCredential>("suffix", "prefix", "case", "empty", "none"),
        writable(r)
          ? fc.oneof(
              fc.nat({ max: r.resource.reads.length - 1 }).map((i) => ({ read: i })),
              kindFor(r).chain((kind) =>
                validBody(r.resource, kind).map((body) => ({ kind, body })),
              ),
            )
          : fc.nat({ max: r.resource.reads.length - 1 }).map((i) => ({ read: i })),
      )
      .map(([a, c, op]): Step => new UnauthenticatedStep(a, keyOf(r), c, op)),
  );
  const arbitraries: fc.Arbitrary<Step>[] = [read, read, read, unauthenticated];
  if (!writableRecord) return arbitraries;

  const write = writableRecord.chain((r) =>
    fc
      .tuple(actorFor(r), kindFor(r))
      .chain(([a, kind]) =>
        validBody(r.resource, kind).map((body): Step => new WriteStep(a, keyOf(r), kind, body)),
      ),
  );
  const invalid = writableRecord.chain((r) =>
    fc
      .tuple(actorFor(r), kindFor(r))
      .chain(([a, kind]) =>
        invalidBody(r, kind).map(
          ({ body, defect }): Step => new InvalidWriteStep(a, keyOf(r), kind, body, defect),
        ),
      ),
  );
  arbitraries.push(write, write, write, write, invalid, invalid);
  if (ctx.target.plaintextUrl()) {
    const plaintext = writableRecord.chain((r) =>
      fc
        .tuple(actorFor(r), kindFor(r))
        .chain(([a, kind]) =>
          validBody(r.resource, kind).map(
            (body): Step => new PlaintextWriteStep(a, keyOf(r), kind, body),
          ),
        ),
    );
    arbitraries.push(plaintext);
  }
  return arbitraries;
}

/** A valid body made invalid: one unknown key added, or one field given a bad value. */
function invalidBody(
  record: OwnedRecord,
  kind: WriteKind,
): fc.Arbitrary<{ body: BodyEntry[]; defect: string }> {
  const resource = record.resource;
  const fields = Object.entries(resource.writable);
  const writableNames = [...new Set(fields.flatMap(([name, spec]) => [name, spec.as ?? name]))];
  const unknownKey = fc
    .tuple(
      validBody(resource, kind),
      unknownKeys({ writable: writableNames }).filter((k) => isUnknownKey(resource, k)),
      fc.oneof(fc.constantFrom("admin", true), fc.jsonValue({ maxDepth: 1 })),
    )
    .map(([valid, key, value]) => ({
      body: [...Object.entries(valid), [key, value] as const],
      defect: `unknown key ${JSON.stringify(key)}`,
    }));
  const badValue = fc.constantFrom(...fields).chain(([bad, spec]) =>
    fc
      .tuple(
        fc.oneof(
          wrongTypeValues(),
          spec.kind === "email" ? invalidEmails() : invalidDisplayNames(),
        ),
        fc.tuple(
          ...fields
            .filter(([name]) => name !== bad)
            .map(([name, s]) => validValueFor(s.kind).map((v): BodyEntry => [name, v])),
        ),
      )
      .map(([value, others]) => ({
        body: [...others, [bad, value] as const],
        defect: `invalid ${bad}`,
      })),
  );
  return fc.oneof(unknownKey, badValue);
}

export const requirement: Requirement = {
  meta: {
    id: "MODEL-01",
    level: "MUST",
    family: "MODEL",
    title: "Random sequences of operations agree with the reference model",
    sentence:
      "Random sequences of operations by random identities (reads, lists, creates, deletes, valid and invalid updates, cross-user attempts, admin updates, plaintext attempts, over every declared resource) agree with the reference model: each response's class (success / refusal / 400-class / 401) and every record read back equal the model's prediction. Counterexamples shrink to the shortest sequence.",
    references: referencesFor("MODEL"),
    remediation: HINT,
  },
  dependsOn: ["AUTHZ-05", "INPUT-04"],
  async check(ctx) {
    const records = allRecords(ctx);
    const identities = new Map(ctx.identities.all.map((i) => [i.username, i]));
    const byKey = new Map(records.map((r) => [keyOf(r), r]));
    const sequences = fc.commands(steps(ctx), { maxCommands: 12 });
    await ctx.property(
      [sequences],
      async (cmds) => {
        // Every sequence, and every shrinking replay of it, starts from the seeded state.
        await ctx.restore();
        const model: Model = { records: new Map(records.map((r) => [keyOf(r), seededState(r)])) };
        const real: Real = { ctx, identities, records: byKey, log: [] };
        try {
          await fc.asyncModelRun(() => ({ model, real }), cmds);
          // And at the end, every record (not only the touched ones) is as predicted.
          for (const record of records) await readBack(model, real, record, "end of the sequence");
        } catch (error) {
          if (!(error instanceof RequirementFailure)) throw error;
          throw new RequirementFailure({
            ...error.detail,
            actual: `${error.detail.actual}; the sequence: ${real.log.map((l, i) => `[${i + 1}] ${l}`).join(" | ")}`,
          });
        }
      },
      { numRuns: ctx.numRuns },
    );
  },
};
