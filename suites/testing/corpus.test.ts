// The corpus comparisons on synthetic results (no containers): what the meta-test and
// `npm run corpus` report for a target that agrees with its manifest, and for each way
// one can depart from it.
import { describe, expect, it } from "vitest";
import { CATALOGUE } from "../catalogue.ts";
import type { Finding, RequirementResult, RunResult, TargetResult } from "../result.ts";
import {
  CORPUS_SEED,
  type CorpusExpectation,
  cellOf,
  corpusSeeds,
  corpusTargets,
  diffVerdictVectors,
  expectedVerdict,
  judgementProblems,
  judgeRun,
  judgeTarget,
  seedRows,
  seedRowsFail,
  seedTableMarkdown,
  TARGETS_DIR,
  uncaughtIds,
  verdictVector,
} from "./corpus.ts";

function requirement(
  id: string,
  status: RequirementResult["status"],
  more: Partial<RequirementResult> = {},
): RequirementResult {
  const meta = CATALOGUE.find((r) => r.meta.id === id)!.meta;
  return { id, meta, status, durationMs: 1, numRuns: 25, requests: 1, ...more };
}

function finding(key: string): Finding {
  return {
    key,
    title: key,
    expected: "e",
    actual: "a",
    hint: "h",
    reproduction: { seed: 1, command: "c", curl: [] },
    transcript: [],
  };
}

/** Every catalogue requirement passed, except those given. */
function target(
  name: string,
  verdict: TargetResult["verdict"],
  overrides: RequirementResult[] = [],
  more: Partial<TargetResult> = {},
): TargetResult {
  return {
    name,
    source: `${TARGETS_DIR}/${name}`,
    verdict,
    durationMs: 1,
    requests: 1,
    requirements: CATALOGUE.map(
      (r) => overrides.find((o) => o.id === r.meta.id) ?? requirement(r.meta.id, "passed"),
    ),
    ...more,
  };
}

function runOf(seed: number, targets: TargetResult[]): RunResult {
  return {
    schemaVersion: "2.0.0",
    profile: "BAIP/2",
    tool: { name: "t", version: "0" },
    startedAt: "",
    finishedAt: "",
    interrupted: false,
    config: { numRuns: 25, seed },
    targets,
  };
}

const expectation = (name: string, more: Partial<CorpusExpectation> = {}): CorpusExpectation => ({
  name,
  fails: [],
  mayFail: [],
  findings: {},
  waived: [],
  ...more,
});

const idor = expectation("broken-idor", { fails: ["AUTHZ-01"], findings: { "AUTHZ-01": 2 } });
const idorFailed = (...keys: string[]) =>
  requirement("AUTHZ-01", "failed", { failures: keys.map(finding) });

describe("expectedVerdict", () => {
  it("is NON-CONFORMANT for a listed unwaived MUST, else CONFORMANT", () => {
    expect(expectedVerdict(idor)).toBe("NON-CONFORMANT");
    expect(expectedVerdict(expectation("c"))).toBe("CONFORMANT");
    // A target built to fail SHOULDs only is conformant with warnings.
    expect(expectedVerdict(expectation("s", { fails: ["TLS-06", "INPUT-05"] }))).toBe("CONFORMANT");
    expect(expectedVerdict(expectation("w", { fails: ["AUTHN-02"], waived: ["AUTHN-02"] }))).toBe(
      "CONFORMANT",
    );
  });
});

