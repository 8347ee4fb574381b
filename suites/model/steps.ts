// The commands of MODEL-01: each sends one request, predicts its response class from
// the model (the operation's declared audience, the record live or deleted), checks it,
// updates the model, and reads the touched record back as its owner. Steps that may
// change state say so (ctx.markDirty) before sending, so that the runner restores the
// run's records (recreating deleted ones, deleting created ones) before the next case.
import type { Exchange, RequestSpec } from "../../harness/http/exchange.ts";
import type { Identity } from "../../harness/identity/identity.ts";
import { loginOf } from "../../harness/identity/identity.ts";
import type { SuiteContext } from "../context.ts";
import { RequirementFailure } from "../failure.ts";
import { type BodyEntry, writeEntriesAs } from "../lib/inputCases.ts";
import {
  fieldsOf,
  jsonOf,
  listedIdOf,
  listedItems,
  type Operation,
  type OperationKind,
  type OwnedRecord,
  operationsOf,
  perform,
  readAs,
  readOperation,
  type WriteKind,
  writeAs,
  writeOperation,
} from "../lib/resourceApi.ts";
import { describeExchange, type ResponseClass } from "../lib/responseClass.ts";
import {
  actorOf,
  actorText,
  addCreated,
  type Entry,
  entryOf,
  expectRecord,
  expectShown,
  expectStep,
  HINT,
  type Model,
  mayAct,
  mayCall,
  mayRead,
  type Real,
  type RecordRef,
  recordText,
  refText,
  type Step,
} from "./model.ts";

/** Everything a plaintext request may get but a success (TLS-01, TLS-02). */
const NOT_SUCCESS: readonly ResponseClass[] = [
  "refusal",
  "invalid",
  "unauthenticated",
  "redirect",
  "server-error",
  "other",
  "no-response",
];

