// The state part of a run (docs/SPEC.md 1b, "Baseline and restore"): which records exist
// (seeded, or created by the suite as their owners at the start), what they held at the
// start (the baseline, read back, never required in the manifest), reading them back,
// telling whether state changed, and putting it back: changed writable fields through
// the API, deleted records recreated, the container replaced where the API cannot undo
// a change. On a URL target a change that cannot be undone loses only that record.
import { AsyncLocalStorage } from "node:async_hooks";
import fc from "fast-check";
import type { Exchange, RequestSpec } from "../../harness/http/exchange.ts";
import type { Identity } from "../../harness/identity/identity.ts";
import type { ResourceSpec } from "../../harness/manifest/schema.ts";
import type { StartedTarget } from "../../harness/target/startedTarget.ts";
import type { ReadBack, RecordState, Snapshot, SuiteContext } from "../context.ts";
import { Inconclusive, RequirementFailure } from "../failure.ts";
import { plainBody } from "../lib/bodies.ts";
import { sendSignUp, signUpEntries } from "../lib/inputCases.ts";
import {
  createdIdOf,
  fromTargetRecord,
  jsonOf,
  type OwnedRecord,
  operationsOf,
  perform,
  readAs,
  readOperation,
  requestFor,
  seededState,
  toTargetBody,
  writableFields,
  writeAs,
  writeKinds,
} from "../lib/resourceApi.ts";
import { sameState, sameValue } from "../lib/sameState.ts";
import type { Liveness } from "./liveness.ts";
import { escapeInvisible } from "./visible.ts";

/** A record that could not be put back on a URL target, and why. */
export interface LostRecord {
  key: string;
  reason: string;
}

/** A problem of the run's setup (a sign-up or create that failed), named in reports. */
export interface SetupProblem {
  username: string;
  role: string;
  reason: string;
}

export class RecordStore {
  records: OwnedRecord[] = [];
  private baseline = new Map<string, RecordState>();
  /** Records a check created on top of the run's (AUTHZ-08, MODEL-01), deleted on restore. */
  private extras: OwnedRecord[] = [];
  lost: LostRecord[] = [];
  /** Every id a create answered in this run (finding keys write them as `{id}`). */
  readonly knownIds = new Set<string>();
  private dirty = false;
  private lastSnapshot: Snapshot | undefined;
  /** Containers replaced since a record was last read back. */
  private resetsSinceReadBack = 0;
  private created = 0;

  constructor(
    private readonly ctx: SuiteContext,
    private readonly target: StartedTarget,
    private readonly liveness: Liveness,
    private readonly seed: number,
    /** The identities the run uses now (some may be left out). */
    private readonly identities: () => readonly Identity[],
  ) {}

  /** Any request was sent: what was read back before may have changed. */
  invalidate(): void {
    this.lastSnapshot = undefined;
    this.sends++;
  }

  /** Requests sent so far (restore() tells from it whether its reads are still current). */
  private sends = 0;

  /** Every record as it is now: from the last snapshot, or all read at once. */
  private async currentRecords(): Promise<Map<string, Current>> {
    const current = new Map<string, Current>();
    const cached = this.lastSnapshot;
    if (cached !== undefined) {
      for (const record of this.records) {
        const state = cached.get(record.resource.name)?.get(record.id);
        if (state !== undefined)
          current.set(record.key, isGone(state) ? { gone: state[GONE] as number } : { state });
      }
      return current;
    }
    const reads = await Promise.all(this.records.map((r) => this.settledRead(r)));
    for (const [i, record] of this.records.entries()) {
      const read = reads[i]!;
      if ("error" in read) throw read.error;
      current.set(record.key, currentOf(read));
    }
    return current;
  }

  markDirty(): void {
    this.dirty = true;
  }

  get isDirty(): boolean {
    return this.dirty;
  }

  baselineOf(record: OwnedRecord): RecordState | undefined {
    return this.baseline.get(record.key);
  }

