// The regression gate on synthetic runs: one target, a few requirements, findings by key.
import { describe, expect, it } from "vitest";
import {
  RESULT_SCHEMA_VERSION,
  type RequirementResult,
  type RequirementStatus,
  type RunResult,
  type TargetResult,
  type Verdict,
} from "../suites/result.ts";
import {
  absentFindings,
  BaselineMismatch,
  baselineMarkdown,
  baselineStateOf,
  baselineText,
  checkBaseline,
  compareWithBaseline,
} from "./baseline.ts";
import { toSarif } from "./sarif.ts";
import { type SampleId as Id, meta, runOf } from "./testing/fixtures.ts";
import { sarifValidator } from "./testing/schemaValidators.ts";

interface Req {
  status: RequirementStatus;
  /** Finding keys of a failed requirement. */
  keys?: string[];
  waiver?: string;
  reason?: string;
}

function requirement(id: Id, r: Req): RequirementResult {
  return {
    id,
    meta: meta(id),
    status: r.status,
    durationMs: 1,
    numRuns: 5,
    requests: 10,
    ...(r.keys
      ? {
          failures: r.keys.map((key) => ({
            key,
            title: `title of ${key}`,
            expected: "a refusal",
            actual: "200",
            hint: "check the owner",
            reproduction: { seed: 1, command: "npx conformance run x", curl: [] },
            transcript: [],
          })),
        }
      : {}),
    ...(r.waiver ? { waiver: r.waiver } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
  };
}

function target(
  verdict: Verdict,
  reqs: Partial<Record<Id, Req>>,
  extra: Partial<TargetResult> = {},
): TargetResult {
  return {
    name: "svc",
    source: "targets/svc",
    verdict,
    durationMs: 1,
    requests: 1,
    requirements: Object.entries(reqs).map(([id, r]) => requirement(id as Id, r as Req)),
    ...extra,
  };
}

function run(...targets: TargetResult[]): RunResult {
  return runOf(targets, { numRuns: 5, seed: 42 });
}

const BOLA = "GET /users/{id}: body leaked";
const PROFILE = "GET /profile: body leaked";

describe("compareWithBaseline", () => {
  it("an identical run is unchanged and not worse", () => {
    const r = run(
      target("NON-CONFORMANT", {
        "AUTHZ-01": { status: "failed", keys: [BOLA] },
        "INPUT-01": { status: "passed" },
      }),
    );
    const c = compareWithBaseline(r, r);
    expect(c.worse).toBe(false);
    expect(c.targets[0]).toMatchObject({ changes: [], newFindings: [], goneFindings: [] });
    expect(baselineStateOf(c, "svc", "AUTHZ-01", BOLA)).toBe("unchanged");
    expect(baselineText(c)).toContain("UNCHANGED svc: NON-CONFORMANT (unchanged)");
    expect(baselineText(c)).toContain("nothing got worse than the baseline");
  });

  it("a requirement newly failed is worse, and its findings are new", () => {
    const before = run(target("CONFORMANT", { "AUTHZ-01": { status: "passed" } }));
    const now = run(target("NON-CONFORMANT", { "AUTHZ-01": { status: "failed", keys: [BOLA] } }));
    const c = compareWithBaseline(before, now);
    expect(c.worse).toBe(true);
    expect(c.targets[0]?.changes).toEqual([
      { id: "AUTHZ-01", kind: "newly-failed", from: "passed", to: "failed" },
    ]);
    expect(c.targets[0]?.verdict).toEqual({
      baseline: "CONFORMANT",
      current: "NON-CONFORMANT",
      direction: "worse",
    });
    expect(baselineStateOf(c, "svc", "AUTHZ-01", BOLA)).toBe("new");
    const text = baselineText(c);
    expect(text).toContain("WORSE svc: CONFORMANT -> NON-CONFORMANT (worse)");
    expect(text).toMatch(/newly failed:\n {4}AUTHZ-01 passed -> failed/);
    expect(text).toContain("worse than the baseline: svc");
  });

  it("a fixed requirement is better, and its findings are gone (SARIF absent)", () => {
    const before = run(
      target("NON-CONFORMANT", { "AUTHZ-01": { status: "failed", keys: [BOLA] } }),
    );
    const now = run(target("CONFORMANT", { "AUTHZ-01": { status: "passed" } }));
    const c = compareWithBaseline(before, now);
    expect(c.worse).toBe(false);
    expect(c.targets[0]?.changes.map((x) => x.kind)).toEqual(["fixed"]);
    expect(c.targets[0]?.verdict.direction).toBe("better");
    const gone = absentFindings(c);
    expect(gone.map((g) => [g.requirement, g.key, g.now])).toEqual([["AUTHZ-01", BOLA, "passed"]]);
    expect(gone[0]?.baseline.finding.key).toBe(BOLA);
    expect(gone[0]?.baseline.position).toEqual({ index: 0, total: 1 });
    expect(gone[0]?.target).toBe(now.targets[0]);
    const text = baselineText(c);
    expect(text).toContain("NO WORSE svc: NON-CONFORMANT -> CONFORMANT (better)");
    expect(text).toMatch(/fixed:\n {4}AUTHZ-01 failed -> passed/);
  });

  it("a still-failing requirement with a new finding is worse; a gone one is listed", () => {
    const before = run(
      target("NON-CONFORMANT", { "AUTHZ-01": { status: "failed", keys: [BOLA] } }),
    );
    const now = run(
      target("NON-CONFORMANT", { "AUTHZ-01": { status: "failed", keys: [PROFILE] } }),
    );
    const c = compareWithBaseline(before, now);
    expect(c.worse).toBe(true);
    expect(c.targets[0]?.changes).toEqual([]);
    expect(c.targets[0]?.newFindings.map((f) => f.key)).toEqual([PROFILE]);
    expect(c.targets[0]?.goneFindings.map((f) => f.key)).toEqual([BOLA]);
    expect(baselineStateOf(c, "svc", "AUTHZ-01", PROFILE)).toBe("new");
  });

  it("a finding whose waiver changed is updated, its title not; fewer is not worse", () => {
    const before = run(
      target("NON-CONFORMANT", { "AUTHZ-01": { status: "failed", keys: [BOLA, PROFILE] } }),
    );
    const now = run(target("NON-CONFORMANT", { "AUTHZ-01": { status: "failed", keys: [BOLA] } }));
    now.targets[0]!.requirements[0]!.failures![0]!.title = "heidi-g read victor-z's record";
    const c = compareWithBaseline(before, now);
    expect(c.worse).toBe(false);
    expect(baselineStateOf(c, "svc", "AUTHZ-01", BOLA)).toBe("unchanged");
    now.targets[0]!.requirements[0]!.waiver = "accepted until the next release";
    expect(baselineStateOf(compareWithBaseline(before, now), "svc", "AUTHZ-01", BOLA)).toBe(
      "updated",
    );
    expect(c.targets[0]?.goneFindings.map((f) => [f.key, f.now])).toEqual([[PROFILE, "failed"]]);
  });

  it("a waived requirement newly failing is listed as waived, not worse", () => {
    const before = run(target("CONFORMANT", { "AUTHZ-01": { status: "passed" } }));
    const now = run(
      target("CONFORMANT", {
        "AUTHZ-01": { status: "failed", keys: [BOLA], waiver: "public directory by design" },
      }),
    );
    const c = compareWithBaseline(before, now);
    expect(c.worse).toBe(false);
    expect(baselineText(c)).toContain(
      "AUTHZ-01 passed -> failed [waived: public directory by design]",
    );
  });

  it("a new SHOULD warning is worse, though the verdict holds", () => {
    const before = run(target("CONFORMANT", { "TLS-05": { status: "passed" } }));
    const now = run(
      target("CONFORMANT", { "TLS-05": { status: "failed", keys: ["HSTS missing"] } }),
    );
    expect(compareWithBaseline(before, now).worse).toBe(true);
  });

  it("orders verdicts NON-CONFORMANT < INCONCLUSIVE < CONFORMANT", () => {
    const conformant = run(target("CONFORMANT", { "AUTHZ-01": { status: "passed" } }));
    const inconclusive = run(
      target("INCONCLUSIVE", {
        "AUTHZ-01": { status: "inconclusive", reason: "every case got a 5xx" },
      }),
    );
    const failing = run(
      target("NON-CONFORMANT", { "AUTHZ-01": { status: "failed", keys: [BOLA] } }),
    );
    const down = compareWithBaseline(conformant, inconclusive);
    expect(down.worse).toBe(true);
    expect(down.targets[0]?.changes).toEqual([
      {
        id: "AUTHZ-01",
        kind: "unjudged",
        from: "passed",
        to: "inconclusive",
        reason: "every case got a 5xx",
      },
    ]);
    expect(baselineText(down)).toMatch(
      /no longer judged:\n {4}AUTHZ-01 passed -> inconclusive: every case got a 5xx/,
    );
    const up = compareWithBaseline(failing, inconclusive);
    expect(up.targets[0]?.verdict.direction).toBe("better");
    expect(up.targets[0]?.changes.map((x) => x.kind)).toEqual(["other"]);
    expect(up.worse).toBe(false);
    expect(compareWithBaseline(inconclusive, conformant).targets[0]?.changes[0]?.kind).toBe(
      "judged",
    );
  });

  it("a target that could not be exercised now is not compared (exit 2, not 1)", () => {
    const before = run(target("CONFORMANT", { "AUTHZ-01": { status: "passed" } }));
    const now = run(target("INCONCLUSIVE", {}, { error: "did not boot: exited 1\nlog lines" }));
    const c = compareWithBaseline(before, now);
    expect(c.worse).toBe(false);
    expect(c.notCompared).toEqual(["svc"]);
    expect(baselineText(c)).toContain("could not be exercised: did not boot: exited 1\n");
    expect(baselineText(c)).toContain("not compared (could not be exercised): svc");
  });

  it("an interrupted target counts what it found failing, not what it did not reach", () => {
    const before = run(
      target("CONFORMANT", { "AUTHZ-01": { status: "passed" }, "INPUT-01": { status: "passed" } }),
    );
    const stopped = target(
      "INCONCLUSIVE",
      { "AUTHZ-01": { status: "passed" }, "INPUT-01": { status: "inconclusive" } },
      { error: "run interrupted" },
    );
    const c = compareWithBaseline(before, run(stopped));
    expect(c.targets[0]?.changes.map((x) => x.kind)).toEqual(["unjudged"]);
    expect(c.worse).toBe(false);
    stopped.requirements[0]!.status = "failed";
    expect(compareWithBaseline(before, run(stopped)).worse).toBe(true);
  });

  it("a requirement this run did not select is another change, and its findings not gone", () => {
    const before = run(
      target("NON-CONFORMANT", {
        "AUTHZ-01": { status: "failed", keys: [BOLA] },
        "INPUT-01": { status: "passed" },
      }),
    );
    const now = run(target("CONFORMANT", { "INPUT-01": { status: "passed" } }));
    const c = compareWithBaseline(before, now);
    expect(c.targets[0]?.changes).toEqual([
      { id: "AUTHZ-01", kind: "other", from: "failed", to: "absent" },
    ]);
    expect(absentFindings(c)).toEqual([]);
    expect(c.worse).toBe(false);
  });

  it("matches targets by name: a new one against an empty baseline, a missing one listed", () => {
    const svc = target("CONFORMANT", { "AUTHZ-01": { status: "passed" } });
    const gone = target("CONFORMANT", { "AUTHZ-01": { status: "passed" } }, { name: "gone" });
    const other = target(
      "NON-CONFORMANT",
      { "AUTHZ-01": { status: "failed", keys: [BOLA] }, "INPUT-01": { status: "passed" } },
      { name: "other" },
    );
    const c = compareWithBaseline(run(svc, gone), run(svc, other));
    expect(c.missingTargets).toEqual(["gone"]);
    expect(c.targets.map((t) => [t.name, t.match, t.worse])).toEqual([
      ["svc", "matched", false],
      ["other", "new", true],
    ]);
    // Only its failures are news: INPUT-01 (absent -> passed) is not listed.
    expect(c.targets[1]?.changes.map((x) => x.id)).toEqual(["AUTHZ-01"]);
    expect(baselineStateOf(c, "other", "AUTHZ-01", BOLA)).toBe("new");
    expect(baselineText(c)).toContain("WORSE other: NON-CONFORMANT (not in the baseline)");
    expect(baselineText(c)).toContain("not in this run (not compared): gone");
  });

  it("compares the one target of each run whatever their names", () => {
    const before = run(target("CONFORMANT", { "AUTHZ-01": { status: "passed" } }));
    const now = run(
      target(
        "NON-CONFORMANT",
        { "AUTHZ-01": { status: "failed", keys: [BOLA] } },
        { name: "svc-next" },
      ),
    );
    const c = compareWithBaseline(before, now);
    expect(c.missingTargets).toEqual([]);
    expect(c.targets[0]).toMatchObject({ name: "svc-next", match: "matched", baselineName: "svc" });
    expect(baselineText(c)).toContain(
      "WORSE svc-next: CONFORMANT -> NON-CONFORMANT (worse) (baseline: svc)",
    );
  });

  it("a failed requirement without findings gets its state from the requirement", () => {
    const before = run(target("CONFORMANT", { "AUTHZ-01": { status: "passed" } }));
    const now = run(target("NON-CONFORMANT", { "AUTHZ-01": { status: "failed" } }));
    const c = compareWithBaseline(before, now);
    expect(baselineStateOf(c, "svc", "AUTHZ-01")).toBe("new");
    expect(baselineStateOf(compareWithBaseline(now, now), "svc", "AUTHZ-01")).toBe("unchanged");
  });

  it("renders Markdown with escaped target strings", () => {
    const before = run(target("CONFORMANT", { "AUTHZ-01": { status: "passed" } }));
    const now = run(
      target("NON-CONFORMANT", { "AUTHZ-01": { status: "failed", keys: ["GET /x: <b>|"] } }),
    );
    const md = baselineMarkdown(compareWithBaseline(before, now));
    expect(md).toContain("# Comparison with the baseline");
    expect(md).toContain("## WORSE svc: CONFORMANT -\\> NON-CONFORMANT (worse)");
    expect(md).toContain("- newly failed:\n  - AUTHZ-01 passed -\\> failed");
    expect(md).toContain("GET /x: \\<b\\>\\|");
  });
});

describe("SARIF baselineState (SARIF 2.1.0 section 3.27.24)", () => {
  it("marks each result new, unchanged or updated, and adds gone findings as absent", () => {
    const before = run(
      target("NON-CONFORMANT", {
        "AUTHZ-01": { status: "failed", keys: [BOLA, PROFILE] },
        "INPUT-01": { status: "failed", keys: ["PATCH /users/{id}: role changed"] },
        "TLS-05": { status: "failed", keys: ["HSTS missing"] },
      }),
    );
    const now = run(
      target("NON-CONFORMANT", {
        "AUTHZ-01": { status: "failed", keys: [BOLA, "GET /users: list leaked"] },
        "INPUT-01": { status: "passed" },
        "TLS-05": { status: "failed", keys: ["HSTS missing"], waiver: "behind a proxy" },
      }),
    );
    const sarif = JSON.parse(toSarif(now, { baseline: compareWithBaseline(before, now) }));
    expect(sarifValidator()(sarif)).toEqual([]);
    const states = sarif.runs[0].results.map(
      (r: { ruleId: string; baselineState: string; properties: { finding?: string } }) => [
        r.ruleId,
        r.properties.finding,
        r.baselineState,
      ],
    );
    expect(states).toEqual([
      ["AUTHZ-01", BOLA, "unchanged"],
      ["AUTHZ-01", "GET /users: list leaked", "new"],
      ["TLS-05", "HSTS missing", "updated"],
      ["AUTHZ-01", PROFILE, "absent"],
      ["INPUT-01", "PATCH /users/{id}: role changed", "absent"],
    ]);
  });

  it("leaves results without baselineState when no baseline is given", () => {
    const now = run(target("NON-CONFORMANT", { "AUTHZ-01": { status: "failed", keys: [BOLA] } }));
    expect(toSarif(now)).not.toContain("baselineState");
  });
});

describe("checkBaseline", () => {
  const current = run();

  it("refuses another schema version or profile in one line naming cause and fix", () => {
    const old = { ...run(), schemaVersion: "1.0.0", profile: "BAIP/1" };
    expect(() => checkBaseline(old, current, "old.json")).toThrow(BaselineMismatch);
    expect(() => checkBaseline(old, current, "old.json")).toThrow(
      `old.json: a report of result schema 1.0.0 (profile BAIP/1), this run writes ${RESULT_SCHEMA_VERSION} (profile BAIP/2), whose findings cannot be compared; re-run the baseline with this version of conformance and pass its conformance.json`,
    );
    expect(() => compareWithBaseline(old as unknown as RunResult, current)).toThrow(
      BaselineMismatch,
    );
  });

  it("refuses what is not a report", () => {
    for (const bad of [null, 3, [], { targets: [] }, { schemaVersion: "2.0.0" }]) {
      expect(() => checkBaseline(bad, current, "x.json")).toThrow(
        /^x\.json: not a conformance JSON report; re-run the baseline/,
      );
    }
  });

  it("accepts a report of this schema and profile", () => {
    expect(() => checkBaseline(run(), current)).not.toThrow();
  });
});
