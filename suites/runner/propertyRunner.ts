// Runs a requirement's fast-check properties: the run's seed and numRuns, every distinct
// failure (one finding must not hide another), the shrunk and redacted counterexample,
// the failing case's transcript, and what could not be judged.
import fc from "fast-check";
import type { Exchange } from "../../harness/http/exchange.ts";
import type { Identity } from "../../harness/identity/identity.ts";
import { type FailureDetail, Inconclusive, RequirementFailure, SuiteError } from "../failure.ts";
import { judgingCase } from "../lib/judging.ts";
import { type FindingScope, findingKey } from "./findings.ts";
import type { Liveness } from "./liveness.ts";
import type { Recorder } from "./recorder.ts";
import type { RecordStore } from "./recordStore.ts";
import { redactValue } from "./redact.ts";
import { escapeInvisible } from "./visible.ts";

/** Where a property's failure came from: replays it and shows the shrunk case. */
export interface PropertyReproduction {
  seed: number;
  path?: string;
  counterexample?: string;
  numRuns: number;
}

/** One distinct failure a requirement found (see findings.ts for what "distinct" is). */
export interface RecordedFinding {
  key: string;
  detail: FailureDetail;
  /** Absent for a failure found outside a property (no seed or path replays it). */
  reproduction?: PropertyReproduction;
}

/** Fast-check runs of one property, at most: the first finding and up to 3 more. */
const MAX_ROUNDS = 4;
/** Cases run at once on the passing path (the recorder bounds the requests in flight). */
const BATCH_SIZE = 8;
/** Bound on each run after the first (a run that finds nothing new ends the search). */
const EXTRA_ROUND_MS = 45_000;

export interface PropertyOptions {
  numRuns: number;
  seed: number;
  /** Replay one case: fast-check path of a reported failure. */
  path?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Identities whose passwords counterexamples are scrubbed of. */
  secrets: () => readonly Identity[];
  /** Every case one at a time (`--serial`): the path failures are always decided on. */
  serial?: boolean | undefined;
}

export class PropertyRunner {
  private propertyIndex = 0;
  /** Why some case of the current property could not be fully judged. */
  private unjudged: string | undefined;
  cases = 0;
  /** Distinct failures of the current requirement, the first found first. */
  findings: RecordedFinding[] = [];
  /** Why the current requirement cannot pass, if some property could not be judged. */
  inconclusive: Inconclusive | undefined;

  constructor(
    private readonly options: PropertyOptions,
    private readonly recorder: Recorder,
    private readonly state: RecordStore,
    private readonly liveness: Liveness,
    /** Names that finding keys are written in (findings.ts). */
    readonly findingScope: FindingScope,
  ) {}

  /** Start a requirement: resets the per-requirement counters and findings. */
  begin(): void {
    this.propertyIndex = 0;
    this.cases = 0;
    this.findings = [];
    this.inconclusive = undefined;
  }

  cannotJudge(reason: string): void {
    this.unjudged ??= reason;
  }