describe("judgeTarget", () => {
  it("finds nothing when the result is what the manifest says", () => {
    const t = target("broken-idor", "NON-CONFORMANT", [idorFailed("GET: read", "PATCH: read")]);
    expect(judgementProblems(judgeTarget(idor, t))).toEqual([]);
    expect(judgementProblems(judgeTarget(expectation("ref"), target("ref", "CONFORMANT")))).toEqual(
      [],
    );
  });

  it("names every missed ID, false alarm and wrong verdict, with the target", () => {
    const t = target("broken-idor", "NON-CONFORMANT", [requirement("AUTHN-02", "failed")]);
    expect(judgementProblems(judgeTarget(idor, t))).toEqual([
      "broken-idor AUTHZ-01: listed in expect.fails, not failed (missed)",
      "broken-idor AUTHN-02: failed, not listed in expect.fails (false alarm)",
      "broken-idor AUTHZ-01: 0 distinct failure(s), expect.findings asks 2",
    ]);
    const should = expectation("warns", { fails: ["TLS-06"] });
    const inconclusive = target("warns", "INCONCLUSIVE", [
      requirement("TLS-06", "failed"),
      requirement("AUTHZ-02", "inconclusive", { reasonKind: "server-error" }),
    ]);
    expect(judgementProblems(judgeTarget(should, inconclusive))).toEqual([
      "warns: verdict INCONCLUSIVE, its manifest implies CONFORMANT",
    ]);
  });

  it("counts distinct finding keys against expect.findings", () => {
    const sameKeyTwice = target("broken-idor", "NON-CONFORMANT", [
      idorFailed("GET: read", "GET: read"),
    ]);
    expect(judgeTarget(idor, sameKeyTwice).tooFewFindings).toEqual([
      { id: "AUTHZ-01", least: 2, got: 1 },
    ]);
  });

  it("says a target that did not run did not run", () => {
    const t = target("ref", "INCONCLUSIVE", [], { requirements: [], error: "boot failed\nlog" });
    expect(judgementProblems(judgeTarget(expectation("ref"), t))).toEqual([
      "ref: did not run: boot failed",
      "ref: verdict INCONCLUSIVE, its manifest implies CONFORMANT",
    ]);
    expect(judgeTarget(expectation("gone"), undefined).didNotRun).toBe("no result");
  });
});

describe("the verdict vector", () => {
  it("has one cell per requirement: status, reasonKind, distinct findings", () => {
    expect(cellOf(idorFailed("a", "b", "a"))).toBe("failed");
    expect(cellOf(requirement("TLS-03", "skipped", { reasonKind: "precondition" }))).toBe(
      "skipped: precondition",
    );
    expect(cellOf(requirement("AUTHZ-02", "inconclusive"))).toBe("inconclusive: no reasonKind");
  });

  it("diffs name the target and the ID of each change", () => {
    const targets = [idor, expectation("ref")];
    const before = verdictVector(
      runOf(1, [
        target("broken-idor", "NON-CONFORMANT", [idorFailed("a")]),
        target("ref", "CONFORMANT"),
      ]),
      targets,
    );
    const after = verdictVector(
      runOf(1, [
        target("broken-idor", "NON-CONFORMANT", [idorFailed("a", "b")]),
        target("ref", "INCONCLUSIVE", [
          requirement("MODEL-01", "inconclusive", { reasonKind: "state-unreadable" }),
        ]),
      ]),
      targets,
    );
    expect(diffVerdictVectors(before, before)).toEqual([]);
    // A second finding is not pinned (its search is time-bounded): no diff for it.
    expect(diffVerdictVectors(before, after)).toEqual([
      "ref: verdict CONFORMANT -> INCONCLUSIVE",
      "ref MODEL-01: passed -> inconclusive: state-unreadable",
    ]);
    const { ref: _, ...withoutRef } = after.targets;
    expect(diffVerdictVectors(before, { ...after, targets: withoutRef })).toEqual([
      "ref: pinned but not in the run",
    ]);
  });
});

describe("expect.mayFail", () => {
  it("is never a false alarm, and never required", () => {
    const e = expectation("broken-idor", { fails: ["AUTHZ-01"], mayFail: ["MODEL-01"] });
    const withModel = target("broken-idor", "NON-CONFORMANT", [
      idorFailed("a"),
      requirement("MODEL-01", "failed", {
        failures: [idorFailed("a").failures![0]!],
      }),
    ]);
    expect(judgementProblems(judgeTarget(e, withModel))).toEqual([]);
    const without = target("broken-idor", "NON-CONFORMANT", [idorFailed("a")]);
    expect(judgementProblems(judgeTarget(e, without))).toEqual([]);
  });
});