  /**
   * The run's starting state: identities signed up (where the manifest says so), records
   * created through the API for resources that are not seeded, every record read back.
   * Identities whose sign-up failed are returned, to be left out with that reason.
   */
  async establish(): Promise<SetupProblem[]> {
    const problems = await this.signUp();
    const left = new Set(problems.map((p) => p.username));
    const owners = this.identities().filter((i) => !left.has(i.username));
    const records: OwnedRecord[] = [];
    for (const resource of this.ctx.resources) {
      if (resource.create === "seeded") {
        for (const owner of owners)
          records.push({
            resource,
            id: String(
              (owner as unknown as Record<string, unknown>)[resource.idField] ?? owner.username,
            ),
            owner,
            key: `${resource.name}#${owner.username}`,
          });
        continue;
      }
      for (const owner of owners) {
        for (let n = 0; n < resource.create.perOwner; n++) {
          const body = this.startingBody(resource);
          const made = await this.create(owner, resource, body);
          if (made.record) {
            made.record.key = `${resource.name}#${owner.username}#${n}`;
            records.push(made.record);
          }
        }
      }
    }
    // After a reset, the records checks hold (in their generated cases) stay the same
    // objects: a created record's new id is written into the one they know.
    const known = new Map(this.records.map((r) => [r.key, r]));
    this.records = records.map((r) => {
      const old = known.get(r.key);
      if (old === undefined) return r;
      old.id = r.id;
      return old;
    });
    await this.readBaseline(this.records);
    return problems;
  }

  /** The identities' records again after some were left out (AUTHN-01). */
  keepOwners(usernames: ReadonlySet<string>): void {
    this.records = this.records.filter((r) => usernames.has(r.owner.username));
    this.lastSnapshot = undefined;
  }

  private async readBaseline(records: readonly OwnedRecord[]): Promise<void> {
    const reads = await Promise.all(records.map((r) => this.settledRead(r)));
    for (const [i, record] of records.entries()) {
      const read = reads[i]!;
      if ("state" in read) {
        this.baseline.set(record.key, read.state);
        this.resetsSinceReadBack = 0;
        continue;
      }
      // Unreadable at the start (the owner cannot log in, say): what users.json seeded is
      // the best statement of its state, where there is one; checks judge it from there.
      const seeded = record.resource.create === "seeded" ? seededState(record) : {};
      if (Object.keys(seeded).length > 0) this.baseline.set(record.key, seeded);
    }
  }

  /** Values a created record starts with: unremarkable, and distinct per record. */
  private startingBody(resource: ResourceSpec): Record<string, unknown> {
    const seed = (this.seed + 104_729 * ++this.created) | 0;
    return fc.sample(plainBody(resource, "replace"), { seed, numRuns: 1 })[0] ?? {};
  }

  /** Sign-up of every identity (`identities.signUp`); an account already there is kept. */
  private async signUp(): Promise<SetupProblem[]> {
    const declared = this.target.manifest.identities;
    if (!("signUp" in declared)) return [];
    const op = declared.signUp;
    const problems: SetupProblem[] = [];
    for (const identity of this.identities()) {
      // The body carries the password: the client scrubs every identity's password from
      // what it records, so the transcript never holds it.
      const exchange = await sendSignUp(this.ctx, op, signUpEntries(op, identity));
      const status = exchange.response?.status;
      if (status !== undefined && ((status >= 200 && status < 300) || status === 409)) continue;
      problems.push({
        username: identity.username,
        role: identity.role,
        reason: `its sign-up (${op.method} ${op.path}) answered ${status ?? exchange.error?.code ?? "nothing"}`,
      });
    }
    return problems;
  }

  /** Create a record as `owner`; the record is known only if the answer named its id. */
  async create(
    owner: Identity,
    resource: ResourceSpec,
    body: Record<string, unknown>,
    extra: Partial<RequestSpec> = {},
  ): Promise<{ exchange: Exchange; record?: OwnedRecord }> {
    const op = operationsOf(resource).find((o) => o.kind === "create");
    if (!op) throw new Error(`resource ${resource.name}: no create operation`);
    const exchange = await perform(this.ctx, owner, op, undefined, {
      json: toTargetBody(resource, body),
      ...extra,
    });
    const status = exchange.response?.status ?? 0;
    const id = status >= 200 && status < 300 ? createdIdOf(resource, exchange) : undefined;
    if (id === undefined) return { exchange };
    this.knownIds.add(id);
    return { exchange, record: { resource, id, owner, key: `${resource.name}#${id}` } };
  }

  /** A record a check created: deleted again on restore where a delete is declared. */
  trackExtra(record: OwnedRecord): void {
    this.extras.push(record);
    this.dirty = true;
  }

