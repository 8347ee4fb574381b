// `conformance run | replay | list`. Exit codes: 0 every target CONFORMANT, 1 a target
// NON-CONFORMANT, 2 INCONCLUSIVE, interrupted, or bad input (one line naming cause and fix).
import { readFile } from "node:fs/promises";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { ensureEngine } from "../harness/engine/ensureEngine.ts";
import { ensureBaseImage } from "../harness/images/baseImage.ts";
import { loadManifest } from "../harness/manifest/load.ts";
import { configureSignalCleanup, removeLabelledContainers } from "../harness/target/cleanup.ts";
import { PROCESS_RUN_ID } from "../harness/target/labels.ts";
import { compareWithBaseline } from "../reports/baseline.ts";
import { mergeRuns } from "../reports/mergeRuns.ts";
import { writeReports } from "../reports/writeReports.ts";
import { CATALOGUE, selectRequirements } from "../suites/catalogue.ts";
import { SuiteError } from "../suites/failure.ts";
import type { RunResult } from "../suites/result.ts";
import { DEFAULT_NUM_RUNS, newSeed, runConformance } from "../suites/runner/runConformance.ts";
import { exitCodeOf, targetVerdictLabel } from "../suites/verdict.ts";
import { readBaseline, reportBaseline } from "./baseline.ts";
import { type BootFlags, boot } from "./boot.ts";
import { registerInit } from "./init.ts";

const FORMATS = ["json", "junit", "sarif", "html", "md"] as const;
type Format = (typeof FORMATS)[number];

export class UsageError extends Error {}

function int(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} takes a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

function list(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

function shard(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || index < 1 || count < 1 || index > count)
    throw new InvalidArgumentError("--shard takes i/n with 1 <= i <= n, e.g. 2/4");
  return { index, count };
}

function formats(value: string): Format[] {
  const asked = value.split(",").map((s) => s.trim());
  const bad = asked.filter((f) => !(FORMATS as readonly string[]).includes(f));
  if (bad.length)
    throw new InvalidArgumentError(
      `unknown report format ${bad.join(", ")} (choose from ${FORMATS.join(", ")})`,
    );
  return asked as Format[];
}

interface RunFlags {
  runs: number;
  seed?: number;
  only?: string[];
  skip?: string[];
  format: Format[];
  out: string;
  shard?: { index: number; count: number };
  parallel: number;
  path?: string;
  targetTimeout?: number;
  quiet?: boolean;
  /** An earlier conformance.json: exit 1 only if something got worse (cli/baseline.ts). */
  baseline?: string;
  /** Every case one at a time (for debugging; verdicts are the same either way). */
  serial?: boolean;
}