describe("uncaughtIds", () => {
  it("lists the catalogue IDs no target failed", () => {
    const run = runOf(1, [target("broken-idor", "NON-CONFORMANT", [idorFailed("a")])]);
    const ids = uncaughtIds(run);
    expect(ids).not.toContain("AUTHZ-01");
    expect(ids).toHaveLength(CATALOGUE.length - 1);
  });
});

describe("several seeds", () => {
  it("are a fixed list that starts at the corpus test's seed", () => {
    expect(corpusSeeds(3)).toEqual(corpusSeeds(5).slice(0, 3));
    expect(corpusSeeds(5)[0]).toBe(CORPUS_SEED);
    expect(new Set(corpusSeeds(20)).size).toBe(20);
    expect(corpusSeeds(20).every((s) => Number.isSafeInteger(s) && s < 2 ** 31)).toBe(true);
  });

  it("gather each target's departures with the seed they happened at", () => {
    const targets = [idor, expectation("ref")];
    const good = runOf(11, [
      target("broken-idor", "NON-CONFORMANT", [idorFailed("a", "b")]),
      target("ref", "CONFORMANT"),
    ]);
    const bad = runOf(22, [
      target("broken-idor", "CONFORMANT"),
      target("ref", "NON-CONFORMANT", [requirement("AUTHZ-02", "failed")]),
    ]);
    const runs = [good, bad].map((r) => ({
      seed: r.config.seed,
      judgements: judgeRun(r, targets),
    }));
    const rows = seedRows(runs, targets);
    expect(rows).toEqual([
      {
        name: "broken-idor",
        expectedVerdict: "NON-CONFORMANT",
        missed: ["AUTHZ-01 @ 22"],
        falseAlarms: [],
        verdicts: ["CONFORMANT @ 22"],
        other: ["AUTHZ-01 0/2 findings @ 22"],
      },
      {
        name: "ref",
        expectedVerdict: "CONFORMANT",
        missed: [],
        falseAlarms: ["AUTHZ-02 @ 22"],
        verdicts: ["NON-CONFORMANT @ 22"],
        other: [],
      },
    ]);
    expect(seedRowsFail(rows)).toBe(true);
    expect(seedRowsFail(seedRows(runs.slice(0, 1), targets))).toBe(false);
    const md = seedTableMarkdown(rows, { seeds: [11, 22], numRuns: 25 });
    expect(md).toContain("Corpus at 2 seed(s) (11, 22), 25 runs per property.");
    expect(md).toContain("| ref | CONFORMANT | — | AUTHZ-02 @ 22 | NON-CONFORMANT @ 22 | — |");
  });

  it("fail on a compliant target that is only INCONCLUSIVE at one seed", () => {
    const targets = [expectation("ref")];
    const run = runOf(3, [
      target("ref", "INCONCLUSIVE", [
        requirement("ERR-01", "inconclusive", { reasonKind: "no-case" }),
      ]),
    ]);
    expect(seedRowsFail(seedRows([{ seed: 3, judgements: judgeRun(run, targets) }], targets))).toBe(
      true,
    );
  });
});

describe("corpusTargets", () => {
  it("reads every manifest of targets/ with its expectations", async () => {
    const all = await corpusTargets();
    expect(all.map((t) => t.name)).toContain("flask-reference");
    expect(all.map((t) => t.name)).not.toContain("faults");
    expect(all.find((t) => t.name === "flask-reference")?.fails).toEqual([]);
    expect(all.find((t) => t.name === "broken-idor-get-user")?.fails).toContain("AUTHZ-01");
  });

  it("keeps the named targets and refuses a name that is not one", async () => {
    expect((await corpusTargets(["flask-reference"])).map((t) => t.name)).toEqual([
      "flask-reference",
    ]);
    await expect(corpusTargets(["no-such-target"])).rejects.toThrow(
      "not a corpus target: no-such-target",
    );
  });
});
