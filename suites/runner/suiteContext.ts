// The SuiteContext one target's run hands to each requirement: recording, fast-check
// plumbing (seed, numRuns, shrunk counterexample, failing transcript) and read-back.
import fc from "fast-check";
import type { Exchange, RequestSpec } from "../../harness/http/exchange.ts";
import type { Identity } from "../../harness/identity/identity.ts";
import type { StartedTarget } from "../../harness/target/startedTarget.ts";
import type { RecordState, Snapshot, SuiteContext } from "../context.ts";
import { Inconclusive, RequirementFailure } from "../failure.ts";
import {
  allRecords,
  fromTargetRecord,
  jsonOf,
  type OwnedRecord,
  readAs,
  seededState,
  writeAs,
  writeKinds,
} from "../lib/resourceApi.ts";
import { redactValue } from "./redact.ts";

export interface ExchangeSender {
  send(spec: RequestSpec): Promise<Exchange>;
}

/** Attached to a RequirementFailure thrown out of `property`. */
export interface PropertyReproduction {
  seed: number;
  path?: string;
  counterexample?: string;
  numRuns: number;
}

export class PropertyFailure extends RequirementFailure {
  constructor(
    failure: RequirementFailure,
    readonly reproduction: PropertyReproduction,
  ) {
    super(failure.detail);
  }
}

export interface ContextOptions {
  target: StartedTarget;
  sender: ExchangeSender;
  numRuns: number;
  seed: number;
  /** Replay one case: fast-check path of a reported failure. */
  path?: string;
  /** Called for every exchange (cross-cutting inspection, counters). */
  onExchange: (exchange: Exchange) => void;
  /** Aborts the run (interrupt or deadline). */
  signal?: AbortSignal;
}

export class RunContext implements SuiteContext {
  requirementId = "";
  private caseLog: Exchange[] | undefined;
  private dirty = false;
  private readonly records: OwnedRecord[];
  private propertyIndex = 0;
  requests = 0;
  cases = 0;

  constructor(private readonly options: ContextOptions) {
    this.records = allRecords(this);
  }

  get target(): StartedTarget {
    return this.options.target;
  }
  get resources() {
    return this.options.target.manifest.resources;
  }
  get numRuns(): number {
    return this.options.numRuns;
  }
  get seed(): number {
    return this.options.seed;
  }
  get identities() {
    const all = this.options.target.identities();
    const privileged = this.options.target.manifest.privilegedRoles;
    return {
      all,
      unprivileged: all.filter((i) => !privileged.includes(i.role)),
      privileged: all.filter((i) => privileged.includes(i.role)),
    };
  }

  /** Start a requirement: stamps exchanges, resets the per-requirement property counter. */
  begin(requirementId: string): void {
    this.requirementId = requirementId;
    this.propertyIndex = 0;
    this.requests = 0;
    this.cases = 0;
  }

  async send(spec: RequestSpec): Promise<Exchange> {
    if (this.options.signal?.aborted) throw new Inconclusive("run interrupted");
    const exchange = await this.options.sender.send(spec);
    exchange.requirement = this.requirementId;
    const auth = spec.auth;
    if (
      auth &&
      this.identities.all.some((i) => i.username === auth.username && i.password === auth.password)
    ) {
      exchange.authenticatedAs = auth.username;
    }
    this.requests++;
    this.caseLog?.push(exchange);
    this.options.onExchange(exchange);
    return exchange;
  }