async function run(targets: string[], flags: RunFlags): Promise<number> {
  selectRequirements(flags.only, flags.skip); // bad IDs are bad input: fail before booting
  const baseline = flags.baseline === undefined ? undefined : await readBaseline(flags.baseline);
  const manifests = await Promise.all(targets.map((t) => loadManifest(t)));
  if (manifests.some((m) => !("url" in m.manifest.boot))) {
    await ensureEngine();
    await ensureBaseImage();
  }
  // The CLI handles signals itself: interrupt, then write a partial report.
  configureSignalCleanup("cleanup-only");
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      // Second signal: the user insists. Remove what this run started (never the
      // containers of other runs on the same engine) and go.
      void removeLabelledContainers(PROCESS_RUN_ID)
        .catch(() => undefined)
        .finally(() => process.exit(2));
      return;
    }
    process.stderr.write(
      `\n${signal}: stopping targets and writing a partial report (again to force)\n`,
    );
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const seed = flags.seed ?? newSeed();
  const log = flags.quiet ? undefined : (line: string) => process.stderr.write(`${line}\n`);
  log?.(
    `BAIP/2 conformance: ${targets.length} target(s), ${flags.runs} runs per property, seed ${seed}`,
  );
  try {
    const result = await runConformance({
      targets,
      numRuns: flags.runs,
      seed,
      only: flags.only,
      skip: flags.skip,
      path: flags.path,
      parallel: flags.parallel,
      shard: flags.shard,
      targetTimeoutMs: flags.targetTimeout ? flags.targetTimeout * 1000 : undefined,
      signal: controller.signal,
      log,
      ...(flags.serial ? { serial: true } : {}),
    });
    const comparison = baseline && compareWithBaseline(baseline, result);
    const written = await writeReports(result, flags.out, flags.format, {
      sarif: { catalogue: CATALOGUE.map((r) => r.meta), baseline: comparison },
    });
    for (const t of result.targets) {
      const failed = t.requirements.filter((r) => r.status === "failed");
      const must = failed.filter((r) => r.meta.level === "MUST").map((r) => r.id);
      const should = failed.filter((r) => r.meta.level === "SHOULD").map((r) => r.id);
      process.stdout.write(
        `${targetVerdictLabel(t).padEnd(14)} ${t.name}${must.length ? `  MUST failed: ${must.join(", ")}` : ""}${should.length ? `  SHOULD warnings: ${should.join(", ")}` : ""}${t.error ? `  (${t.error.split("\n")[0]})` : ""}\n`,
      );
    }
    process.stdout.write(`reports: ${Object.values(written).join(", ")}\n`);
    if (comparison) return await reportBaseline(comparison, result, flags.out);
    return exitCodeOf(result);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

interface ReplayFlags {
  target?: string;
  requirement: string;
  finding?: string;
  out: string;
}

/**
 * The finding `--finding` names among a requirement's findings: its 1-based number in the
 * report, or its key (e.g. "PATCH /users/{id}: state changed"); the first without it.
 */
export function pickFinding<F extends { key: string }>(
  failures: readonly F[],
  finding: string | undefined,
): F | undefined {
  if (finding === undefined) return failures[0];
  const n = /^\d+$/.test(finding) ? Number(finding) : undefined;
  if (n !== undefined) return failures[n - 1];
  return failures.find((f) => f.key === finding);
}

async function replay(report: string, opts: ReplayFlags): Promise<number> {
  let parsed: RunResult;
  try {
    parsed = JSON.parse(await readFile(report, "utf8")) as RunResult;
  } catch (error) {
    throw new UsageError(
      `${report}: cannot read a JSON report (${(error as Error).message}); pass the conformance.json a run wrote`,
    );
  }
  const target = parsed.targets.find((t) => !opts.target || t.name === opts.target);
  const entry = target?.requirements.find((r) => r.id === opts.requirement.toUpperCase());
  if (!target || !entry)
    throw new UsageError(
      `${report}: no result for ${opts.target ?? "any target"} / ${opts.requirement}`,
    );
  const failures = entry.failures ?? [];
  if (failures.length === 0)
    throw new UsageError(
      `${report}: ${target.name} ${entry.id} did not fail (${entry.status}); nothing to replay`,
    );
  const finding = pickFinding(failures, opts.finding);
  if (finding === undefined)
    throw new UsageError(
      `${report}: ${target.name} ${entry.id} has no finding ${opts.finding} (choose 1 to ${failures.length} or a key: ${failures.map((f) => JSON.stringify(f.key)).join(", ")})`,
    );
  return run([target.source], {
    runs: parsed.config.numRuns,
    // The run's seed, not the property's: properties derive theirs from it, and the
    // identities of the run come from it too.
    seed: parsed.config.seed,
    only: [entry.id],
    path: finding.reproduction.path,
    format: ["json"],
    out: opts.out,
    parallel: 1,
  });
}

/** The command tree; `run` handlers report their exit code through `setCode`. */
export function buildProgram(setCode: (code: number) => void = () => {}): Command {
  const program = new Command("conformance")
    .description("Property-based conformance suite for HTTP Basic Auth services (BAIP/2)")
    .exitOverride()
    // A fixed width, so that help (and README's copy of it) does not depend on the terminal.
    .configureHelp({ helpWidth: 100 })
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program
    .command("run")
    .description("run the suite against target folders (target.yaml), images or URL targets")
    .argument("<targets...>", "target folders or target.yaml files")
    .option(
      "-n, --runs <n>",
      "generated cases per property",
      int("--runs", 1, 10_000),
      DEFAULT_NUM_RUNS,
    )
    .option(
      "-s, --seed <n>",
      "seed (replays a run with the same identities and cases)",
      int("--seed", -(2 ** 31), 2 ** 31 - 1),
    )
    .option("--only <ids>", "run only these requirement IDs (comma-separated)", list)
    .option("--skip <ids>", "skip these requirement IDs", list)
    .option("-f, --format <list>", `report formats: ${FORMATS.join(",")}`, formats, [...FORMATS])
    .option("-o, --out <dir>", "report folder", "conformance-reports")
    .option("--shard <i/n>", "run shard i of n (targets split round-robin)", shard)
    .option("-p, --parallel <n>", "targets booted and run at once", int("--parallel", 1, 32), 2)
    .option("--path <path>", "replay one fast-check path (with --only and --seed)")
    .option(
      "--target-timeout <s>",
      "bound on one target's run in seconds",
      int("--target-timeout", 1, 86_400),
      600,
    )
    .option("-q, --quiet", "no progress lines")
    .option(
      "--serial",
      "run every case one at a time (passing cases otherwise run in concurrent batches; verdicts, seeds and shrunk counterexamples are the same)",
    )
    .option(
      "--baseline <file>",
      "compare with an earlier conformance.json: exit 1 only if something got worse",
    )
    .action(async (targets: string[], flags: RunFlags) => {
      setCode(await run(targets, flags));
    });
  program
    .command("replay")
    .description("re-run one failure from a JSON report")
    .argument("<report>", "conformance.json of an earlier run")
    .requiredOption("-r, --requirement <id>", "requirement ID of the failure")
    .option("-t, --target <name>", "target name (default: the first with that failure)")
    .option("--finding <n|key>", "which finding of the requirement: number or key (default: 1)")
    .option("-o, --out <dir>", "report folder", "conformance-reports/replay")
    .action(async (report: string, opts: ReplayFlags) => {
      setCode(await replay(report, opts));
    });
  program
    .command("merge")
    .description("merge the JSON reports of shards into one set of reports")
    .argument("<reports...>", "conformance.json files of the shards")
    .option("-o, --out <dir>", "report folder", "conformance-reports")
    .action(async (reports: string[], opts: { out: string }) => {
      const runs = await Promise.all(
        reports.map(async (file) => {
          try {
            return JSON.parse(await readFile(file, "utf8")) as RunResult;
          } catch (error) {
            throw new UsageError(
              `${file}: cannot read a JSON report (${(error as Error).message.split("\n")[0]})`,
            );
          }
        }),
      );
      const merged = mergeRuns(runs);
      const written = await writeReports(merged, opts.out, [...FORMATS], {
        sarif: { catalogue: CATALOGUE.map((r) => r.meta) },
      });
      process.stdout.write(`reports: ${Object.values(written).join(", ")}\n`);
      setCode(exitCodeOf(merged));
    });
  program
    .command("boot")
    .description("boot a target as a run would; print its URLs, CA and curl lines until Ctrl-C")
    .argument("<target>", "target folder or target.yaml file")
    .option(
      "-s, --seed <n>",
      "seed of the generated identities (as `run --seed`)",
      int("--seed", -(2 ** 31), 2 ** 31 - 1),
    )
    .action(async (target: string, flags: BootFlags) => {
      setCode(await boot(target, flags));
    });
  program
    .command("list")
    .description("print the requirement catalogue")
    .option("--json", "as JSON")
    .action((opts: { json?: boolean }) => {
      if (opts.json)
        process.stdout.write(
          `${JSON.stringify(
            CATALOGUE.map((r) => r.meta),
            null,
            2,
          )}\n`,
        );
      else
        for (const r of CATALOGUE)
          process.stdout.write(
            `${r.meta.id.padEnd(9)} ${r.meta.level.padEnd(7)} ${r.meta.title}\n`,
          );
    });
  registerInit(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof SuiteError) {
      // Never a verdict about the target: no report rows, exit 2, and the trace on demand.
      process.stderr.write(
        `conformance: a bug in the suite, not a finding about the target (report it; BAIP_DEBUG=1 prints the trace): ${error.message.split("\n")[0]}\n`,
      );
      if (process.env.BAIP_DEBUG) process.stderr.write(`${error.stack ?? ""}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`conformance: ${message.split("\n")[0]}\n`);
    return 2;
  }
}
