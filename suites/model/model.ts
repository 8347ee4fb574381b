// MODEL-01's reference model and how one step is judged against it. The model holds
// every record the sequence can reach, keyed by the suite's record key (created ones by
// their place in the sequence): its current contract-named values, or "gone" once a
// delete the model allowed succeeded. Each step predicts a response class from the
// declared audiences (resourceApi.ts `allows`), and the record it touched is read back
// through the run's one read-back (ctx.readRecord) and compared by the one equality rule
// (sameState.ts).
import type fc from "fast-check";
import type { Exchange } from "../../harness/http/exchange.ts";
import type { Identity } from "../../harness/identity/identity.ts";
import type { Audience } from "../../harness/manifest/schema.ts";
import type { ReadBack, RecordState, SuiteContext } from "../context.ts";
import { RequirementFailure } from "../failure.ts";
import { expectOutcome, isRestrictive } from "../lib/assertions.ts";
import { showValue } from "../lib/inputCases.ts";
import { caseNotJudged } from "../lib/judging.ts";
import {
  allows,
  fromTargetRecord,
  isPrivileged,
  jsonOf,
  type OwnedRecord,
  readAs,
} from "../lib/resourceApi.ts";
import { describeExchange, type ResponseClass, responseClassOf } from "../lib/responseClass.ts";
import { sameValue } from "../lib/sameState.ts";

export const HINT =
  "Make every handler authenticate, authorize (by the operation's audience), validate, then apply the whole change or nothing; answer a deleted record with 404 everywhere, and never serve a stale copy of a record.";

/** One record as the model knows it. */
export interface Entry {
  record: OwnedRecord;
  /** Its values now; undefined once deleted (its owner's read must answer 404 or 410). */
  state: RecordState | undefined;
  /**
   * A record created later in the sequence got this deleted record's id (a server that
   * reuses ids): the id now names that record, so nothing more can be said about this one.
   */
  superseded: boolean;
}

export interface Model {
  entries: Map<string, Entry>;
  /** Model keys of the records created in this sequence, per resource, oldest first. */
  created: Map<string, string[]>;
}

/** The system under test, and what steps need to resolve their names. */
export interface Real {
  ctx: SuiteContext;
  identities: Map<string, Identity>;
  /** One line per step run so far, for failure messages. */
  log: string[];
  /** The last request that may have changed state: it names end-of-sequence findings. */
  lastChange?: Exchange | undefined;
}

export type Step = fc.AsyncCommand<Model, Real>;

/**
 * A record a step acts on: one of the run's (by its key), or one created earlier in the
 * sequence (0: the latest create of that resource, 1: the one before, ...). Generated
 * steps cannot hold created records themselves: they are drawn before anything runs.
 */
export type RecordRef = { key: string } | { resource: string; latest: number };

/** An actor named by role: the record's owner, resolved when the step runs. */
export const OWNER = "(owner)";

/** The model at the start of a sequence: the run's records as they were at its start. */
export function initialModel(ctx: SuiteContext): Model {
  const entries = new Map<string, Entry>();
  for (const record of ctx.records) {
    const base = ctx.baselineOf(record);
    // A record unreadable at the start cannot be modelled; steps naming it are skipped.
    if (base !== undefined)
      entries.set(record.key, { record, state: { ...base }, superseded: false });
  }
  return { entries, created: new Map() };
}

export function entryOf(model: Model, ref: RecordRef): Entry | undefined {
  const key = keyOf(model, ref);
  const entry = key === undefined ? undefined : model.entries.get(key);
  return entry?.superseded ? undefined : entry;
}

function keyOf(model: Model, ref: RecordRef): string | undefined {
  if ("key" in ref) return ref.key;
  const keys = model.created.get(ref.resource) ?? [];
  return keys[keys.length - 1 - ref.latest];
}

export function refText(ref: RecordRef): string {
  if ("key" in ref) return ref.key;
  return ref.latest === 0
    ? `the ${ref.resource} created last`
    : `the ${ref.resource} created ${ref.latest + 1} creates ago`;
}

/** Add a record created by the sequence; a deleted record whose id it reuses is superseded. */
export function addCreated(model: Model, record: OwnedRecord, state: RecordState): Entry {
  for (const other of model.entries.values()) {
    if (
      other.record.resource === record.resource &&
      other.state === undefined &&
      other.record.id === record.id
    )
      other.superseded = true;
  }
  const keys = model.created.get(record.resource.name) ?? [];
  model.created.set(record.resource.name, keys);
  const key = `${record.resource.name}+${[...model.created.values()].flat().length}`;
  keys.push(key);
  const entry: Entry = { record, state, superseded: false };
  model.entries.set(key, entry);
  return entry;
}

export function actorOf(real: Real, entry: Entry | undefined, actor: string): Identity {
  if (actor === OWNER && entry) return entry.record.owner;
  const identity = real.identities.get(actor);
  if (!identity) throw new Error(`MODEL-01: unknown identity ${actor}`);
  return identity;
}

