// How a requirement result reads in a report, and the order reports list requirements in.
// A failed SHOULD is a warning (docs/SPEC.md 3), and a waived requirement is WAIVED
// (section 5) whatever it found: every writer shows them as such, and says what was found.

import type { Family, RequirementMeta } from "../suites/requirement.ts";
import type { Finding, RequirementResult, RunResult, TargetResult } from "../suites/result.ts";
import { isWaived } from "../suites/verdict.ts";

export type ReportOutcome = "passed" | "failed" | "warning" | "skipped" | "inconclusive" | "waived";

type Judged = Pick<RequirementResult, "status" | "meta" | "waiver">;

/** What the requirement found, waiver or not: a failed SHOULD is a warning. */
export function foundReportOutcome(r: Judged): Exclude<ReportOutcome, "waived"> {
  if (r.status === "failed") return r.meta.level === "SHOULD" ? "warning" : "failed";
  return r.status;
}

/** How the requirement counts in the report: WAIVED if the manifest waives it. */
export function reportOutcomeOf(r: Judged): ReportOutcome {
  return isWaived(r) ? "waived" : foundReportOutcome(r);
}

/** Every distinct failure of a requirement, the first found first (none unless failed). */
export function findingsOf(r: Pick<RequirementResult, "failures">): Finding[] {
  return r.failures ?? [];
}

/**
 * Why a requirement was inconclusive or skipped, with the class of the reason:
 * "positive control INPUT-04 failed (...) [positive-control]".
 */
export function reasonLine(r: Pick<RequirementResult, "reason" | "reasonKind">): string {
  const reason = r.reason ?? "no reason recorded";
  return r.reasonKind === undefined ? reason : `${reason} [${r.reasonKind}]`;
}

export interface WaiverLine {
  id: string;
  reason: string;
  /** What the waived requirement found in this run; undefined when it did not run. */
  found?: Exclude<ReportOutcome, "waived">;
}

/**
 * The waivers of a target, as every report lists them next to the verdict: the manifest's
 * (`target.waivers`), and any requirement that ran under a waiver the list lacks.
 */
export function waiversOf(target: Pick<TargetResult, "waivers" | "requirements">): WaiverLine[] {
  const byId = new Map<string, WaiverLine>();
  for (const w of target.waivers ?? []) byId.set(w.id, { id: w.id, reason: w.reason });
  for (const r of target.requirements) {
    if (r.waiver === undefined) continue;
    byId.set(r.id, {
      id: r.id,
      reason: byId.get(r.id)?.reason ?? r.waiver,
      found: foundReportOutcome(r),
    });
  }
  return sortById([...byId.values()]);
}

/** What a waiver line says: "AUTHN-02 (found: failed): <reason>". */
export function waiverText(w: WaiverLine): string {
  return `${w.id} (${w.found === undefined ? "did not run" : `found: ${w.found}`}): ${w.reason}`;
}

/** "carol-x3 (user): <why>", one per identity left out of the run. */
export function excludedIdentityLines(target: Pick<TargetResult, "excludedIdentities">): string[] {
  return (target.excludedIdentities ?? []).map((i) => `${i.username} (${i.role}): ${i.reason}`);
}

export interface OutcomeCounts extends Record<ReportOutcome, number> {
  total: number;
}

export function countOutcomes(requirements: readonly Judged[]): OutcomeCounts {
  const counts: OutcomeCounts = {
    total: 0,
    passed: 0,
    failed: 0,
    warning: 0,
    skipped: 0,
    inconclusive: 0,
    waived: 0,
  };
  for (const r of requirements) {
    counts.total += 1;
    counts[reportOutcomeOf(r)] += 1;
  }
  return counts;
}

/** The families in docs/SPEC.md order. */
const FAMILY_ORDER: readonly Family[] = ["AUTHN", "AUTHZ", "INPUT", "TLS", "CACHE", "ERR", "MODEL"];

/** Contract order: family as in docs/SPEC.md section 3, then number; unknown IDs last. */
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

/** Failed requirements of a target whose level is `level`, not waived, in contract order. */
export function failuresAt(
  target: Pick<TargetResult, "requirements">,
  level: "MUST" | "SHOULD",
): RequirementResult[] {
  return sortById(
    target.requirements.filter(
      (r) => r.status === "failed" && r.meta.level === level && !isWaived(r),
    ),
  );
}