function bodyText(body: Record<string, unknown> | readonly BodyEntry[]): string {
  const entries = Array.isArray(body) ? body : Object.entries(body);
  const text = `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`;
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** May `actor` perform `op` on the entry's record: it lives, and the audience admits the actor? */
function mayPerform(real: Real, entry: Entry, op: Operation, actor: Identity): boolean {
  return entry.state !== undefined && mayAct(real.ctx, op, actor, entry.record);
}

/** expectStep on a record step: a 410 counts as a refusal where the model has it deleted. */
function expectOnRecord(
  real: Real,
  entry: Entry,
  step: string,
  exchange: Exchange,
  predicted: readonly ResponseClass[],
  expectedText?: string,
): ResponseClass {
  const gone = entry.state === undefined;
  return expectStep(
    real,
    step,
    exchange,
    predicted,
    expectedText ? { gone, expectedText } : { gone },
  );
}

/** A step on one record: resolves the record (run's or created) and its actor. */
abstract class RecordStep implements Step {
  constructor(
    readonly actor: string,
    readonly ref: RecordRef,
  ) {}
  check(model: Readonly<Model>): boolean {
    return entryOf(model as Model, this.ref) !== undefined;
  }
  protected resolve(model: Model, real: Real): { entry: Entry; actor: Identity; step: string } {
    const entry = entryOf(model, this.ref);
    if (!entry) throw new Error(`MODEL-01: step on ${refText(this.ref)} that check() refused`);
    const actor = actorOf(real, entry, this.actor);
    return { entry, actor, step: this.describe(actor.username, recordText(entry.record)) };
  }
  /**
   * Send a request that may change state: the runner is told first (it restores the
   * run's records before the next case), and the request names end-of-sequence findings.
   */
  protected async change(real: Real, send: () => Promise<Exchange>): Promise<Exchange> {
    real.ctx.markDirty();
    const exchange = await send();
    real.lastChange = exchange;
    return exchange;
  }
  abstract run(model: Model, real: Real): Promise<void>;
  /** The step in words, with the actor and record named as given. */
  protected abstract describe(actor: string, record: string): string;
  toString(): string {
    return this.describe(actorText(this.actor), refText(this.ref));
  }
}

export class ReadStep extends RecordStep {
  constructor(
    actor: string,
    ref: RecordRef,
    readonly index: number,
  ) {
    super(actor, ref);
  }
  async run(model: Model, real: Real): Promise<void> {
    const { entry, actor, step } = this.resolve(model, real);
    const record = entry.record;
    const op = readOperation(record.resource, this.index);
    const allowed = mayPerform(real, entry, op, actor);
    const exchange = await readAs(real.ctx, actor, record, this.index);
    const outcome = expectOnRecord(real, entry, step, exchange, [allowed ? "success" : "refusal"]);
    if (outcome === "success" && entry.state)
      expectShown(real, step, entry.state, actor, record, exchange);
    // A read changes nothing: a disagreement found now is named by the last change.
    await expectRecord(real, entry, step, real.lastChange ?? exchange);
  }
  protected describe(actor: string, record: string): string {
    return `${actor} reads ${record} via read #${this.index}`;
  }
}

/** A step through the record's update endpoint of `kind` (sent with `method`). */
abstract class UpdateStep extends RecordStep {
  constructor(
    actor: string,
    ref: RecordRef,
    readonly kind: WriteKind,
    readonly method: string,
  ) {
    super(actor, ref);
  }
  /** As resolve, with the record and whether the model lets the update succeed. */
  protected resolveUpdate(model: Model, real: Real) {
    const resolved = this.resolve(model, real);
    const record = resolved.entry.record;
    const op = writeOperation(record.resource, this.kind);
    if (!op) throw new Error(`MODEL-01: ${record.resource.name} has no ${this.kind}`);
    return { ...resolved, record, allowed: mayPerform(real, resolved.entry, op, resolved.actor) };
  }
}

export class WriteStep extends UpdateStep {
  constructor(
    actor: string,
    ref: RecordRef,
    kind: WriteKind,
    method: string,
    readonly body: Record<string, unknown>,
  ) {
    super(actor, ref, kind, method);
  }
  async run(model: Model, real: Real): Promise<void> {
    const { entry, actor, step, record, allowed } = this.resolveUpdate(model, real);
    const exchange = await this.change(real, () =>
      writeAs(real.ctx, actor, record, this.kind, this.body),
    );
    const outcome = expectOnRecord(real, entry, step, exchange, [allowed ? "success" : "refusal"]);
    let adopt: string[] = [];
    if (outcome === "success" && entry.state) {
      Object.assign(entry.state, this.body);
      // Opaque fields are never sent: what a replace does to them is the target's choice.
      if (this.kind === "replace") adopt = opaqueFields(record);
    }
    await expectRecord(real, entry, step, exchange, adopt);
  }
  protected describe(actor: string, record: string): string {
    return `${actor} ${this.method} ${record} ${bodyText(this.body)}`;
  }
}

function opaqueFields(record: OwnedRecord): string[] {
  return Object.entries(record.resource.writable)
    .filter(([, spec]) => spec.kind === "opaque")
    .map(([name]) => name);
}

export class InvalidWriteStep extends UpdateStep {
  constructor(
    actor: string,
    ref: RecordRef,
    kind: WriteKind,
    method: string,
    readonly body: readonly BodyEntry[],
    readonly defect: string,
  ) {
    super(actor, ref, kind, method);
  }
  async run(model: Model, real: Real): Promise<void> {
    const { entry, actor, step, record, allowed } = this.resolveUpdate(model, real);
    // Sent as raw JSON text (an unknown key may be `__proto__`); where the id travels in
    // the body it leads, as the server assigned it.
    const exchange = await this.change(real, () =>
      writeEntriesAs(real.ctx, actor, record, this.kind, this.body),
    );
    // Whether authorization or validation comes first is the target's choice.
    expectOnRecord(real, entry, step, exchange, allowed ? ["invalid"] : ["refusal", "invalid"]);
    await expectRecord(real, entry, step, exchange);
  }
  protected describe(actor: string, record: string): string {
    return `${actor} ${this.method} ${record} ${bodyText(this.body)} (${this.defect})`;
  }
}

/** One declared operation on a record, named by kind and index (counterexamples print it). */
export interface Call {
  kind: OperationKind;
  index: number;
  /** `PATCH /todos/{id}`, for the step's words. */
  name: string;
  /** Updates: the contract-named body. */
  body?: Record<string, unknown>;
}

function operationOf(record: OwnedRecord, call: Call) {
  const op = operationsOf(record.resource).find(
    (o) => o.kind === call.kind && o.index === call.index,
  );
  if (!op) throw new Error(`MODEL-01: ${record.resource.name} has no ${call.kind} #${call.index}`);
  return op;
}

function changesState(call: Call): boolean {
  return call.kind !== "read";
}

/** Send `call` on `record`: updates with their body, actions with theirs, the rest bare. */
function sendCall(
  ctx: SuiteContext,
  actor: Identity | undefined,
  record: OwnedRecord,
  call: Call,
  extra: Partial<RequestSpec>,
): Promise<Exchange> {
  if (call.kind === "replace" || call.kind === "merge")
    return writeAs(ctx, actor, record, call.kind, call.body ?? {}, extra);
  const op = operationOf(record, call);
  return perform(
    ctx,
    actor,
    op,
    record,
    op.kind === "action" ? { json: op.body ?? {}, ...extra } : extra,
  );
}

function callText(call: Call, record: string): string {
  return `${call.name} on ${record}${call.body ? ` ${bodyText(call.body)}` : ""}`;
}

/** A step through one declared operation of `kind`, named by its index among them. */
abstract class DeclaredOperationStep extends RecordStep {
  protected abstract readonly kind: "delete" | "action";
  constructor(
    actor: string,
    ref: RecordRef,
    readonly index: number,
    readonly name: string,
  ) {
    super(actor, ref);
  }
  protected operation(record: OwnedRecord): Operation {
    return operationOf(record, { kind: this.kind, index: this.index, name: this.name });
  }
}

export class DeleteStep extends DeclaredOperationStep {
  protected readonly kind = "delete";
  async run(model: Model, real: Real): Promise<void> {
    const { entry, actor, step } = this.resolve(model, real);
    const record = entry.record;
    const op = this.operation(record);
    const exchange = await this.change(real, () => perform(real.ctx, actor, op, record));
    // Deleting what is already gone: 404, or a success where deletes are idempotent.
    const predicted: ResponseClass[] =
      entry.state === undefined
        ? ["success", "refusal"]
        : [mayAct(real.ctx, op, actor, record) ? "success" : "refusal"];
    const outcome = expectOnRecord(real, entry, step, exchange, predicted);
    if (outcome === "success") entry.state = undefined;
    await expectRecord(real, entry, step, exchange);
  }
  protected describe(actor: string, record: string): string {
    return `${actor} deletes ${record} via ${this.name}`;
  }
}

export class ActionStep extends DeclaredOperationStep {
  protected readonly kind = "action";
  async run(model: Model, real: Real): Promise<void> {
    const { entry, actor, step } = this.resolve(model, real);
    const record = entry.record;
    const op = this.operation(record);
    const allowed = mayPerform(real, entry, op, actor);
    const exchange = await this.change(real, () =>
      perform(real.ctx, actor, op, record, { json: op.body ?? {} }),
    );
    const outcome = expectOnRecord(real, entry, step, exchange, [allowed ? "success" : "refusal"]);
    // Only the fields the action declares may change, to values the model cannot know.
    const adopt = outcome === "success" && entry.state ? (op.changes ?? []) : [];
    await expectRecord(real, entry, step, exchange, adopt);
  }
  protected describe(actor: string, record: string): string {
    return `${actor} ${this.name} on ${record}`;
  }
}

export class CreateStep implements Step {
  constructor(
    readonly actor: string,
    readonly resource: string,
    readonly body: Record<string, unknown>,
  ) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    const resource = real.ctx.resources.find((r) => r.name === this.resource);
    if (!resource || resource.create === "seeded")
      throw new Error(`MODEL-01: no create for ${this.resource}`);
    const actor = actorOf(real, undefined, this.actor);
    const step = this.toString();
    real.ctx.markDirty();
    // Tracked by the run: deleted again when state is restored.
    const { exchange, record } = await real.ctx.createRecord(actor, resource, this.body);
    real.lastChange = exchange;
    expectStep(real, step, exchange, ["success"]);
    if (!record) {
      const where =
        "location" in resource.create.id
          ? "the Location header"
          : `${JSON.stringify(resource.create.id.pointer)} of the body`;
      throw new RequirementFailure({
        title: `step ${real.log.length} (${step}): the create's answer names no id`,
        expected: `the new record's id in ${where}`,
        actual: describeExchange(exchange),
        hint: HINT,
        exchange,
        kind: "a create answered no id",
      });
    }
    const entry = addCreated(model, record, { ...this.body });
    // The owner reads back exactly what it wrote; what the server assigned is the record's.
    const assigned = fieldsOf(resource).filter((f) => !Object.hasOwn(this.body, f));
    await expectRecord(real, entry, step, exchange, assigned);
  }
  toString(): string {
    return `${this.actor} creates a ${this.resource} ${bodyText(this.body)}`;
  }
}

