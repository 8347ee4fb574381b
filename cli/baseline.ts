// `run --baseline <conformance.json>`: the regression gate for a service that is not
// conformant yet. The comparison itself lives in reports/baseline.ts; this module reads the
// baseline file (before anything boots: a bad baseline is bad input), prints the
// comparison, writes baseline.md beside the other reports and picks the exit code:
// 1 if anything got worse (even if the run was interrupted: what got worse is proof),
// else 2 if the run was interrupted or a target could not be exercised (nothing can be
// said about it), else 0, even when a target is still NON-CONFORMANT.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  type BaselineComparison,
  baselineMarkdown,
  baselineText,
  checkBaseline,
} from "../reports/baseline.ts";
import { sanitizeRun } from "../reports/sanitize.ts";
import { writeFileAtomic } from "../reports/writeReports.ts";
import { RESULT_PROFILE, RESULT_SCHEMA_VERSION, type RunResult } from "../suites/result.ts";

const BASELINE_FILE_NAME = "baseline.md";

/** What this version writes; typed, so that a new profile or schema cannot be missed here. */
const THIS_RUN: Pick<RunResult, "schemaVersion" | "profile"> = {
  schemaVersion: RESULT_SCHEMA_VERSION,
  profile: RESULT_PROFILE,
};

/** The baseline report, checked to be one this version can compare with. */
export async function readBaseline(file: string): Promise<RunResult> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new Error(
      `--baseline ${file}: cannot read a JSON report (${(error as Error).message.split("\n")[0]}); pass the conformance.json of an earlier run`,
    );
  }
  checkBaseline(parsed, THIS_RUN, `--baseline ${file}`);
  // Its findings reach this run's reports (SARIF `absent` results): scrubbed like the run.
  return sanitizeRun(parsed);
}

/** The exit code of a run gated on a baseline (see the header). */
export function baselineExitCode(
  comparison: Pick<BaselineComparison, "worse" | "notCompared">,
  run: Pick<RunResult, "interrupted">,
): 0 | 1 | 2 {
  if (comparison.worse) return 1;
  if (run.interrupted || comparison.notCompared.length > 0) return 2;
  return 0;
}

/** Prints the comparison, writes baseline.md into `outDir`, and returns the exit code. */
export async function reportBaseline(
  comparison: BaselineComparison,
  run: Pick<RunResult, "interrupted">,
  outDir: string,
  print: (text: string) => void = (text) => process.stdout.write(text),
): Promise<0 | 1 | 2> {
  const path = join(resolve(outDir), BASELINE_FILE_NAME);
  await writeFileAtomic(path, baselineMarkdown(comparison));
  print(`${baselineText(comparison)}comparison: ${path}\n`);
  return baselineExitCode(comparison, run);
}
