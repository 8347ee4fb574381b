import { describe, expect, test } from "vitest";
import type { Level } from "../suites/requirement.ts";
import type { RequirementResult, RunResult } from "../suites/result.ts";
import { sampleRun } from "./fixtures.ts";
import { overallVerdict, targetVerdict, verdictOf } from "./verdict.ts";

function r(level: Level, status: RequirementResult["status"]) {
  return { status, meta: { level } } as Pick<RequirementResult, "status" | "meta">;
}

describe("verdictOf (CONTRACT.md 5)", () => {
  test("all MUST hold: CONFORMANT, whatever the SHOULDs did", () => {
    expect(
      verdictOf([r("MUST", "passed"), r("SHOULD", "failed"), r("SHOULD", "inconclusive")]),
    ).toBe("CONFORMANT");
  });
  test("any MUST failed: NON-CONFORMANT, even beside inconclusive ones", () => {
    expect(verdictOf([r("MUST", "passed"), r("MUST", "inconclusive"), r("MUST", "failed")])).toBe(
      "NON-CONFORMANT",
    );
  });
  test("else any MUST inconclusive: INCONCLUSIVE", () => {
    expect(verdictOf([r("MUST", "passed"), r("MUST", "inconclusive"), r("SHOULD", "failed")])).toBe(
      "INCONCLUSIVE",
    );
  });
  test("a MUST skipped for a missing precondition does not block CONFORMANT", () => {
    expect(verdictOf([r("MUST", "passed"), r("MUST", "skipped")])).toBe("CONFORMANT");
  });
  test("no MUST evaluated at all never passes vacuously", () => {
    expect(verdictOf([])).toBe("INCONCLUSIVE");
    expect(verdictOf([r("SHOULD", "passed")])).toBe("INCONCLUSIVE");
    expect(verdictOf([r("MUST", "skipped"), r("SHOULD", "passed")])).toBe("INCONCLUSIVE");
  });
  test("the sample targets get the verdicts they carry", () => {
    for (const t of sampleRun({ hostile: true }).targets) expect(targetVerdict(t)).toBe(t.verdict);
  });
});

describe("targetVerdict", () => {
  test("a target-level error or an interruption makes it INCONCLUSIVE, unless a MUST failed", () => {
    const passed = [r("MUST", "passed")];
    expect(targetVerdict({ requirements: passed, error: "did not boot" })).toBe("INCONCLUSIVE");
    expect(targetVerdict({ requirements: passed }, { interrupted: true })).toBe("INCONCLUSIVE");
    expect(targetVerdict({ requirements: [r("MUST", "failed")], error: "died" })).toBe(
      "NON-CONFORMANT",
    );
  });
});

describe("overallVerdict", () => {
  const run = (verdicts: RunResult["targets"][number]["verdict"][], interrupted = false) =>
    ({ interrupted, targets: verdicts.map((verdict) => ({ verdict })) }) as unknown as RunResult;
  test("worst of the targets", () => {
    expect(overallVerdict(run(["CONFORMANT", "INCONCLUSIVE", "NON-CONFORMANT"]))).toBe(
      "NON-CONFORMANT",
    );
    expect(overallVerdict(run(["CONFORMANT", "INCONCLUSIVE"]))).toBe("INCONCLUSIVE");
    expect(overallVerdict(run(["CONFORMANT"]))).toBe("CONFORMANT");
    expect(overallVerdict(run(["CONFORMANT"], true))).toBe("INCONCLUSIVE");
    expect(overallVerdict(run([]))).toBe("INCONCLUSIVE");
  });
});