  /** The one read-back: the record as its owner's snapshot read answers it. */
  async read(record: OwnedRecord): Promise<ReadBack> {
    const exchange = await readAs(this.ctx, record.owner, record);
    const status = exchange.response?.status;
    if (status === 404 || status === 410) return { gone: status, exchange };
    const state = status === 200 ? fromTargetRecord(record.resource, jsonOf(exchange)) : undefined;
    if (state) {
      this.resetsSinceReadBack = 0;
      return { state, exchange };
    }
    return {
      unreadable: `cannot read back ${record.resource.name} ${record.id} as its owner (${answerOf(exchange)}): integrity cannot be judged`,
      exchange,
    };
  }

  /** `read`, with a thrown error (interrupt, target gone) kept as a value. */
  private async settledRead(record: OwnedRecord): Promise<ReadBack | { error: unknown }> {
    try {
      return await this.read(record);
    } catch (error) {
      return { error };
    }
  }

  /**
   * Every record, read back as its owner, the reads sent at once (the client keeps
   * several connections) and bookkept in record order.
   */
  async snapshot(): Promise<Snapshot> {
    const inBatch = this.batchCase.getStore();
    if (inBatch !== undefined) return inBatch.barrier.arrive(inBatch.calls++);
    return this.readAllNow();
  }

  /** Which case of a batch is calling, and how many snapshots it has taken. */
  private readonly batchCase = new AsyncLocalStorage<{ barrier: SnapshotBarrier; calls: number }>();

  /**
   * Run cases at once. Each case's n-th snapshot is one read of every record shared by
   * the whole batch, taken once every case still running has asked for its n-th: so
   * "before" is before every case's request and "after" after all of them, and a change
   * made by any case shows in every case's comparison (the batch then fails as a whole).
   */
  async inBatch<T>(
    tasks: ReadonlyArray<() => Promise<T>>,
  ): Promise<Array<{ value: T } | { error: unknown }>> {
    const barrier = new SnapshotBarrier(tasks.length, () => this.readAllNow());
    return Promise.all(
      tasks.map((task) =>
        this.batchCase.run({ barrier, calls: 0 }, async () => {
          const me = this.batchCase.getStore()!;
          try {
            return { value: await task() };
          } catch (error) {
            return { error };
          } finally {
            barrier.finish(me.calls);
          }
        }),
      ),
    );
  }

  private async readAllNow(): Promise<Snapshot> {
    // Nothing was sent since the last read-back (one case's "after" is the next case's
    // "before"): the records are what they were, so reading them again proves nothing new.
    if (this.lastSnapshot) return this.lastSnapshot;
    const reads = await Promise.all(this.records.map((r) => this.settledRead(r)));
    const snap: Snapshot = new Map();
    for (const [i, record] of this.records.entries()) {
      const read = reads[i]!;
      if ("error" in read) throw read.error;
      if ("unreadable" in read)
        throw new UnreadableRecord(read.unreadable, read.exchange.response !== undefined);
      const byId = snap.get(record.resource.name) ?? new Map<string, RecordState>();
      snap.set(record.resource.name, byId);
      byId.set(record.id, "gone" in read ? goneState(read.gone) : read.state);
    }
    this.lastSnapshot = snap;
    return snap;
  }

  /** Throws a RequirementFailure naming each changed field, or a vanished record. */
  expectUnchanged(
    before: Snapshot,
    after: Snapshot,
    what: string,
    cannotJudge: (reason: string) => void,
  ): void {
    const goneBefore = [...before.values()].some((records) => [...records.values()].some(isGone));
    if (goneBefore) {
      // A record missing before the case cannot show what the case did to it.
      this.dirty = true;
      cannotJudge("a record was already gone before the case (its owner's read answered 404)");
    }
    const diffs = diffSnapshots(before, after);
    if (diffs.length === 0) return;
    this.dirty = true;
    throw new RequirementFailure({
      kind: "state changed",
      title: `state changed after ${what}`,
      expected: "every record read back identical (docs/SPEC.md: no state change)",
      actual: diffs.slice(0, 4).join("; "),
      hint: "reject the request before touching the store, and apply updates atomically",
    });
  }

