// The fake's defect table is data other tests rely on: check that every entry says the
// truth when the whole catalogue runs (positive controls included), and that the
// compliant fake passes everything.

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CarriedCredentials,
  malformedAuthorizationHeaders,
} from "../../harness/arbitraries/malformedAuthorizationHeaders.ts";
import { TargetClient } from "../../harness/http/targetClient.ts";
import {
  makeTestPki,
  startTestServers,
  type TestPki,
} from "../../harness/http/testing/localServer.ts";
import { requirement as AUTHN_01 } from "../authn/AUTHN-01.valid-credentials-authenticate.ts";
import { requirement as AUTHN_05 } from "../authn/AUTHN-05.malformed-authorization-rejected.ts";
import { CATALOGUE } from "../catalogue.ts";
import type { RequirementResult } from "../result.ts";
import { runTarget } from "../runner/runTarget.ts";
import {
  createFakeTarget,
  FAKE_DEFECTS,
  FAKE_IDENTITIES,
  type FakeDefect,
  type FakeDefectSpec,
} from "./fakeTarget.ts";

/** Enough cases for every listed defect to be found on the fixed seed, in seconds. */
const NUM_RUNS = 15;

let pki: TestPki;
beforeAll(async () => {
  pki = await makeTestPki();
}, 30_000);

async function run(defects: FakeDefect[]): Promise<Map<string, RequirementResult>> {
  const fake = createFakeTarget({ defects });
  const close = await fake.listenTls(pki);
  try {
    const outcome = await runTarget(fake.target, fake.sender, CATALOGUE, {
      numRuns: NUM_RUNS,
      seed: 1,
    });
    return new Map(outcome.requirements.map((r) => [r.id, r]));
  } finally {
    await close();
  }
}

const why = (r: RequirementResult) =>
  `${r.id}: ${r.status} ${r.failures?.[0]?.title ?? r.reason ?? ""}`;

describe("FAKE_DEFECTS tells the truth, over the whole catalogue", () => {
  it("the compliant fake passes every requirement its API can exercise", async () => {
    const byId = await run([]);
    expect([...byId.keys()]).toEqual(CATALOGUE.map((r) => r.meta.id));
    // The fake is the BAIP/1 user API: no list and no create, so nothing for AUTHZ-07/08.
    const skipped = new Set(["AUTHZ-07", "AUTHZ-08"]);
    for (const r of byId.values()) {
      expect(r.status, why(r)).toBe(skipped.has(r.id) ? "skipped" : "passed");
      if (skipped.has(r.id)) expect(r.reasonKind).toBe("precondition");
    }
  });

  it.each(Object.keys(FAKE_DEFECTS) as FakeDefect[])("%s", async (defect) => {
    const spec: FakeDefectSpec = FAKE_DEFECTS[defect];
    const byId = await run([defect]);
    // Every disagreement at once: the table is fixed in one go, not one ID per run.
    const wrong = [...byId.values()].filter((r) =>
      spec.breaks.includes(r.id)
        ? r.status !== "failed"
        : r.status === "failed" && !spec.mayBreak?.includes(r.id),
    );
    expect(wrong.map(why)).toEqual([]);
  });
});

describe("AUTHN-05 findings never show the real credentials they carried", () => {
  /** Every form in which an identity's credentials could leak into a report. */
  const secretsOf = (i: { username: string; password: string }) => [
    i.password,
    `${i.username}:${i.password}`,
    Buffer.from(`${i.username}:${i.password}`).toString("base64"),
    Buffer.from(`${i.username}:${i.password}`).toString("base64").replace(/=+$/, ""),
  ];

  it("redacts the counterexample and transcript of a Bearer-as-Basic finding", async () => {
    const fake = createFakeTarget({ defects: ["anySchemeAsBasic"] });
    const outcome = await runTarget(fake.target, fake.sender, [AUTHN_01, AUTHN_05], {
      numRuns: NUM_RUNS,
      seed: 1,
    });
    const r = outcome.requirements.find((x) => x.id === "AUTHN-05")!;
    expect(r.status, why(r)).toBe("failed");
    const finding = r.failures![0]!;
    expect(finding.reproduction.counterexample).toMatch(/credentials of [a-z0-9_-]+>/);
    const report = JSON.stringify(r);
    for (const i of FAKE_IDENTITIES)
      for (const s of secretsOf(i)) expect(report, `${i.username}`).not.toContain(s);
  });

  it("redacts them in what the real client records, even when a server echoes them", async () => {
    const servers = await startTestServers(pki);
    const client = new TargetClient(
      {
        baseUrl: () => `https://127.0.0.1:${servers.httpsPort}`,
        plaintextUrl: () => undefined,
        tlsEndpoint: () => ({ host: "127.0.0.1", port: servers.httpsPort }),
        caPem: () => pki.caPem,
      },
      { requestTimeoutMs: 5000, identities: () => FAKE_IDENTITIES },
    );
    try {
      const carried = fc
        .sample(malformedAuthorizationHeaders({ identities: FAKE_IDENTITIES }), {
          seed: 3,
          numRuns: 80,
        })
        .filter((h): h is CarriedCredentials => h instanceof CarriedCredentials);
      expect(carried.length).toBeGreaterThan(20);
      for (const header of carried) {
        // /leak echoes the Authorization header in a response header and in the body.
        const exchange = await client.send({
          method: "GET",
          path: "/leak",
          rawAuthorization: { value: header.value, label: header.label },
        });
        expect(exchange.response?.status).toBe(401);
        expect(exchange.request.headers.authorization).toBe(header.label);
        const recorded = JSON.stringify(exchange);
        for (const i of FAKE_IDENTITIES)
          for (const s of secretsOf(i)) expect(recorded, header.label).not.toContain(s);
      }
    } finally {
      await client.close();
      await servers.close();
    }
  });
});
