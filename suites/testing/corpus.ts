// The bundled corpus (targets/) as the suite's own proving ground, shared by the corpus
// meta-test (suites/corpus.test.ts) and the multi-seed script (scripts/corpus.ts): which
// targets there are, what each manifest says it must produce, how to run them all, and
// the pure comparisons of a RunResult with those expectations and with a pinned vector.
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { loadManifest } from "../../harness/manifest/load.ts";
import { CATALOGUE } from "../catalogue.ts";
import type { RequirementResult, RunResult, TargetResult, Verdict } from "../result.ts";
import { DEFAULT_NUM_RUNS, runConformance } from "../runner/runConformance.ts";

export const TARGETS_DIR = join(import.meta.dirname, "..", "..", "targets");

/** The seed the corpus test runs at, and the first of every multi-seed list. */
export const CORPUS_SEED = 20261128;

/**
 * `n` seeds, always the same for the same `n`: CORPUS_SEED then fixed others, far enough
 * apart that the generated identities and cases differ (fast-check mixes the seed).
 */
export function corpusSeeds(n: number): number[] {
  return Array.from({ length: n }, (_, i) => CORPUS_SEED + i * 1_000_003);
}

/** What a corpus target's manifest says the suite must report for it. */
export interface CorpusExpectation {
  name: string;
  /** The requirement IDs it must fail, and no others (`expect.fails`)... */
  fails: string[];
  /** ...but these, which it may fail by chance of the cases, rightly (`expect.mayFail`). */
  mayFail: string[];
  /** Requirement ID -> least number of distinct failures (`expect.findings`). */
  findings: Record<string, number>;
  /** IDs the manifest waives: their failures do not count against the verdict. */
  waived: string[];
}

/**
 * Every folder of targets/ that holds a manifest, sorted, with its expectations
 * (targets/faults/ holds fault targets of the reliability tests: not conformance
 * subjects). `only` keeps the named folders, and refuses a name that is not one.
 */
