// The verdict of CONTRACT.md section 5, computed in one place for the runner and the
// reports (mergeRuns recomputes it from shard results with the same functions).
import type { RequirementResult, RunResult, TargetResult, Verdict } from "../suites/result.ts";

type Judged = Pick<RequirementResult, "status" | "meta">;

/**
 * The verdict of a target from its requirement results:
 * - any MUST failed: NON-CONFORMANT (a failed SHOULD is only a warning);
 * - else any MUST inconclusive: INCONCLUSIVE;
 * - else, if no MUST was evaluated at all (none passed, failed or was inconclusive, e.g.
 *   an empty list or only skipped MUSTs): INCONCLUSIVE, because a MUST never passes
 *   vacuously;
 * - else CONFORMANT. A MUST skipped for a missing precondition (say, no plaintext port)
 *   does not block CONFORMANT when other MUSTs were evaluated.
 */
export function verdictOf(requirements: readonly Judged[]): Verdict {
  const musts = requirements.filter((r) => r.meta.level === "MUST");
  if (musts.some((r) => r.status === "failed")) return "NON-CONFORMANT";
  if (musts.some((r) => r.status === "inconclusive")) return "INCONCLUSIVE";
  if (!musts.some((r) => r.status === "passed")) return "INCONCLUSIVE";
  return "CONFORMANT";
}

/**
 * The verdict of a whole target. A failed MUST is proof and stands even when the target
 * later stopped answering or the run was interrupted; otherwise a target-level error
 * (did not boot, died, interrupted) makes it INCONCLUSIVE.
 */
export function targetVerdict(
  target: { requirements: readonly Judged[]; error?: TargetResult["error"] },
  options: { interrupted?: boolean } = {},
): Verdict {
  const fromRequirements = verdictOf(target.requirements);
  if (fromRequirements === "NON-CONFORMANT") return fromRequirements;
  if (target.error !== undefined || options.interrupted) return "INCONCLUSIVE";
  return fromRequirements;
}

/**
 * One word for a whole run (headlines, exit codes): NON-CONFORMANT if any target is,
 * else INCONCLUSIVE if any target is or the run was interrupted, else CONFORMANT.
 * A run without targets is INCONCLUSIVE.
 */
export function overallVerdict(run: Pick<RunResult, "targets" | "interrupted">): Verdict {
  const verdicts = run.targets.map((t) => t.verdict);
  if (verdicts.includes("NON-CONFORMANT")) return "NON-CONFORMANT";
  if (verdicts.length === 0 || run.interrupted || verdicts.includes("INCONCLUSIVE")) {
    return "INCONCLUSIVE";
  }
  return "CONFORMANT";
}
