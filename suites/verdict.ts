// The verdict of docs/SPEC.md section 5 and the exit code derived from it, in one place:
// the runner sets each target's verdict with `targetVerdict`, mergeRuns recomputes it from
// shard results with the same function, every report reads `overallVerdict` and
// `verdictLabel`, and the CLI exits with `exitCodeOf`. A report and an exit code can
// therefore never disagree.
import type { RequirementResult, RunResult, TargetResult, Verdict } from "./result.ts";

type Judged = Pick<RequirementResult, "status" | "meta" | "waiver">;

/** A waived requirement ran and reports what it found, but never counts for the verdict. */
export function isWaived(r: Pick<RequirementResult, "waiver">): boolean {
  return r.waiver !== undefined;
}

/**
 * The verdict of a target from its requirement results (waived ones left out):
 * - any MUST failed: NON-CONFORMANT (a failed SHOULD is only a warning);
 * - else any MUST inconclusive: INCONCLUSIVE;
 * - else, if no MUST was evaluated at all (none passed, failed or was inconclusive, e.g.
 *   an empty list, only skipped or only waived MUSTs): INCONCLUSIVE, because a MUST never
 *   passes vacuously;
 * - else CONFORMANT. A MUST skipped for a missing precondition (say, no plaintext port)
 *   does not block CONFORMANT when other MUSTs were evaluated.
 */
export function verdictOf(requirements: readonly Judged[]): Verdict {
  const musts = requirements.filter((r) => r.meta.level === "MUST" && !isWaived(r));
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
 * One word for a whole run (headlines, exit codes): NON-CONFORMANT if any target is (a
 * failed MUST is proof, interrupted or not), else INCONCLUSIVE if any target is, the run
 * was interrupted, or it had no target at all (a shard that selected none proves
 * nothing), else CONFORMANT.
 */
export function overallVerdict(run: Pick<RunResult, "targets" | "interrupted">): Verdict {
  const verdicts = run.targets.map((t) => t.verdict);
  if (verdicts.includes("NON-CONFORMANT")) return "NON-CONFORMANT";
  if (verdicts.length === 0 || run.interrupted || verdicts.includes("INCONCLUSIVE")) {
    return "INCONCLUSIVE";
  }
  return "CONFORMANT";
}

/** The process exit code of each verdict: the CLI's contract with CI. */
export const EXIT_CODES: Readonly<Record<Verdict, 0 | 1 | 2>> = {
  CONFORMANT: 0,
  "NON-CONFORMANT": 1,
  INCONCLUSIVE: 2,
};

/**
 * The exit code of a run: 0 conformant, 1 non-conformant (even if interrupted), 2
 * inconclusive, interrupted without a failed MUST, or no target selected. (A suite error
 * also exits 2, from the CLI, without a verdict.)
 */
export function exitCodeOf(run: Pick<RunResult, "targets" | "interrupted">): 0 | 1 | 2 {
  return EXIT_CODES[overallVerdict(run)];
}

/** The waived requirements of a target that ran, in the order the target lists them. */
export function waivedRequirements(
  target: Pick<TargetResult, "requirements">,
): RequirementResult[] {
  return target.requirements.filter(isWaived);
}

/**
 * The waivers a verdict was reached with: the manifest's waivers of the requirements that
 * ran (a waiver of a requirement this run did not select changed nothing).
 */
export function waiverCount(target: Pick<TargetResult, "requirements">): number {
  return waivedRequirements(target).length;
}

/** "CONFORMANT", "CONFORMANT with 1 waiver", "NON-CONFORMANT with 2 waivers". */
export function verdictLabel(verdict: Verdict, waivers: number): string {
  if (waivers === 0) return verdict;
  return `${verdict} with ${waivers} ${waivers === 1 ? "waiver" : "waivers"}`;
}

/** A target's verdict as every report prints it, with its waiver count. */
export function targetVerdictLabel(target: Pick<TargetResult, "verdict" | "requirements">): string {
  return verdictLabel(target.verdict, waiverCount(target));
}

/** The run's verdict as headlines print it, with the waivers of all its targets. */
export function overallVerdictLabel(run: Pick<RunResult, "targets" | "interrupted">): string {
  return verdictLabel(
    overallVerdict(run),
    run.targets.reduce((n, t) => n + waiverCount(t), 0),
  );
}
