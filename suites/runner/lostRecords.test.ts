// A URL target cannot be reset: a change the API cannot undo (a role written through mass
// assignment) loses that record for the rest of the run. The failure that changed it
// stands; what finds nothing afterwards cannot claim a pass, and says which record and why
// (docs/SPEC.md 1b, "Baseline and restore").
import { beforeAll, describe, expect, it } from "vitest";
import { makeTestPki, type TestPki } from "../../harness/http/testing/localServer.ts";
import { CATALOGUE } from "../catalogue.ts";
import { createFakeTarget } from "../testing/fakeTarget.ts";
import { runTarget } from "./runTarget.ts";

let pki: TestPki;
beforeAll(async () => {
  pki = await makeTestPki();
}, 30_000);

describe("a URL target's record the API cannot put back", () => {
  it("leaves later passes inconclusive, naming the record, and keeps the failure", async () => {
    const fake = createFakeTarget({ defects: ["massAssignment"] });
    const close = await fake.listenTls(pki);
    const target = {
      ...fake.target,
      reset: async () => {
        throw new Error("reset() is impossible for a URL target");
      },
    };
    try {
      const run = await runTarget(target, fake.sender, CATALOGUE, { numRuns: 15, seed: 1 });
      const byId = new Map(run.requirements.map((r) => [r.id, r]));
      expect(byId.get("AUTHZ-06")?.status).toBe("failed");
      const after = run.requirements.filter((r) => r.id === "INPUT-05" || r.id === "TLS-03");
      for (const r of after) {
        expect(r.status, r.id).toBe("inconclusive");
        expect(r.reason).toMatch(/a URL target cannot be reset: user \S+ of \S+ is left out/);
      }
    } finally {
      await close();
    }
  });
});