  /** Put every record back to its baseline (see the file comment for how). */
  async restore(): Promise<void> {
    this.liveness.throwIfStopped();
    this.dirty = false;
    await this.deleteExtras();
    // The records as they are now, all at once: the last snapshot if nothing was sent
    // since (as in snapshot()), else every record read in one round trip. Once a restoring
    // request is sent, the records after it are read one by one (it may touch them).
    const upfront = await this.currentRecords();
    const sendsThen = this.sends;
    for (const record of [...this.records]) {
      const base = this.baseline.get(record.key);
      const known = this.sends === sendsThen ? upfront.get(record.key) : undefined;
      const now = known ?? currentOf(await this.read(record));
      this.liveness.throwIfStopped();
      if (base === undefined) continue;
      if ("state" in now && sameState(now.state, base)) continue;
      if ("unreadable" in now) {
        // The target answered, but not with the record (its owner cannot log in, say): it
        // is alive, and no restart would make the record readable. Leave it; checks that
        // need it are inconclusive on their own.
        if (now.answered) continue;
        if (this.resetsSinceReadBack > 0)
          this.liveness.giveUp(`${now.unreadable}, even from a freshly started container`);
        await this.replaceTarget(record, now.unreadable);
        return;
      }
      if ("gone" in now) {
        // Gone again from a fresh container: the target never serves it; leave it.
        if (this.resetsSinceReadBack > 0) continue;
        if (await this.recreate(record, base)) continue;
        await this.replaceTarget(record, `${record.resource.name} ${record.id} was deleted`);
        return;
      }
      const state = now.state;
      const readOnlyChanged = Object.keys(record.resource.readOnly).some(
        (f) => f in base && !sameValue(state[f], base[f]),
      );
      if (readOnlyChanged) {
        // The API cannot write read-only fields: a created record is replaced by a new
        // one; a seeded one needs a fresh container.
        if (record.resource.create !== "seeded" && (await this.deleteRecord(record))) {
          if (await this.recreate(record, base)) continue;
        }
        await this.replaceTarget(
          record,
          `a read-only field of ${record.resource.name} ${record.id} changed`,
        );
        return;
      }
      if (!(await this.putBack(record, state, base))) {
        await this.replaceTarget(
          record,
          `${record.resource.name} ${record.id} could not be put back`,
        );
        return;
      }
    }
  }

  /**
   * Write back the writable fields that differ, through a merge where there is one: a
   * target that rejects a seeded value on write (a byte limit on a name users.json holds)
   * is then restored without replacing its container whenever another field changed.
   */
  private async putBack(
    record: OwnedRecord,
    now: RecordState,
    base: RecordState,
  ): Promise<boolean> {
    const kinds = writeKinds(record.resource);
    const kind = kinds.includes("merge") ? "merge" : kinds[0];
    const fields = writableFields(record.resource).filter(
      (f) => f in base && (kind === "replace" || !sameValue(now[f], base[f])),
    );
    if (kind === undefined || fields.length === 0) return false;
    const body = Object.fromEntries(fields.map((f) => [f, base[f]]));
    const ex = await writeAs(this.ctx, record.owner, record, kind, body);
    const status = ex.response?.status;
    if (status === undefined || status >= 300) return false;
    const after = await this.read(record);
    return "state" in after && sameState(after.state, base);
  }

  /** Create the record again as its owner, with its baseline values; it gets a new id. */
  private async recreate(record: OwnedRecord, base: RecordState): Promise<boolean> {
    if (record.resource.create === "seeded") return false;
    const body = Object.fromEntries(
      writableFields(record.resource)
        .filter((f) => f in base)
        .map((f) => [f, base[f]]),
    );
    const made = await this.create(record.owner, record.resource, body);
    if (!made.record) return false;
    record.id = made.record.id;
    const read = await this.read(record);
    if (!("state" in read)) return false;
    // Server-assigned read-only fields (the id, a timestamp) are the new record's own.
    this.baseline.set(record.key, read.state);
    return true;
  }

  /** Delete a record as its owner through a declared delete; true when it is gone. */
  private async deleteRecord(record: OwnedRecord): Promise<boolean> {
    const op = operationsOf(record.resource).find((o) => o.kind === "delete");
    if (!op) return false;
    const ex = await this.ctx.send(requestFor(op, record, record.owner));
    const status = ex.response?.status;
    return status !== undefined && status >= 200 && status < 300;
  }

  private async deleteExtras(): Promise<void> {
    const extras = this.extras;
    this.extras = [];
    for (const record of extras) await this.deleteRecord(record);
  }

