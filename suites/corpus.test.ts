// The suite proves itself on the bundled corpus (targets/): every target runs, at one
// fixed seed, and
// - its whole verdict vector (verdict; per requirement: status, and the reasonKind of an
//   inconclusive or skipped one) equals the one pinned in
//   suites/testdata/corpus-verdicts.json;
// - it fails exactly the IDs its manifest lists (`expect.fails`), each with at least the
//   distinct failures `expect.findings` asks, and gets the verdict its manifest implies
//   (NON-CONFORMANT when it must fail an unwaived MUST, else CONFORMANT);
// - every requirement of the catalogue is failed by at least one target.
// It also writes the kill matrix and the run (conformance-reports/).
//
// A diff in the pinned vector is a behaviour change of the suite (or of a target): review
// it like code. When it is intended, rewrite the file and commit it with the change:
//   BAIP_UPDATE_GOLDEN=1 npx vitest run suites/corpus.test.ts      (about 10 minutes)
// BAIP_CORPUS_SEED / BAIP_CORPUS_RUNS run it at another seed or size: the manifest checks
// still apply, the pinned vector (made at the defaults) is then not compared.
// Robustness at other seeds: `npm run corpus -- --seeds 5` (scripts/corpus.ts).
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { killMatrixMarkdown } from "../reports/killMatrix.ts";
import { golden, updatingGolden } from "../reports/testing/goldenFile.ts";
import type { RunResult } from "./result.ts";
import { DEFAULT_NUM_RUNS } from "./runner/runConformance.ts";
import {
  CORPUS_SEED,
  corpusTargets,
  diffVerdictVectors,
  judgementProblems,
  judgeTarget,
  resultOf,
  runCorpus,
  uncaughtIds,
  type VerdictVector,
  verdictVector,
} from "./testing/corpus.ts";

const TESTDATA = join(import.meta.dirname, "testdata");
const PINNED = "corpus-verdicts.json";
const RUNS = Number(process.env.BAIP_CORPUS_RUNS ?? DEFAULT_NUM_RUNS);
const SEED = Number(process.env.BAIP_CORPUS_SEED ?? CORPUS_SEED);

const targets = await corpusTargets();
/** Compliant and broken, BAIP/1 and BAIP/2, batched properties and serial ones. */
const SERIAL_SAMPLE = [
  "flask-reference",
  "existing-todo-app",
  "broken-todo-delete-by-body-id",
  "broken-blog-list-author-filter",
  "broken-trusts-x-user-header",
];
let run: RunResult;

describe("the corpus: every target judged as its manifest says", () => {
  beforeAll(async () => {
    run = await runCorpus(targets, {
      seed: SEED,
      numRuns: RUNS,
      ...(process.env.BAIP_VERBOSE ? { log: (l: string) => process.stderr.write(`${l}\n`) } : {}),
    });
    await mkdir("conformance-reports", { recursive: true });
    await writeFile("conformance-reports/kill-matrix.md", killMatrixMarkdown(run));
    await writeFile("conformance-reports/corpus.json", JSON.stringify(run, null, 2));
  }, 1_800_000);

  it("gives the pinned verdict vector (suites/testdata/corpus-verdicts.json)", async (ctx) => {
    const atDefaults = SEED === CORPUS_SEED && RUNS === DEFAULT_NUM_RUNS;
    if (updatingGolden() && !atDefaults) {
      throw new Error(
        `pin the vector at the defaults: unset BAIP_CORPUS_SEED and BAIP_CORPUS_RUNS`,
      );
    }
    if (!atDefaults) ctx.skip();
    const actual = verdictVector(run, targets);
    const pinned = JSON.parse(
      await golden(PINNED, `${JSON.stringify(actual, null, 2)}\n`, TESTDATA),
    ) as VerdictVector;
    // One line per change, naming target and ID; review it as a behaviour change.
    expect(diffVerdictVectors(pinned, actual)).toEqual([]);
  });

  it.each(targets.map((e) => [e.name, e] as const))("%s", (name, e) => {
    const t = resultOf(run, name);
    expect(judgementProblems(judgeTarget(e, t))).toEqual([]);
    // "Why was this not judged" must be answerable from the type, for every such result.
    const unexplained = (t?.requirements ?? [])
      .filter((r) => (r.status === "inconclusive" || r.status === "skipped") && !r.reasonKind)
      .map((r) => `${r.id} ${r.status} without a reasonKind: ${r.reason ?? "no reason"}`);
    expect(unexplained).toEqual([]);
  });

  // The batched path (the default) and the serial one (`--serial`) give the same verdict
  // vector on real services: a sample across shapes and families, run again serially.
  // (suites/runner/batchedPath.test.ts compares findings and counterexamples on the fake.)
  it("gives the same verdicts on the serial path, for a sample of the corpus", async () => {
    const sample = targets.filter((t) => SERIAL_SAMPLE.includes(t.name));
    expect(sample.map((t) => t.name).sort()).toEqual([...SERIAL_SAMPLE].sort());
    const serial = await runCorpus(sample, { seed: SEED, numRuns: RUNS, serial: true });
    expect(diffVerdictVectors(verdictVector(run, sample), verdictVector(serial, sample))).toEqual(
      [],
    );
  }, 900_000);

  it("has a broken target that fails each requirement of the catalogue", () => {
    expect(uncaughtIds(run)).toEqual([]);
  });
});