  async property<Ts extends [unknown, ...unknown[]]>(
    arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
    predicate: (...args: Ts) => Promise<void>,
    options: { numRuns?: number } = {},
  ): Promise<void> {
    // Each property of a requirement gets its own seed derived from the run's, so that
    // adding a property does not change the cases of the others.
    const seed = (this.options.seed + this.propertyIndex++ * 7919) | 0;
    let failingLog: Exchange[] = [];
    const prop = fc.asyncProperty(
      ...(arbitraries as unknown as [fc.Arbitrary<unknown>]),
      async (...args: unknown[]) => {
        if (this.dirty) await this.restore();
        this.cases++;
        this.caseLog = [];
        try {
          await predicate(...(args as Ts));
        } catch (error) {
          failingLog = this.caseLog;
          throw error;
        } finally {
          this.caseLog = undefined;
        }
      },
    );
    const numRuns = this.options.path ? 1 : (options.numRuns ?? this.options.numRuns);
    const details = await fc.check(prop, {
      seed,
      numRuns,
      ...(this.options.path ? { path: this.options.path, endOnFailure: true } : {}),
    });
    if (!details.failed) return;
    const error = details.errorInstance;
    if (error instanceof Inconclusive) throw error;
    if (!(error instanceof RequirementFailure)) {
      throw new Inconclusive(`the check itself failed (a bug in the suite): ${String(error)}`);
    }
    const secrets = this.identities.all;
    throw new PropertyFailure(new RequirementFailure({ ...error.detail, exchanges: failingLog }), {
      seed: details.seed,
      path: details.counterexamplePath ?? undefined,
      counterexample: details.counterexample
        ? fc.stringify(redactValue(details.counterexample, secrets))
        : undefined,
      numRuns: details.numRuns,
    });
  }

  /** Read one record as its owner, contract-named. Unreadable means we cannot judge. */
  async readBack(record: OwnedRecord): Promise<RecordState> {
    const exchange = await readAs(this, record.owner, record);
    const state =
      exchange.response?.status === 200
        ? fromTargetRecord(record.resource, jsonOf(exchange))
        : undefined;
    if (!state) {
      throw new Inconclusive(
        `cannot read back ${record.resource.name} ${record.id} as its owner (${exchange.response?.status ?? exchange.error?.code}): integrity cannot be judged`,
      );
    }
    return state;
  }

  async snapshot(): Promise<Snapshot> {
    const snap: Snapshot = new Map();
    for (const record of this.records) {
      const state = await this.readBack(record);
      const byId = snap.get(record.resource.name) ?? new Map<string, RecordState>();
      snap.set(record.resource.name, byId);
      byId.set(record.id, state);
    }
    return snap;
  }

  expectUnchanged(before: Snapshot, after: Snapshot, what: string): void {
    const diffs = diffSnapshots(before, after);
    if (diffs.length === 0) return;
    this.dirty = true;
    throw new RequirementFailure({
      title: `state changed after ${what}`,
      expected: "every record read back identical (CONTRACT.md: no state change)",
      actual: diffs.slice(0, 4).join("; "),
      hint: "reject the request before touching the store, and apply updates atomically",
    });
  }

  markDirty(): void {
    this.dirty = true;
  }

  async restore(): Promise<void> {
    this.dirty = false;
    for (const record of this.records) {
      const seeded = seededState(record);
      const now = await this.readBack(record).catch(() => undefined);
      if (now && sameState(now, seeded)) continue;
      const readOnlyChanged =
        !now ||
        Object.keys(record.resource.readOnly).some(
          (f) => !Object.is(now[f], seeded[f]) && f in seeded,
        );
      if (readOnlyChanged) {
        // The API cannot undo this (role/username are read-only): start over from users.json.
        await this.options.target.reset();
        return;
      }
      const body = Object.fromEntries(
        Object.keys(record.resource.writable).map((f) => [f, seeded[f]]),
      );
      const kind = writeKinds(record.resource)[0];
      if (!kind)
        throw new Inconclusive(
          `resource ${record.resource.name} declares no update endpoint to restore state`,
        );
      const ex = await writeAs(this, record.owner, record, kind, body);
      if (ex.response?.status === undefined || ex.response.status >= 300) {
        await this.options.target.reset();
        return;
      }
    }
  }
}

function sameState(a: RecordState, b: RecordState): boolean {
  return Object.keys(b).every((k) => Object.is(a[k], b[k]));
}

export function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
  const diffs: string[] = [];
  for (const [resource, records] of before) {
    for (const [id, state] of records) {
      const next = after.get(resource)?.get(id);
      for (const field of new Set([...Object.keys(state), ...Object.keys(next ?? {})])) {
        const a = state[field];
        const b = next?.[field];
        if (JSON.stringify(a) !== JSON.stringify(b)) {
          diffs.push(`${resource} ${id}.${field}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
        }
      }
    }
  }
  return diffs;
}

export type { Identity };
