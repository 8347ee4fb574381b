import { describe, expect, test } from "vitest";
import type { Level } from "./requirement.ts";
import type { RequirementResult, RunResult, TargetResult, Verdict } from "./result.ts";
import {
  exitCodeOf,
  overallVerdict,
  overallVerdictLabel,
  targetVerdict,
  targetVerdictLabel,
  verdictOf,
} from "./verdict.ts";

type Judged = Pick<RequirementResult, "status" | "meta" | "waiver">;

function r(level: Level, status: RequirementResult["status"], waiver?: string): Judged {
  return { status, meta: { level }, ...(waiver === undefined ? {} : { waiver }) } as Judged;
}

function run(verdicts: Verdict[], interrupted = false): RunResult {
  return {
    interrupted,
    targets: verdicts.map((verdict) => ({ verdict, requirements: [] })),
  } as unknown as RunResult;
}

describe("verdictOf (docs/SPEC.md 5)", () => {
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
});

describe("waivers (docs/SPEC.md 5)", () => {
  const waived = "deliberate 403 instead of 401 (ticket SEC-12)";
  test("a waived failed MUST does not make the target NON-CONFORMANT", () => {
    expect(verdictOf([r("MUST", "passed"), r("MUST", "failed", waived)])).toBe("CONFORMANT");
  });
  test("a waived inconclusive MUST does not make it INCONCLUSIVE either", () => {
    expect(verdictOf([r("MUST", "passed"), r("MUST", "inconclusive", waived)])).toBe("CONFORMANT");
  });
  test("a waiver never makes a MUST pass vacuously: only waived MUSTs is INCONCLUSIVE", () => {
    expect(verdictOf([r("MUST", "passed", waived), r("SHOULD", "passed")])).toBe("INCONCLUSIVE");
  });
  test("an unwaived failed MUST beside a waived one still fails", () => {
    expect(verdictOf([r("MUST", "failed"), r("MUST", "failed", waived)])).toBe("NON-CONFORMANT");
  });
  test("the verdict carries its waiver count", () => {
    const target = {
      verdict: "CONFORMANT",
      requirements: [r("MUST", "passed"), r("MUST", "failed", waived)],
    } as unknown as TargetResult;
    expect(targetVerdictLabel(target)).toBe("CONFORMANT with 1 waiver");
    expect(targetVerdictLabel({ ...target, requirements: [r("MUST", "passed")] } as never)).toBe(
      "CONFORMANT",
    );
    const two = { interrupted: false, targets: [target, target] } as unknown as RunResult;
    expect(overallVerdictLabel(two)).toBe("CONFORMANT with 2 waivers");
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
    expect(targetVerdict({ requirements: [r("MUST", "failed")] }, { interrupted: true })).toBe(
      "NON-CONFORMANT",
    );
  });
});

describe("overallVerdict and exitCodeOf agree", () => {
  const cases: [string, RunResult, Verdict, number][] = [
    [
      "mixed: worst of the targets",
      run(["CONFORMANT", "INCONCLUSIVE", "NON-CONFORMANT"]),
      "NON-CONFORMANT",
      1,
    ],
    ["conformant and inconclusive", run(["CONFORMANT", "INCONCLUSIVE"]), "INCONCLUSIVE", 2],
    ["all conformant", run(["CONFORMANT", "CONFORMANT"]), "CONFORMANT", 0],
    ["interrupted, nothing failed", run(["CONFORMANT"], true), "INCONCLUSIVE", 2],
    [
      "interrupted with a failed MUST: the proof stands",
      run(["NON-CONFORMANT", "INCONCLUSIVE"], true),
      "NON-CONFORMANT",
      1,
    ],
    ["a shard that selected no target", run([]), "INCONCLUSIVE", 2],
    ["an interrupted run before any target", run([], true), "INCONCLUSIVE", 2],
  ];
  test.each(cases)("%s", (_name, result, verdict, code) => {
    expect(overallVerdict(result)).toBe(verdict);
    expect(exitCodeOf(result)).toBe(code);
  });
});
