// `npm run corpus -- --seeds N [--runs R] [--only-targets a,b] [--out file.md] [--serial]`: the corpus
// at N fixed seeds (20261128 first, the corpus test's), to see whether what the corpus test
// proves at one seed holds by design or by chance. Prints, per target, the listed IDs
// missed and the unlisted IDs failed (false alarms) at each seed, and the verdicts other
// than its manifest implies; exits 1 if anything was missed, falsely alarmed, or a target
// that must be CONFORMANT was not. One seed takes about 8-10 minutes on 2 cores.
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { ensureEngine } from "../harness/engine/ensureEngine.ts";
import { ensureBaseImage } from "../harness/images/baseImage.ts";
import { removeLabelledContainers } from "../harness/target/cleanup.ts";
import { PROCESS_RUN_ID } from "../harness/target/labels.ts";
import { DEFAULT_NUM_RUNS } from "../suites/runner/runConformance.ts";
import {
  corpusSeeds,
  corpusTargets,
  judgementProblems,
  judgeRun,
  runCorpus,
  seedRows,
  seedRowsFail,
  seedTableMarkdown,
  type TargetJudgement,
} from "../suites/testing/corpus.ts";

const USAGE =
  "usage: npm run corpus -- --seeds N [--runs R] [--only-targets a,b] [--out file.md] [--serial] [--verbose]";

function positive(name: string, value: string | undefined, fallback?: number): number {
  const n = Number(value ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: a positive integer\n${USAGE}`);
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seeds: { type: "string" },
      runs: { type: "string" },
      "only-targets": { type: "string" },
      out: { type: "string" },
      verbose: { type: "boolean", default: false },
      serial: { type: "boolean", default: false },
    },
  });

  const seeds = corpusSeeds(positive("seeds", values.seeds));
  const numRuns = positive("runs", values.runs, DEFAULT_NUM_RUNS);
  const targets = await corpusTargets(
    values["only-targets"]
      ?.split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );
  await ensureEngine();
  await ensureBaseImage();

  const runs: Array<{ seed: number; judgements: TargetJudgement[] }> = [];
  try {
    for (const [i, seed] of seeds.entries()) {
      process.stderr.write(`seed ${seed} (${i + 1}/${seeds.length}): ${targets.length} targets\n`);
      const run = await runCorpus(targets, {
        seed,
        numRuns,
        ...(values.serial ? { serial: true } : {}),
        ...(values.verbose ? { log: (l: string) => process.stderr.write(`  ${l}\n`) } : {}),
      });
      const judgements = judgeRun(run, targets);
      for (const line of judgements.flatMap(judgementProblems)) process.stderr.write(`  ${line}\n`);
      runs.push({ seed, judgements });
    }
  } finally {
    await removeLabelledContainers(PROCESS_RUN_ID).catch(() => undefined);
  }

  const rows = seedRows(runs, targets);
  const table = seedTableMarkdown(rows, { seeds, numRuns });
  process.stdout.write(table);
  if (values.out) {
    await writeFile(values.out, table);
    process.stderr.write(`written: ${values.out}\n`);
  }
  return seedRowsFail(rows) ? 1 : 0;
}

// Bad input and errors that stop the runs: one line and exit 2 (no verdict), like the CLI.
main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`corpus: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
