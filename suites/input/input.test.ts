import { describe, expect, it } from "vitest";
import type { Requirement } from "../requirement.ts";
import type { RequirementResult } from "../result.ts";
import { runTarget } from "../runner/runTarget.ts";
import { createFakeTarget, type FakeDefect } from "../testing/fakeTarget.ts";
import { requirement as INPUT_01 } from "./INPUT-01.unknown-keys-rejected-atomically.ts";
import { requirement as INPUT_02 } from "./INPUT-02.non-object-bodies-rejected.ts";
import { requirement as INPUT_03 } from "./INPUT-03.invalid-values-rejected.ts";
import { requirement as INPUT_04 } from "./INPUT-04.valid-writes-round-trip.ts";
import { requirement as INPUT_05 } from "./INPUT-05.non-json-content-type-rejected.ts";
import { requirement as INPUT_06 } from "./INPUT-06.oversized-body-rejected.ts";

const INPUT: Requirement[] = [INPUT_01, INPUT_02, INPUT_03, INPUT_04, INPUT_05, INPUT_06];
const IDS = INPUT.map((r) => r.meta.id);

async function run(defects: FakeDefect[], seed = 20240611, numRuns = 40) {
  const fake = createFakeTarget({ defects });
  const outcome = await runTarget(fake.target, fake.sender, INPUT, { numRuns, seed });
  const byId = new Map(outcome.requirements.map((r) => [r.id, r]));
  return { fake, byId, outcome };
}

/** Every finding in one line each; or why it did not fail. */
function text(r: RequirementResult | undefined): string {
  const fs = r?.failures ?? [];
  return fs.length > 0
    ? fs.map((f) => `${f.title} | expected ${f.expected} | actual ${f.actual}`).join("\n")
    : `${r?.status}: ${r?.reason ?? ""}`;
}

describe("INPUT requirements against the in-process fake", () => {
  it("all pass on the compliant fake, with generated cases and read-backs", async () => {
    const { byId, fake } = await run([]);
    for (const id of IDS)
      expect(byId.get(id)?.status, `${id}: ${text(byId.get(id))}`).toBe("passed");
    for (const id of IDS) expect(byId.get(id)!.numRuns).toBeGreaterThan(0);
    // Integrity by read-back: the owner's GETs outnumber the writes.
    const reads = fake.exchanges.filter((e) => e.request.method === "GET").length;
    const writes = fake.exchanges.length - reads;
    expect(reads).toBeGreaterThan(writes);
  });

  it("has the metadata the catalogue and reports need", () => {
    for (const r of INPUT) {
      expect(r.meta.family).toBe("INPUT");
      expect(r.meta.level).toBe(["INPUT-05", "INPUT-06"].includes(r.meta.id) ? "SHOULD" : "MUST");
      expect(r.meta.references.cwe).toContain(915);
      expect(r.meta.remediation.length).toBeGreaterThan(10);
    }
    expect(INPUT_04.dependsOn).toEqual(["AUTHZ-05"]);
    for (const r of [INPUT_01, INPUT_02, INPUT_03, INPUT_05, INPUT_06])
      expect(r.dependsOn).toEqual(["INPUT-04"]);
  });

  // Each planted defect fails the INPUT requirements listed here (run on their own, with
  // INPUT-04 as their positive control), for the right reason; the others still pass,
  // or are inconclusive when INPUT-04 failed.
  const cases: [FakeDefect, string[], RegExp][] = [
    ["massAssignment", ["INPUT-01"], /state changed.*unknown key/s],
    ["ignoresUnknownKeys", ["INPUT-01"], /state changed.*unknown key/s],
    ["nonAtomic", ["INPUT-01", "INPUT-03"], /state changed/],
    ["acceptsInvalidEmail", ["INPUT-03"], /email=/],
    ["acceptsInvalidDisplayName", ["INPUT-03"], /display_name=/],
    ["coercesWrongTypes", ["INPUT-03"], /display_name=/],
    ["fivehundredOnArray", ["INPUT-02"], /-> 500/],
    ["ignoresContentType", ["INPUT-05"], /Content-Type/],
    ["noBodyLimit", ["INPUT-06"], /-byte body/],
    ["serverErrorOnOversized", ["INPUT-06"], /-> 500/],
    ["lowercasesEmail", ["INPUT-04"], /read-back differs.*email=/s],
    ["normalizesDisplayName", ["INPUT-04"], /read-back differs.*display_name=.*U\+/s],
    ["patchClearsOtherField", ["INPUT-04"], /not sent, so unchanged/],
    ["putAcceptsPartial", ["INPUT-04"], /PUT .*with (only|no field)/],
    ["writesRefused", ["INPUT-04"], /valid body was not accepted/],
    ["refusesEverything", ["INPUT-04"], /could not read back|not accepted/],
  ];
  it.each(cases)("%s fails %j for the right reason", async (defect, ids, reason) => {
    const { byId } = await run([defect]);
    for (const id of ids) {
      const failed = byId.get(id)!;
      expect(failed.status, text(failed)).toBe("failed");
      expect(text(failed)).toMatch(reason);
      for (const f of failed.failures!) {
        expect(f.reproduction.counterexample).toBeTruthy();
        expect(f.transcript.length).toBeGreaterThan(0);
      }
    }
    for (const other of IDS.filter((id) => !ids.includes(id))) {
      const r = byId.get(other)!;
      expect(r.status, `${other}: ${text(r)}`).toBe(
        ids.includes("INPUT-04") ? "inconclusive" : "passed",
      );
    }
  });

  it("sends __proto__ as a real key of the JSON text", async () => {
    const { fake } = await run([], 7, 60);
    const bodies = fake.exchanges.map((e) => e.request.body ?? "");
    expect(bodies.some((b) => b.includes('"__proto__":'))).toBe(true);
  });

  it("never sends a password in a recorded request", async () => {
    const { fake } = await run([]);
    const passwords = fake.target.identities().map((i) => i.password);
    const recorded = JSON.stringify(fake.exchanges.map((e) => e.request));
    for (const p of passwords) expect(recorded).not.toContain(p);
  });

  it("is reproducible: the same seed gives the same failure", async () => {
    const a = await run(["nonAtomic"], 99);
    const b = await run(["nonAtomic"], 99);
    const reproductions = (r: typeof a) =>
      r.byId.get("INPUT-01")!.failures!.map((f) => [f.key, f.reproduction]);
    expect(reproductions(a)).toEqual(reproductions(b));
  });
});