/** "task 17 of alice-x1"; "user alice-x1" where the id is the owner's name. */
export function recordText(record: OwnedRecord): string {
  const base = `${record.resource.name} ${record.id}`;
  return record.id === record.owner.username ? base : `${base} of ${record.owner.username}`;
}

export function actorText(actor: string): string {
  return actor === OWNER ? "its owner" : actor;
}

// --- predictions ---------------------------------------------------------------------

/** May `actor` read `record` through at least one of its reads? (What a list may show.) */
export function mayRead(ctx: SuiteContext, actor: Identity, record: OwnedRecord): boolean {
  return record.resource.reads.some((r) =>
    r.self ? actor.username === record.owner.username : allows(ctx, r.who, actor, record),
  );
}

/**
 * May `actor` call an operation that names no record (a list, a create)? There "owner"
 * audiences mean every identity, each acting on its own records.
 */
export function mayCall(ctx: SuiteContext, who: Audience, actor: Identity): boolean {
  return who === "owner" || who === "owner-or-privileged" || allows(ctx, who, actor, undefined);
}

/** May `actor` perform an operation of this audience on `record` (self: only its own)? */
export function mayAct(
  ctx: SuiteContext,
  op: { who: Audience; self: boolean },
  actor: Identity,
  record: OwnedRecord,
): boolean {
  return op.self ? actor.username === record.owner.username : allows(ctx, op.who, actor, record);
}

/** Does `actor` see the record's private fields (its owner and privileged roles do)? */
export function seesPrivate(ctx: SuiteContext, actor: Identity, record: OwnedRecord): boolean {
  return actor.username === record.owner.username || isPrivileged(ctx, actor);
}

// --- judging ---------------------------------------------------------------------------

/**
 * The owner's read-back answered a 5xx or nothing: the step cannot be judged, and nor
 * can the rest of the sequence. The case ends without a verdict (judging.ts).
 */
export class SequenceNotJudged extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "SequenceNotJudged";
  }
}

/**
 * The response class must be one the model predicts. A 5xx where no success was due is
 * neither (judging.ts): expectOutcome lets it through unjudged, and the read-back that
 * follows every step judges what it did. A 410 for a deleted record is its refusal.
 */
export function expectStep(
  real: Real,
  step: string,
  exchange: Exchange,
  predicted: readonly ResponseClass[],
  options: { gone?: boolean; expectedText?: string } = {},
): ResponseClass {
  const status = exchange.response?.status;
  const outcome: ResponseClass =
    options.gone && status === 410 ? "refusal" : responseClassOf(exchange);
  real.log.push(`${step} -> ${status ?? exchange.error?.code ?? "no response"} (${outcome})`);
  if (predicted.includes(outcome)) return outcome;
  expectOutcome(
    exchange,
    predicted,
    `step ${real.log.length} (${step}): the response disagrees with the model`,
    HINT,
    options.expectedText ?? predicted.join(" or "),
  );
  return outcome;
}

/** Fields whose values differ from the model's (the one equality rule). */
export function differing(predicted: RecordState, actual: RecordState): string[] {
  return Object.keys(predicted).filter((f) => !sameValue(predicted[f], actual[f]));
}

export function stateFailure(
  real: Real,
  step: string,
  predicted: RecordState,
  actual: RecordState,
  wrong: readonly string[],
  via: string,
  cause: Exchange | undefined,
): RequirementFailure {
  return new RequirementFailure({
    title: `step ${real.log.length} (${step}): ${via} disagrees with the model`,
    expected: wrong.map((f) => `${f}=${showValue(predicted[f])}`).join("; "),
    actual: wrong.map((f) => `${f}=${showValue(actual[f])}`).join("; "),
    hint: HINT,
    ...(cause ? { exchange: cause } : {}),
    kind: "a record read back differs from the model",
  });
}

/**
 * Read the entry's record back as its owner and hold it to the model: its values, or
 * gone. `adopt` names fields whose new values the model cannot predict (the fields an
 * action declares it changes, server-assigned fields of a created record): the model
 * takes them from the read-back. `cause` is the step's request, naming the finding.
 */
export async function expectRecord(
  real: Real,
  entry: Entry,
  step: string,
  cause: Exchange | undefined,
  adopt: readonly string[] = [],
): Promise<void> {
  const read = await real.ctx.readRecord(entry.record);
  judgeReadBack(real, entry, read, step, cause, adopt);
  await expectOwnersOtherReads(real, entry, step);
}

/**
 * The owner's other reads of the record (those its audience lets it use) show the same:
 * a copy served by one path only (a cache the write path does not invalidate) disagrees
 * with the model as surely as a wrong store. Where the resource has one read, nothing.
 */
