// Passing cases run in concurrent batches, read back once per batch step; anything else is
// decided one case at a time (propertyRunner.ts, runInBatches). The two paths must say the
// same thing: for the compliant fake and every planted defect, the same status per
// requirement, the same findings, and the same seed, path and shrunk counterexample for
// each. (suites/corpus.test.ts pins the same on the real corpus: its verdicts were
// recorded on the serial path.)
import { beforeAll, describe, expect, it } from "vitest";
import { makeTestPki, type TestPki } from "../../harness/http/testing/localServer.ts";
import { CATALOGUE } from "../catalogue.ts";
import { createFakeTarget, FAKE_DEFECTS, type FakeDefect } from "../testing/fakeTarget.ts";
import { runTarget } from "./runTarget.ts";

let pki: TestPki;
beforeAll(async () => {
  pki = await makeTestPki();
}, 30_000);

async function outcome(defects: FakeDefect[], serial: boolean) {
  const fake = createFakeTarget({ defects });
  const close = await fake.listenTls(pki);
  try {
    const run = await runTarget(fake.target, fake.sender, CATALOGUE, {
      numRuns: 15,
      seed: 3,
      serial,
    });
    return {
      requests: run.requests,
      said: run.requirements.map((r) => ({
        id: r.id,
        status: r.status,
        reason: r.reason,
        // In key order: cross-cutting requirements (ERR-01, ...) list findings in the order
        // exchanges were seen, which batches change; the findings themselves may not.
        findings: (r.failures ?? [])
          .map((f) => ({
            key: f.key,
            seed: f.reproduction.seed,
            path: f.reproduction.path,
            counterexample: f.reproduction.counterexample,
          }))
          .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
      })),
    };
  } finally {
    await close();
  }
}

describe("the batched and the serial path agree", () => {
  it.each([[] as FakeDefect[], ...Object.keys(FAKE_DEFECTS).map((d) => [d as FakeDefect])])(
    "defects %j",
    async (...defects) => {
      const batched = await outcome(defects, false);
      const serial = await outcome(defects, true);
      expect(batched.said).toEqual(serial.said);
    },
  );

  it("the compliant fake costs fewer requests batched", async () => {
    const batched = await outcome([], false);
    const serial = await outcome([], true);
    expect(batched.requests).toBeLessThan(serial.requests);
  });
});
