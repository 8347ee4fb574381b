import { describe, expect, it } from "vitest";
import type { RequirementResult } from "../result.ts";
import { runTarget } from "../runner/runTarget.ts";
import { createFakeTarget, type FakeDefect } from "../testing/fakeTarget.ts";
import { requirement as MODEL_01 } from "./MODEL-01.operations-agree-with-model.ts";

async function run(
  defects: FakeDefect[],
  options: { plaintext?: boolean; seed?: number; numRuns?: number } = {},
) {
  const fake = createFakeTarget({ defects, plaintext: options.plaintext ?? true });
  const outcome = await runTarget(fake.target, fake.sender, [MODEL_01], {
    numRuns: options.numRuns ?? 40,
    seed: options.seed ?? 424242,
  });
  return { fake, result: outcome.requirements[0]! };
}

/** Every finding, the first first, in one line each; or why it did not fail. */
function text(r: RequirementResult): string {
  const fs = r.failures ?? [];
  return fs.length > 0
    ? fs.map((f) => `${f.title} | expected ${f.expected} | actual ${f.actual}`).join("\n")
    : `${r.status}: ${r.reason ?? ""}`;
}

/** Number of steps in the (shrunk) sequence the first finding reports. */
function steps(r: RequirementResult): number {
  return (r.failures?.[0]?.actual.match(/\[\d+\] /g) ?? []).length;
}

describe("MODEL-01 against the in-process fake", () => {
  it("passes on the compliant fake, exercising every kind of step", async () => {
    const { result, fake } = await run([]);
    expect(result.status, text(result)).toBe("passed");
    const seen = new Set(fake.exchanges.map((e) => `${e.request.transport} ${e.request.method}`));
    for (const s of ["tls GET", "tls PUT", "tls PATCH"]) expect(seen).toContain(s);
    expect([...seen].some((s) => s.startsWith("plaintext "))).toBe(true);
    const statuses = new Set(fake.exchanges.map((e) => e.response?.status));
    for (const s of [200, 401, 403]) expect(statuses).toContain(s);
    expect([...statuses].some((s) => s === 400 || s === 422)).toBe(true);
  });

  it("sends no plaintext step when the target declares no plaintext listener", async () => {
    const { result, fake } = await run([], { plaintext: false, numRuns: 10 });
    expect(result.status, text(result)).toBe("passed");
    expect(fake.exchanges.some((e) => e.request.transport === "plaintext")).toBe(false);
  });

  it("depends on the positive controls", () => {
    expect(MODEL_01.dependsOn).toEqual(["AUTHZ-05", "INPUT-04"]);
    expect(MODEL_01.meta).toMatchObject({ id: "MODEL-01", level: "MUST", family: "MODEL" });
  });

  const cases: [FakeDefect, RegExp][] = [
    ["bolaWrite", /disagrees with the model.*expected refusal.*\(success\)/s],
    ["massAssignment", /unknown key.*expected invalid.*\(success\)/s],
    ["nonAtomic", /\(invalid (email|display_name)\)|unknown key.*read-back/s],
    ["patchClearsOtherField", /PATCH.*read-back.*disagrees/s],
    ["plaintextServes", /over plaintext HTTP.*expected no success/s],
    ["plaintextWriteThenRedirect", /over plaintext HTTP.*read-back.*disagrees/s],
    ["staleProfileAfterAdminWrite", /profile.*disagrees with the model/s],
    ["writesRefused", /expected success.*\(refusal\)/s],
    ["lowercasesEmail", /read-back.*disagrees.*email=/s],
  ];
  it.each(cases)("fails on %s, shrunk to a short sequence", async (defect, reason) => {
    const { result } = await run([defect]);
    expect(result.status, text(result)).toBe("failed");
    expect(text(result)).toMatch(reason);
    expect(text(result)).toMatch(/^step \d+ \(/);
    expect(steps(result)).toBeGreaterThan(0);
    expect(steps(result)).toBeLessThanOrEqual(3);
    for (const f of result.failures!) {
      expect(f.reproduction.counterexample).toBeTruthy();
      expect(f.transcript.length).toBeGreaterThan(0);
    }
  });

  it("never sends or reports a password", async () => {
    const { result, fake } = await run(["bolaWrite"]);
    const passwords = fake.target.identities().map((i) => i.password);
    const shown = JSON.stringify({
      requests: fake.exchanges.map((e) => e.request),
      failures: result.failures,
    });
    for (const p of passwords) expect(shown).not.toContain(p);
  });
});
