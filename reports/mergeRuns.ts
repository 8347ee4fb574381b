// Merging the results of shards (or of several runner processes) into one RunResult.
import type { RequirementResult, RunResult, TargetResult } from "../suites/result.ts";
import { targetVerdict } from "../suites/verdict.ts";
import { findingsOf, sortById } from "./reportOutcome.ts";

/** When two shards report the same requirement for a target, the more telling one wins. */
const PRECEDENCE: Record<RequirementResult["status"], number> = {
  failed: 3,
  inconclusive: 2,
  passed: 1,
  skipped: 0,
};

interface TargetAccumulator {
  name: string;
  source: string;
  requirements: Map<string, RequirementResult>;
  durationMs: number;
  requests: number;
  bootMs?: number;
  errors: string[];
  expectedFailures?: Set<string>;
  waivers: Map<string, string>;
  excludedIdentities: Map<string, NonNullable<TargetResult["excludedIdentities"]>[number]>;
  /** A shard that held this target was interrupted. */
  interrupted: boolean;
}

function time(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? Number.NaN : t;
}

function sameList(a?: readonly string[], b?: readonly string[]): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The findings of both results, each key once (the first seen wins), first found first. */
function unionFindings(a: RequirementResult, b: RequirementResult): RequirementResult["failures"] {
  const byKey = new Map(findingsOf(a).map((f) => [f.key, f]));
  for (const f of findingsOf(b)) if (!byKey.has(f.key)) byKey.set(f.key, f);
  return [...byKey.values()];
}

/**
 * One RunResult from the results of shards of the same run:
 * - targets are matched by name, in order of first appearance;
 * - their requirement lists are concatenated and deduplicated by ID (a failed result beats
 *   an inconclusive one, which beats passed, which beats skipped; two failed results keep
 *   the findings of both, each key once) and put in contract order;
 * - waivers and excluded identities are united (by requirement ID and by user name);
 * - durations and request counts add up, boot time is the longest, errors are kept;
 * - `interrupted` if any shard was, and each verdict is recomputed with `targetVerdict`
 *   (a failed MUST stands; otherwise a target of an interrupted shard is INCONCLUSIVE);
 * - started at the earliest start, finished at the latest end; `config.shard` is dropped.
 * Throws when the shards disagree on schema version or profile.
 */
export function mergeRuns(runs: readonly RunResult[]): RunResult {
  const first = runs[0];
  if (first === undefined) throw new Error("mergeRuns: no results to merge");
  for (const r of runs) {
    if (r.schemaVersion !== first.schemaVersion || r.profile !== first.profile) {
      throw new Error(
        `mergeRuns: cannot merge schema ${r.schemaVersion} / ${r.profile} with ${first.schemaVersion} / ${first.profile}`,
      );
    }
  }

  const targets = new Map<string, TargetAccumulator>();
  for (const run of runs) {
    for (const t of run.targets) {
      let acc = targets.get(t.name);
      if (acc === undefined) {
        acc = {
          name: t.name,
          source: t.source,
          requirements: new Map(),
          durationMs: 0,
          requests: 0,
          errors: [],
          interrupted: false,
          waivers: new Map(),
          excludedIdentities: new Map(),
        };
        targets.set(t.name, acc);
      }
      acc.durationMs += t.durationMs;
      acc.requests += t.requests;
      if (t.bootMs !== undefined) acc.bootMs = Math.max(acc.bootMs ?? 0, t.bootMs);
      if (t.error !== undefined && !acc.errors.includes(t.error)) acc.errors.push(t.error);
      if (t.expectedFailures !== undefined) {
        acc.expectedFailures ??= new Set();
        for (const id of t.expectedFailures) acc.expectedFailures.add(id);
      }
      acc.interrupted ||= run.interrupted;
      for (const w of t.waivers ?? []) if (!acc.waivers.has(w.id)) acc.waivers.set(w.id, w.reason);
      for (const i of t.excludedIdentities ?? []) {
        if (!acc.excludedIdentities.has(i.username)) acc.excludedIdentities.set(i.username, i);
      }
      for (const r of t.requirements) {
        const seen = acc.requirements.get(r.id);
        if (seen === undefined || PRECEDENCE[r.status] > PRECEDENCE[seen.status]) {
          acc.requirements.set(r.id, r);
        } else if (r.status === "failed" && seen.status === "failed") {
          acc.requirements.set(r.id, { ...seen, failures: unionFindings(seen, r) });
        }
      }
    }
  }

  const merged: TargetResult[] = [...targets.values()].map((acc) => {
    const requirements = sortById([...acc.requirements.values()]);
    const error = acc.errors.length === 0 ? undefined : acc.errors.join("\n");
    const t: TargetResult = {
      name: acc.name,
      source: acc.source,
      verdict: targetVerdict({ requirements, error }, { interrupted: acc.interrupted }),
      durationMs: acc.durationMs,
      requests: acc.requests,
      requirements,
    };
    if (error !== undefined) t.error = error;
    if (acc.bootMs !== undefined) t.bootMs = acc.bootMs;
    if (acc.waivers.size > 0) {
      t.waivers = sortById([...acc.waivers].map(([id, reason]) => ({ id, reason })));
    }
    if (acc.excludedIdentities.size > 0)
      t.excludedIdentities = [...acc.excludedIdentities.values()];
    if (acc.expectedFailures !== undefined)
      t.expectedFailures = sortById([...acc.expectedFailures].map((id) => ({ id }))).map(
        (x) => x.id,
      );
    return t;
  });

  const starts = runs.map((r) => time(r.startedAt));
  const ends = runs.map((r) => time(r.finishedAt));
  const startedAt = runs[starts.indexOf(Math.min(...starts))]?.startedAt ?? first.startedAt;
  const finishedAt = runs[ends.indexOf(Math.max(...ends))]?.finishedAt ?? first.finishedAt;

  const config: RunResult["config"] = { numRuns: first.config.numRuns, seed: first.config.seed };
  if (
    first.config.only !== undefined &&
    runs.every((r) => sameList(r.config.only, first.config.only))
  ) {
    config.only = first.config.only;
  }
  if (
    first.config.skip !== undefined &&
    runs.every((r) => sameList(r.config.skip, first.config.skip))
  ) {
    config.skip = first.config.skip;
  }

  return {
    schemaVersion: first.schemaVersion,
    profile: first.profile,
    tool: first.tool,
    startedAt,
    finishedAt,
    interrupted: runs.some((r) => r.interrupted),
    config,
    targets: merged,
  };
}