  async property<Ts extends [unknown, ...unknown[]]>(
    arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
    predicate: (...args: Ts) => Promise<void>,
    options: { numRuns?: number; shrink?: boolean; serial?: boolean } = {},
  ): Promise<void> {
    // Each property of a requirement gets its own seed derived from the run's, so that
    // adding a property does not change the cases of the others.
    const seed = (this.options.seed + this.propertyIndex++ * 7919) | 0;
    // One finding must not hide another: after a failure, the same cases run again with
    // the findings already known passing, until no new one turns up (or the cap: each
    // round costs a full property run, and only failing targets pay it).
    const known = new Set(this.findings.map((f) => f.key));
    const rounds = this.options.path ? 1 : options.shrink === false ? 2 : MAX_ROUNDS;
    let judged = 0;
    let serverError: string | undefined;
    this.unjudged = undefined;
    const numRuns = this.options.path ? 1 : (options.numRuns ?? this.options.numRuns);
    // The passing path, cheap: the same cases in concurrent batches. Anything else (a
    // failure, a precondition, a changed record) is decided by the serial path below,
    // which runs the same cases one at a time and shrinks exactly as it always has.
    const batched =
      this.options.serial || this.options.path || options.serial
        ? undefined
        : await this.runInBatches(arbitraries, predicate, seed, numRuns);
    if (batched !== undefined) {
      judged = batched.judged;
      serverError = batched.serverError;
    }
    for (let round = 0; batched === undefined && round < rounds; round++) {
      const outcome = await this.checkOnce(arbitraries, predicate, {
        seed,
        numRuns,
        shrink: options.shrink !== false,
        known,
        // The first run is the property's own; each later one only looks for what the
        // first hid, within a bound, so that a failing target costs a bounded multiple.
        ...(round > 0 ? { timeLimitMs: EXTRA_ROUND_MS } : {}),
        onCase: (notJudged) => {
          if (round > 0) return;
          if (notJudged === undefined) judged++;
          else serverError ??= notJudged;
        },
      });
      if (outcome === undefined) break;
      if (outcome instanceof Inconclusive) {
        // Not judged (state unreadable, no case met the precondition): the check goes on
        // with its other properties; the requirement cannot pass.
        this.noteInconclusive(outcome);
        return;
      }
      known.add(outcome.key);
      this.findings.push(outcome);
    }
    if (this.findings.length > 0) return;
    // Nothing failed, but some cases could not be fully judged: no pass can be claimed.
    if (this.unjudged) this.noteInconclusive(new Inconclusive(this.unjudged, "state-unreadable"));
    else if (judged === 0 && serverError !== undefined)
      this.noteInconclusive(
        new Inconclusive(`no case could be judged: ${serverError}`, "server-error"),
      );
  }

  /**
   * The property's cases (exactly those fast-check draws for this seed) run BATCH_SIZE at
   * a time, concurrently; the records are read back once per batch step that every case
   * of the batch takes (recordStore's snapshot barrier), not once per case. Returns the
   * counts when every case held and nothing changed; undefined when any case failed,
   * threw, or left state changed: then nothing of the batch is reported, and the caller
   * decides the property on the serial path.
   */
  private async runInBatches<Ts extends [unknown, ...unknown[]]>(
    arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
    predicate: (...args: Ts) => Promise<void>,
    seed: number,
    numRuns: number,
  ): Promise<{ judged: number; serverError: string | undefined } | undefined> {
    const tuple = fc.tuple(...(arbitraries as unknown as [fc.Arbitrary<unknown>])) as unknown;
    const cases = fc.sample(tuple as fc.Arbitrary<Ts>, { seed, numRuns });
    let judged = 0;
    let serverError: string | undefined;
    const unjudgedBefore = this.unjudged;
    for (let start = 0; start < cases.length; start += BATCH_SIZE) {
      const batch = cases.slice(start, start + BATCH_SIZE);
      try {
        if (this.state.isDirty) await this.state.restore();
      } catch (error) {
        if (error instanceof Inconclusive && !this.liveness.unavailable) return undefined;
        throw error;
      }
      const results = await this.state.inBatch(
        batch.map((args) => async () => {
          let notJudged: string | undefined;
          await judgingCase({ notJudged: (reason) => (notJudged ??= reason) }, () =>
            predicate(...args),
          );
          return notJudged;
        }),
      );
      this.cases += batch.length;
      if (this.liveness.unavailable) throw this.liveness.unavailable;
      if (this.options.signal?.aborted) throw new Inconclusive("run interrupted");
      if (results.some((r) => "error" in r) || this.state.isDirty) {
        // Replayed one case at a time from a clean state, reported from there.
        this.state.markDirty();
        this.unjudged = unjudgedBefore;
        return undefined;
      }
      for (const r of results) {
        if (!("value" in r)) continue;
        if (r.value === undefined) judged++;
        else serverError ??= r.value;
      }
    }
    return { judged, serverError };
  }