export class ListStep implements Step {
  constructor(
    readonly actor: string,
    readonly resource: string,
    readonly index: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    const ctx = real.ctx;
    const resource = ctx.resources.find((r) => r.name === this.resource);
    const op = resource
      ? operationsOf(resource).find((o) => o.kind === "list" && o.index === this.index)
      : undefined;
    if (!resource || !op) throw new Error(`MODEL-01: no list #${this.index} of ${this.resource}`);
    const actor = actorOf(real, undefined, this.actor);
    const step = this.toString();
    const exchange = await perform(ctx, actor, op, undefined);
    const allowed = mayCall(ctx, op.who, actor);
    const outcome = expectStep(real, step, exchange, [allowed ? "success" : "refusal"]);
    if (outcome !== "success") return;
    const items = listedItems(op, jsonOf(exchange));
    if (!items) {
      throw new RequirementFailure({
        title: `step ${real.log.length} (${step}): the list answered no records`,
        expected: `an array, or an object keyed by id, at ${JSON.stringify(op.items ?? "")} of the body`,
        actual: describeExchange(exchange),
        hint: HINT,
        exchange,
        kind: "a list answered no records",
      });
    }
    const listed = new Set(
      items.map((i) => listedIdOf(resource, i)).filter((id) => id !== undefined),
    );
    const known = [...model.entries.values()].filter(
      (e) => e.record.resource === resource && !e.superseded,
    );
    const fail = (title: string, expected: string, kind: string) =>
      new RequirementFailure({
        title: `step ${real.log.length} (${step}): ${title}`,
        expected,
        actual: describeExchange(exchange),
        hint: HINT,
        exchange,
        kind,
      });
    // Only what the model knows is judged: records of other checks or earlier sequences
    // may be listed too, and say nothing either way.
    for (const id of listed) {
      const same = known.filter((e) => e.record.id === id);
      if (same.length === 0) continue;
      const live = same.filter((e) => e.state !== undefined);
      if (live.length === 0)
        throw fail(
          `the list shows ${resource.name} ${id}, deleted earlier in the sequence`,
          "no deleted record",
          "a list shows a deleted record",
        );
      if (!live.some((e) => mayRead(ctx, actor, e.record)))
        throw fail(
          `the list shows ${recordText(live[0]!.record)} to ${actor.username}, who may not read it`,
          "only records the caller may read (AUTHZ-07)",
          "a list shows a record the caller may not read",
        );
    }
    const missing = known.filter(
      (e) =>
        e.state !== undefined &&
        e.record.owner.username === actor.username &&
        !listed.has(e.record.id),
    );
    if (missing.length > 0)
      throw fail(
        `the list misses ${missing.map((e) => recordText(e.record)).join(", ")}, the caller's own`,
        "every record of the caller's that exists",
        "a list misses the caller's own record",
      );
  }
  toString(): string {
    return `${this.actor} lists ${this.resource}s via list #${this.index}`;
  }
}