async function expectOwnersOtherReads(real: Real, entry: Entry, step: string): Promise<void> {
  const record = entry.record;
  const owner = record.owner;
  for (const [index, read] of record.resource.reads.entries()) {
    if (index === record.resource.snapshotRead || !mayAct(real.ctx, read, owner, record)) continue;
    const exchange = await readAs(real.ctx, owner, record, index);
    const gone = entry.state === undefined;
    const status = exchange.response?.status;
    const outcome = gone && status === 410 ? "refusal" : responseClassOf(exchange);
    const predicted = gone ? "refusal" : "success";
    if (outcome !== predicted)
      expectOutcome(
        exchange,
        [predicted],
        `step ${real.log.length} (${step}): the owner's read via read #${index} disagrees with the model`,
        HINT,
        gone ? "404 or 410 (the model says it was deleted)" : "success",
      );
    if (outcome === "success" && entry.state)
      expectShown(real, step, entry.state, owner, record, exchange);
  }
}

/**
 * A successful read shows the model's values: all of them to the owner and privileged
 * roles, all but the private fields to others (who must not see those).
 */
export function expectShown(
  real: Real,
  step: string,
  state: RecordState,
  actor: Identity,
  record: OwnedRecord,
  exchange: Exchange,
): void {
  const resource = record.resource;
  const shown = fromTargetRecord(resource, jsonOf(exchange));
  if (!shown) {
    throw new RequirementFailure({
      title: `step ${real.log.length} (${step}): a successful read answered no record`,
      expected: `a JSON object at ${JSON.stringify(resource.record)} of the body`,
      actual: describeExchange(exchange),
      hint: HINT,
      exchange,
      kind: "a successful read answered no record",
    });
  }
  const hidden = seesPrivate(real.ctx, actor, record) ? [] : resource.private;
  const predicted = Object.fromEntries(Object.entries(state).filter(([f]) => !hidden.includes(f)));
  const wrong = differing(predicted, shown);
  if (wrong.length > 0)
    throw stateFailure(
      real,
      step,
      predicted,
      shown,
      wrong,
      `the body of ${describeExchange(exchange)}`,
      exchange,
    );
  // A private value is told apart from a placeholder only where it is not empty.
  const leaked = hidden.filter(
    (f) =>
      Object.hasOwn(shown, f) &&
      state[f] !== "" &&
      state[f] !== null &&
      sameValue(shown[f], state[f]),
  );
  if (leaked.length > 0) {
    throw new RequirementFailure({
      title: `step ${real.log.length} (${step}): private fields shown to an identity other than the owner`,
      expected: `no ${leaked.join(", ")} (private) in the body`,
      actual: leaked.map((f) => `${f}=${showValue(shown[f])}`).join("; "),
      hint: HINT,
      exchange,
      kind: "leaked private field values",
    });
  }
}

function judgeReadBack(
  real: Real,
  entry: Entry,
  read: ReadBack,
  step: string,
  cause: Exchange | undefined,
  adopt: readonly string[],
): void {
  const record = entry.record;
  const name = recordText(record);
  const via = `the owner's read-back of ${name} (${describeExchange(read.exchange)})`;
  if ("unreadable" in read) {
    const status = read.exchange.response?.status;
    if (status === undefined || status >= 500) {
      caseNotJudged(`${via}: ${read.unreadable}`);
      throw new SequenceNotJudged(read.unreadable);
    }
    // A deleted record its owner is refused: as good as gone.
    if (entry.state === undefined && responseClassOf(read.exchange) === "refusal") return;
    throw new RequirementFailure({
      title: `step ${real.log.length} (${step}): the owner could not read ${name} back`,
      expected:
        entry.state === undefined
          ? "404 or 410 (the model says it was deleted)"
          : "200 with the record (its owner may always read it)",
      actual: describeExchange(read.exchange),
      hint: HINT,
      restrictive: isRestrictive(read.exchange),
      exchange: read.exchange,
      kind: "the owner could not read its record back",
    });
  }
  if ("gone" in read) {
    if (entry.state === undefined) return;
    throw new RequirementFailure({
      title: `step ${real.log.length} (${step}): ${name} vanished, against the model`,
      expected: "the record, readable by its owner (nothing the model allowed deleted it)",
      actual: `${describeExchange(read.exchange)}`,
      hint: HINT,
      ...(cause ? { exchange: cause } : {}),
      kind: "a record vanished, against the model",
    });
  }
  if (entry.state === undefined) {
    throw new RequirementFailure({
      title: `step ${real.log.length} (${step}): ${name} is still readable after its delete succeeded`,
      expected: "404 or 410 (the model says it was deleted)",
      actual: `${describeExchange(read.exchange)} with the record`,
      hint: HINT,
      ...(cause ? { exchange: cause } : {}),
      kind: "a deleted record is still readable",
    });
  }
  for (const field of adopt) {
    if (Object.hasOwn(read.state, field)) entry.state[field] = read.state[field];
    else delete entry.state[field];
  }
  const wrong = differing(entry.state, read.state);
  if (wrong.length > 0) throw stateFailure(real, step, entry.state, read.state, wrong, via, cause);
}