  /**
   * One fast-check run: undefined when it held, the new finding when a case failed for a
   * reason not in `known`, or the Inconclusive that stopped it. Throws when the run
   * cannot go on (interrupted, target unavailable) and SuiteError for a bug of the suite.
   */
  private async checkOnce<Ts extends [unknown, ...unknown[]]>(
    arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
    predicate: (...args: Ts) => Promise<void>,
    run: {
      seed: number;
      numRuns: number;
      shrink: boolean;
      known: ReadonlySet<string>;
      timeLimitMs?: number;
      onCase: (notJudged: string | undefined) => void;
    },
  ): Promise<RecordedFinding | Inconclusive | undefined> {
    let failingLog: Exchange[] = [];
    // Once a case could not be judged (interrupted, target unavailable, state unreadable),
    // shrinking it would only repeat requests, each up to its timeout, against a target
    // that cannot be judged: later runs of this property pass at once, and fast-check
    // reports the first failure, unshrunk.
    let inconclusive: Inconclusive | undefined;
    const noteInconclusive = (error: unknown) => {
      if (error instanceof Inconclusive) inconclusive ??= error;
    };
    const scope = this.findingScope;
    const deadline =
      run.timeLimitMs === undefined ? undefined : performance.now() + run.timeLimitMs;
    const prop = fc.asyncProperty(
      ...(arbitraries as unknown as [fc.Arbitrary<unknown>]),
      async (...args: unknown[]) => {
        if (inconclusive) return;
        // Past the round's bound, the remaining cases pass at once, so that fast-check
        // ends (reporting the smallest failure found so far, if shrinking). Not its own
        // interruptAfterTimeLimit: that leaves the case in flight running, and its
        // requests would race the next property's (or a container reset).
        if (deadline !== undefined && performance.now() > deadline) return;
        if (this.state.isDirty)
          await this.state.restore().catch((error: unknown) => {
            noteInconclusive(error);
            throw error;
          });
        this.cases++;
        this.recorder.caseLog = [];
        let notJudged: string | undefined;
        try {
          await judgingCase({ notJudged: (reason) => (notJudged ??= reason) }, () =>
            predicate(...(args as Ts)),
          );
          run.onCase(notJudged);
        } catch (error) {
          // A finding already reported: this case says nothing new.
          if (
            error instanceof RequirementFailure &&
            run.known.has(findingKey(error.detail, scope))
          ) {
            this.state.markDirty();
            return;
          }
          failingLog = this.recorder.caseLog ?? [];
          noteInconclusive(error);
          throw error;
        } finally {
          this.recorder.caseLog = undefined;
        }
      },
    );
    const details = await fc.check(prop, {
      seed: run.seed,
      numRuns: run.numRuns,
      // Cases skipped by fc.pre are cheap to generate but not to run: give up early.
      maxSkipsPerRun: 3,
      ...(run.shrink ? {} : { endOnFailure: true }),
      ...(this.options.path ? { path: this.options.path, endOnFailure: true } : {}),
    });
    if (!details.failed) return undefined;
    const error = details.errorInstance;
    if (error instanceof Inconclusive) {
      if (this.liveness.unavailable || this.options.signal?.aborted) throw error;
      return error;
    }
    if (error === null && details.numSkips > 0) {
      return new Inconclusive(
        `no case could be judged: ${details.numSkips} generated cases did not meet the check's precondition`,
        "no-case",
      );
    }
    if (!(error instanceof RequirementFailure)) {
      throw new SuiteError(
        `${this.recorder.requirementId}: the check itself failed (a bug in the suite, not a verdict about the target): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        error,
      );
    }
    const secrets = this.options.secrets();
    const detail = { ...error.detail, exchanges: failingLog };
    return {
      key: findingKey(error.detail, scope),
      detail,
      reproduction: {
        seed: details.seed,
        path: details.counterexamplePath ?? undefined,
        counterexample: details.counterexample
          ? escapeInvisible(fc.stringify(redactValue(details.counterexample, secrets)))
          : undefined,
        numRuns: details.numRuns,
      },
    };
  }

  /** A failure thrown by a check outside any property (a one-off request). */
  recordFailure(failure: RequirementFailure): void {
    const key = findingKey(failure.detail, this.findingScope);
    if (this.findings.some((f) => f.key === key)) return;
    this.findings.push({ key, detail: failure.detail });
  }

  private noteInconclusive(reason: Inconclusive): void {
    this.inconclusive ??= reason;
  }
}