  /**
   * The API cannot put `record` back: replace the container and start over (seeded
   * state from users.json, records created again). A URL target cannot be replaced: the
   * record is lost to the rest of the run, and checks that need it say so.
   */
  private async replaceTarget(record: OwnedRecord, why: string): Promise<void> {
    try {
      await this.target.reset();
    } catch (error) {
      if (!("url" in this.target.manifest.boot)) throw error;
      this.lost.push({
        key: record.key,
        reason: `${why}, and a URL target cannot be reset: ${record.resource.name} ${record.id} of ${record.owner.username} is left out of the rest of the run`,
      });
      this.records = this.records.filter((r) => r !== record);
      this.lastSnapshot = undefined;
      return;
    }
    this.resetsSinceReadBack++;
    this.lastSnapshot = undefined;
    this.extras = [];
    const keep = new Set(this.records.map((r) => r.key));
    const resets = this.resetsSinceReadBack;
    await this.establish();
    this.resetsSinceReadBack = resets;
    this.records = this.records.filter((r) => keep.has(r.key));
  }

  /** One unrecorded read of a record by its owner: the health check. */
  healthRequest(): RequestSpec | undefined {
    const record = this.records[0];
    if (record === undefined) return undefined;
    return requestFor(readOperation(record.resource), record, record.owner);
  }
}

/**
 * The n-th snapshot of a batch: taken once, when every case of the batch has either
 * asked for its n-th snapshot or finished having taken fewer.
 */
class SnapshotBarrier {
  private readonly phases = new Map<
    number,
    {
      waiting: number;
      taken?: Promise<Snapshot>;
      release: (s: Promise<Snapshot>) => void;
      result: Promise<Snapshot>;
    }
  >();
  private readonly finished: number[] = [];

  constructor(
    private readonly size: number,
    private readonly take: () => Promise<Snapshot>,
  ) {}

  arrive(phase: number): Promise<Snapshot> {
    let p = this.phases.get(phase);
    if (p === undefined) {
      let release!: (s: Promise<Snapshot>) => void;
      const result = new Promise<Snapshot>((resolve) => {
        release = (s) => resolve(s);
      });
      p = { waiting: 0, release, result };
      this.phases.set(phase, p);
    }
    p.waiting++;
    this.release(phase);
    return p.result;
  }

  finish(calls: number): void {
    this.finished.push(calls);
    for (const phase of this.phases.keys()) this.release(phase);
  }

  private release(phase: number): void {
    const p = this.phases.get(phase);
    if (p === undefined || p.taken !== undefined) return;
    const gaveUp = this.finished.filter((calls) => calls <= phase).length;
    if (p.waiting + gaveUp < this.size) return;
    p.taken = this.take();
    p.release(p.taken);
  }
}

/** A record its owner could not read back; `answered`: the target did answer (alive). */
export class UnreadableRecord extends Inconclusive {
  constructor(
    reason: string,
    readonly answered: boolean,
  ) {
    super(reason, "state-unreadable");
  }
}

/** Why a read-back gave no record: `404`, `TIMEOUT`, `200 with a body over the size cap`. */
function answerOf(exchange: Exchange): string {
  const response = exchange.response;
  if (response === undefined) return exchange.error?.code ?? "no response";
  if (response.status !== 200) return String(response.status);
  return response.bodyTruncated
    ? "200 with a body over the size cap, truncated"
    : "200 with a body that is not a JSON record";
}

/** A record as restore() finds it: read now, or taken from the last snapshot. */
type Current =
  | { state: RecordState }
  | { gone: number }
  | { unreadable: string; answered: boolean };

function currentOf(read: ReadBack): Current {
  if ("unreadable" in read)
    return { unreadable: read.unreadable, answered: read.exchange.response !== undefined };
  return "gone" in read ? { gone: read.gone } : { state: read.state };
}

/** Field of a record read back as gone; no contract field has this name. */
const GONE = "(gone)";

function goneState(status: number): RecordState {
  return { [GONE]: status };
}

export function isGone(state: RecordState): boolean {
  return Object.hasOwn(state, GONE);
}

export function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
  const diffs: string[] = [];
  for (const [resource, records] of before) {
    for (const [id, state] of records) {
      const next = after.get(resource)?.get(id);
      if (next !== undefined && isGone(next) && !isGone(state)) {
        diffs.push(
          `${resource} ${id}: readable before, gone after (its owner's read answered ${next[GONE]})`,
        );
        continue;
      }
      for (const field of new Set([...Object.keys(state), ...Object.keys(next ?? {})])) {
        const a = state[field];
        const b = next?.[field];
        if (!sameValue(a, b)) {
          diffs.push(
            escapeInvisible(
              `${resource} ${id}.${field}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`,
            ),
          );
        }
      }
    }
  }
  return diffs;
}
