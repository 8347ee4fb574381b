// The suite proves itself on the bundled corpus (targets/): the reference passes every
// requirement, compliant variants pass every MUST and warn only where listed, and each
// broken target fails exactly the requirements its manifest lists: a change in the
// suite's behaviour shows up here as a diff. Also writes the kill matrix.
import { existsSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { killMatrixMarkdown } from "../reports/killMatrix.ts";
import type { RunResult, TargetResult } from "./result.ts";
import { runConformance } from "./runner/runConformance.ts";

const TARGETS_DIR = join(import.meta.dirname, "..", "targets");
const RUNS = Number(process.env.BAIP_CORPUS_RUNS ?? 25);
const SEED = Number(process.env.BAIP_CORPUS_SEED ?? 20261128);

// Every folder of targets/ that holds a manifest (targets/faults/ holds fault targets of
// the reliability tests: they are not conformance subjects).
const targets = (await readdir(TARGETS_DIR, { withFileTypes: true }))
  .filter((d) => d.isDirectory() && existsSync(join(TARGETS_DIR, d.name, "target.yaml")))
  .map((d) => d.name)
  .sort();

let run: RunResult;

function failedIds(t: TargetResult, level?: "MUST" | "SHOULD"): string[] {
  return t.requirements
    .filter((r) => r.status === "failed" && (!level || r.meta.level === level))
    .map((r) => r.id)
    .sort();
}

function resultOf(name: string): TargetResult {
  const t = run.targets.find(
    (x) => x.source.endsWith(`/${name}`) || x.source === join(TARGETS_DIR, name),
  );
  if (!t) throw new Error(`no result for ${name}`);
  return t;
}

describe("the corpus: every target judged as its manifest says", () => {
  beforeAll(async () => {
    run = await runConformance({
      targets: targets.map((t) => join(TARGETS_DIR, t)),
      numRuns: RUNS,
      seed: SEED,
      parallel: 2,
      targetTimeoutMs: 300_000,
      log: process.env.BAIP_VERBOSE ? (l) => process.stderr.write(`${l}\n`) : undefined,
    });
    await mkdir("conformance-reports", { recursive: true });
    await writeFile("conformance-reports/kill-matrix.md", killMatrixMarkdown(run));
    await writeFile("conformance-reports/corpus.json", JSON.stringify(run, null, 2));
  }, 1_800_000);

  it.each(targets)("%s", (name) => {
    const t = resultOf(name);
    expect(t.error, `${name} did not run`).toBeUndefined();
    const expected = [...(t.expectedFailures ?? [])].sort();
    // Inconclusive requirements must have a listed reason (a failed positive control).
    const inconclusive = t.requirements.filter((r) => r.status === "inconclusive");
    for (const r of inconclusive) {
      expect(r.reason, `${name} ${r.id} inconclusive without a reason`).toBeTruthy();
    }
    expect({ name, failed: failedIds(t) }).toEqual({ name, failed: expected });
    if (expected.length === 0) expect(t.verdict).toBe("CONFORMANT");
    else if (failedIds(t, "MUST").length > 0) expect(t.verdict).toBe("NON-CONFORMANT");
  });

  it("has a broken target that fails each requirement of the catalogue", async () => {
    const { REQUIREMENT_IDS } = await import("./catalogue.ts");
    const caught = new Set(run.targets.flatMap((t) => failedIds(t)));
    expect(REQUIREMENT_IDS.filter((id) => !caught.has(id))).toEqual([]);
  });
});