export async function corpusTargets(only?: readonly string[]): Promise<CorpusExpectation[]> {
  const names = (await readdir(TARGETS_DIR, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && existsSync(join(TARGETS_DIR, d.name, "target.yaml")))
    .map((d) => d.name)
    .sort();
  const unknown = (only ?? []).filter((n) => !names.includes(n));
  if (unknown.length > 0) throw new Error(`not a corpus target: ${unknown.join(", ")}`);
  const chosen = only?.length ? names.filter((n) => only.includes(n)) : names;
  return Promise.all(
    chosen.map(async (name) => {
      const { manifest } = await loadManifest(join(TARGETS_DIR, name));
      return {
        name,
        fails: [...(manifest.expect?.fails ?? [])].sort(),
        mayFail: [...(manifest.expect?.mayFail ?? [])].sort(),
        findings: manifest.expect?.findings ?? {},
        waived: manifest.waivers.map((w) => w.id),
      };
    }),
  );
}

export interface CorpusRunOptions {
  seed: number;
  numRuns?: number;
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** Every case one at a time (`--serial`) instead of batches on the passing path. */
  serial?: boolean;
}

/** One run of the whole catalogue over `targets`, two at a time (the machine has 2 cores). */
export function runCorpus(
  targets: readonly CorpusExpectation[],
  options: CorpusRunOptions,
): Promise<RunResult> {
  return runConformance({
    targets: targets.map((t) => join(TARGETS_DIR, t.name)),
    numRuns: options.numRuns ?? DEFAULT_NUM_RUNS,
    seed: options.seed,
    parallel: 2,
    targetTimeoutMs: 300_000,
    ...(options.log ? { log: options.log } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.serial ? { serial: true } : {}),
  });
}

/** The result of the corpus target `name` in `run` (matched by folder, not manifest name). */
export function resultOf(run: RunResult, name: string): TargetResult | undefined {
  return run.targets.find(
    (t) => t.source === join(TARGETS_DIR, name) || t.source.endsWith(`/${name}`),
  );
}

const LEVEL = new Map(CATALOGUE.map((r) => [r.meta.id, r.meta.level]));

/**
 * The verdict a target built as its manifest says must get: NON-CONFORMANT when it must
 * fail an unwaived MUST, else CONFORMANT (failed SHOULDs are warnings; nothing else may
 * be inconclusive, or the suite could not judge a target built to be judged).
 */
export function expectedVerdict(e: CorpusExpectation): Verdict {
  const mustFail = e.fails.some((id) => LEVEL.get(id) === "MUST" && !e.waived.includes(id));
  return mustFail ? "NON-CONFORMANT" : "CONFORMANT";
}

/** Distinct failures of a requirement, by their stable keys. */
function findingCount(r: RequirementResult): number {
  return new Set((r.failures ?? []).map((f) => f.key)).size;
}

/** How one target's result departs from its manifest; every list empty when it agrees. */
export interface TargetJudgement {
  name: string;
  /** Why it did not run (no result, or a target-level error). */
  didNotRun?: string;
  /** Listed IDs not failed. */
  missed: string[];
  /** Unlisted IDs failed. */
  falseAlarms: string[];
  /** Listed IDs that reported fewer distinct failures than `expect.findings` asks. */
  tooFewFindings: Array<{ id: string; least: number; got: number }>;
  /** Set when the verdict is not the one its manifest implies. */
  verdict?: { expected: Verdict; actual: Verdict };
}

export function judgeTarget(e: CorpusExpectation, t: TargetResult | undefined): TargetJudgement {
  const failed = new Map(
    (t?.requirements ?? []).filter((r) => r.status === "failed").map((r) => [r.id, r]),
  );
  const expected = expectedVerdict(e);
  const actual = t?.verdict ?? "INCONCLUSIVE";
  return {
    name: e.name,
    ...(t === undefined
      ? { didNotRun: "no result" }
      : t.error !== undefined
        ? { didNotRun: t.error.split("\n")[0]! }
        : {}),
    missed: e.fails.filter((id) => !failed.has(id)),
    falseAlarms: [...failed.keys()]
      .filter((id) => !e.fails.includes(id) && !e.mayFail.includes(id))
      .sort(),
    tooFewFindings: Object.entries(e.findings)
      .map(([id, least]) => ({
        id,
        least,
        got: failed.has(id) ? findingCount(failed.get(id)!) : 0,
      }))
      .filter((f) => f.got < f.least),
    ...(actual === expected ? {} : { verdict: { expected, actual } }),
  };
}

/** One line per departure, naming the target and the ID: empty when it agrees. */
export function judgementProblems(j: TargetJudgement): string[] {
  return [
    ...(j.didNotRun === undefined ? [] : [`${j.name}: did not run: ${j.didNotRun}`]),
    ...j.missed.map((id) => `${j.name} ${id}: listed in expect.fails, not failed (missed)`),
    ...j.falseAlarms.map(
      (id) => `${j.name} ${id}: failed, not listed in expect.fails (false alarm)`,
    ),
    ...j.tooFewFindings.map(
      (f) => `${j.name} ${f.id}: ${f.got} distinct failure(s), expect.findings asks ${f.least}`,
    ),
    ...(j.verdict === undefined
      ? []
      : [`${j.name}: verdict ${j.verdict.actual}, its manifest implies ${j.verdict.expected}`]),
  ];
}

/** Catalogue IDs that no target of the run failed: a requirement the corpus never proves. */
export function uncaughtIds(run: RunResult): string[] {
  const caught = new Set(
    run.targets.flatMap((t) =>
      t.requirements.filter((r) => r.status === "failed").map((r) => r.id),
    ),
  );
  return CATALOGUE.map((r) => r.meta.id).filter((id) => !caught.has(id));
}

/**
 * The whole verdict vector of a corpus run, as pinned in suites/testdata/: per target its
 * verdict and, per requirement, one cell: `passed`, `failed`, `inconclusive: <reasonKind>`
 * or `skipped: <reasonKind>`. One string per cell, so that a change reads as one line
 * naming target and ID. How many distinct findings a failure has is not pinned: the
 * search for more than the first is bounded in time, so the count may depend on the
 * machine; `expect.findings` asks for the least a target must show instead.
 */
export interface VerdictVector {
  seed: number;
  numRuns: number;
  targets: Record<string, { verdict: Verdict; requirements: Record<string, string> }>;
}

export function cellOf(r: RequirementResult): string {
  switch (r.status) {
    case "passed":
      return "passed";
    case "failed":
      return "failed";
    default:
      return `${r.status}: ${r.reasonKind ?? "no reasonKind"}`;
  }
}

export function verdictVector(
  run: RunResult,
  targets: readonly CorpusExpectation[],
): VerdictVector {
  const vector: VerdictVector = { seed: run.config.seed, numRuns: run.config.numRuns, targets: {} };
  for (const { name } of targets) {
    const t = resultOf(run, name);
    if (!t) continue;
    vector.targets[name] = {
      verdict: t.verdict,
      requirements: Object.fromEntries(t.requirements.map((r) => [r.id, cellOf(r)])),
    };
  }
  return vector;
}

/** Every difference between a pinned vector and a run's, one line each: target, ID, both. */
export function diffVerdictVectors(pinned: VerdictVector, actual: VerdictVector): string[] {
  const lines: string[] = [];
  const names = [...new Set([...Object.keys(pinned.targets), ...Object.keys(actual.targets)])];
  for (const name of names.sort()) {
    const p = pinned.targets[name];
    const a = actual.targets[name];
    if (!p || !a) {
      lines.push(`${name}: ${p ? "pinned but not in the run" : "in the run but not pinned"}`);
      continue;
    }
    if (p.verdict !== a.verdict) lines.push(`${name}: verdict ${p.verdict} -> ${a.verdict}`);
    const ids = [...new Set([...Object.keys(p.requirements), ...Object.keys(a.requirements)])];
    for (const id of ids.sort()) {
      const before = p.requirements[id] ?? "absent";
      const after = a.requirements[id] ?? "absent";
      if (before !== after) lines.push(`${name} ${id}: ${before} -> ${after}`);
    }
  }
  return lines;
}

/** Every target's departures from its manifest in one run. */
export function judgeRun(run: RunResult, targets: readonly CorpusExpectation[]): TargetJudgement[] {
  return targets.map((e) => judgeTarget(e, resultOf(run, e.name)));
}

/** One target's departures gathered over several seeds (`ID @ seed`), for the robustness table. */
export interface SeedRow {
  name: string;
  expectedVerdict: Verdict;
  missed: string[];
  falseAlarms: string[];
  /** Verdicts other than the expected one. */
  verdicts: string[];
  /** Did not run; fewer distinct failures than `expect.findings` asks. */
  other: string[];
}

export function seedRows(
  runs: ReadonlyArray<{ seed: number; judgements: readonly TargetJudgement[] }>,
  targets: readonly CorpusExpectation[],
): SeedRow[] {
  return targets.map((e) => {
    const row: SeedRow = {
      name: e.name,
      expectedVerdict: expectedVerdict(e),
      missed: [],
      falseAlarms: [],
      verdicts: [],
      other: [],
    };
    for (const { seed, judgements } of runs) {
      const j = judgements.find((x) => x.name === e.name);
      if (!j) continue;
      const at = (s: string) => `${s} @ ${seed}`;
      row.missed.push(...j.missed.map(at));
      row.falseAlarms.push(...j.falseAlarms.map(at));
      if (j.verdict) row.verdicts.push(at(j.verdict.actual));
      if (j.didNotRun !== undefined) row.other.push(at(`did not run (${j.didNotRun})`));
      row.other.push(...j.tooFewFindings.map((f) => at(`${f.id} ${f.got}/${f.least} findings`)));
    }
    return row;
  });
}

/**
 * Whether the rows show a lack of robustness to chance: a listed ID missed, an unlisted
 * one failed, or a target that must be CONFORMANT (compliant, or failing SHOULDs only)
 * judged otherwise, at any seed. A broken target that did not run has missed its IDs.
 */
export function seedRowsFail(rows: readonly SeedRow[]): boolean {
  return rows.some(
    (r) =>
      r.missed.length > 0 ||
      r.falseAlarms.length > 0 ||
      (r.expectedVerdict === "CONFORMANT" && r.verdicts.length > 0),
  );
}

/** The rows as a Markdown table (every target; `—` where it held at every seed). */
export function seedTableMarkdown(
  rows: readonly SeedRow[],
  config: { seeds: readonly number[]; numRuns: number },
): string {
  const cell = (xs: string[]) => (xs.length ? xs.join(", ") : "—");
  const lines = [
    `Corpus at ${config.seeds.length} seed(s) (${config.seeds.join(", ")}), ${config.numRuns} runs per property.`,
    "",
    "| target | expected verdict | missed (listed, not failed) | false alarms (failed, not listed) | other verdicts | other |",
    "|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.expectedVerdict} | ${cell(r.missed)} | ${cell(r.falseAlarms)} | ${cell(r.verdicts)} | ${cell(r.other)} |`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}