export type BadCredential = "suffix" | "prefix" | "case" | "empty" | "none";

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

/** Any operation on a record, without credentials or with a wrong password: 401. */
export class UnauthenticatedStep extends RecordStep {
  constructor(
    /** Whose user name goes with the wrong password (no credentials: unused). */
    named: string,
    ref: RecordRef,
    readonly credential: BadCredential,
    readonly call: Call,
  ) {
    super(named, ref);
  }
  async run(model: Model, real: Real): Promise<void> {
    const { entry, actor: named, step } = this.resolve(model, real);
    const extra: Partial<RequestSpec> =
      this.credential === "none"
        ? {}
        : {
            auth: {
              username: loginOf(named),
              password: wrongPassword(named.password, this.credential),
              label: `Basic <${named.username}: a wrong password (${this.credential} variant)>`,
            },
          };
    const send = () => sendCall(real.ctx, undefined, entry.record, this.call, extra);
    const exchange = changesState(this.call) ? await this.change(real, send) : await send();
    expectOnRecord(real, entry, step, exchange, ["unauthenticated"]);
    await expectRecord(real, entry, step, exchange);
  }
  protected describe(named: string, record: string): string {
    const who =
      this.credential === "none"
        ? "no credentials"
        : `${named} with a wrong password (${this.credential})`;
    return `${who}: ${callText(this.call, record)}`;
  }
}

/** A state-changing operation over plaintext HTTP: never a success, and no change. */
export class PlaintextStep extends RecordStep {
  constructor(
    actor: string,
    ref: RecordRef,
    readonly call: Call,
  ) {
    super(actor, ref);
  }
  async run(model: Model, real: Real): Promise<void> {
    const { entry, actor, step } = this.resolve(model, real);
    const exchange = await this.change(real, () =>
      sendCall(real.ctx, actor, entry.record, this.call, { transport: "plaintext" }),
    );
    expectOnRecord(
      real,
      entry,
      step,
      exchange,
      NOT_SUCCESS,
      "no success (closed, a redirect or a 4xx)",
    );
    await expectRecord(real, entry, step, exchange);
  }
  protected describe(actor: string, record: string): string {
    return `${actor} ${callText(this.call, record)} over plaintext HTTP`;
  }
}
