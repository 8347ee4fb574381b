// How a requirement result reads in a report, and the order reports list requirements in.
// A failed SHOULD is a warning (CONTRACT.md 3): every writer shows it as one.

import type { Family, RequirementMeta } from "../suites/requirement.ts";
import type { RequirementResult, RunResult, TargetResult } from "../suites/result.ts";

export type Outcome = "passed" | "failed" | "warning" | "skipped" | "inconclusive";

export function outcomeOf(r: Pick<RequirementResult, "status" | "meta">): Outcome {
  if (r.status === "failed") return r.meta.level === "SHOULD" ? "warning" : "failed";
  return r.status;
}

export interface OutcomeCounts extends Record<Outcome, number> {
  total: number;
}

export function countOutcomes(
  requirements: readonly Pick<RequirementResult, "status" | "meta">[],
): OutcomeCounts {
  const counts: OutcomeCounts = {
    total: 0,
    passed: 0,
    failed: 0,
    warning: 0,
    skipped: 0,
    inconclusive: 0,
  };
  for (const r of requirements) {
    counts.total += 1;
    counts[outcomeOf(r)] += 1;
  }
  return counts;
}

/** The families in CONTRACT.md order. */
export const FAMILY_ORDER: readonly Family[] = [
  "AUTHN",
  "AUTHZ",
  "INPUT",
  "TLS",
  "CACHE",
  "ERR",
  "MODEL",
];

/** Contract order: family as in CONTRACT.md section 3, then number; unknown IDs last. */
export function compareRequirementIds(a: string, b: string): number {
  const key = (id: string): [number, number, string] => {
    const m = /^([A-Z]+)-(\d+)$/.exec(id);
    const family = m ? FAMILY_ORDER.indexOf(m[1] as Family) : -1;
    return [family === -1 ? FAMILY_ORDER.length : family, m ? Number(m[2]) : 0, id];
  };
  const [fa, na, ia] = key(a);
  const [fb, nb, ib] = key(b);
  return fa - fb || na - nb || (ia < ib ? -1 : ia > ib ? 1 : 0);
}

export function sortById<T extends { id: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compareRequirementIds(a.id, b.id));
}

/** Every requirement that appears in the run, once, in contract order. */
export function catalogueOf(run: Pick<RunResult, "targets">): RequirementMeta[] {
  const byId = new Map<string, RequirementMeta>();
  for (const t of run.targets) {
    for (const r of t.requirements) if (!byId.has(r.meta.id)) byId.set(r.meta.id, r.meta);
  }
  return sortById([...byId.values()]);
}

/** Failed requirements of a target whose level is `level`, in contract order. */
export function failuresAt(
  target: Pick<TargetResult, "requirements">,
  level: "MUST" | "SHOULD",
): RequirementResult[] {
  return sortById(
    target.requirements.filter((r) => r.status === "failed" && r.meta.level === level),
  );
}
