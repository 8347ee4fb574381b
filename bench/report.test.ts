import { describe, expect, it } from "vitest";
import {
  type BenchFigures,
  examplesRatio,
  formatReport,
  GOALS,
  goalRows,
  met,
  type ProbeFigures,
  requirementRates,
  scalingRatio,
} from "./report.ts";
import type { ProbeRequirement } from "./runProbe.ts";

function probeFigures(
  label: string,
  targets: number,
  wallMs: number,
  requirements: ProbeRequirement[] = [],
  numRuns = 10,
): ProbeFigures {
  return {
    label,
    targets,
    parallel: targets,
    numRuns,
    load1: 0.5,
    probe: {
      wallMs,
      rssStart: 100 * 2 ** 20,
      rssPeak: 200 * 2 ** 20,
      heapUsedPeak: 80 * 2 ** 20,
      heapAfterGc: 30 * 2 ** 20,
      cpuUserMs: 1000,
      cpuSystemMs: 200,
      elu: 0.4,
      httpWaitMs: wallMs / 2,
      connections: { undiciTls: 2, undiciPlain: 0, rawTls: 5, rawPlain: 1, undiciRequests: 100 },
      targets: Array.from({ length: targets }, (_, i) => ({
        name: `t${i}`,
        verdict: "CONFORMANT",
        bootMs: 900,
        durationMs: wallMs,
        requests: requirements.reduce((sum, r) => sum + r.requests, 0) || 1000,
        requirements,
      })),
    },
    containers: {
      containers: targets,
      maxConcurrent: targets,
      peakBytes: 40 * 2 ** 20,
      peakRssBytes: 30 * 2 ** 20,
      sumPeakBytes: targets * 40 * 2 ** 20,
    },
  };
}

const authz02: ProbeRequirement = {
  id: "AUTHZ-02",
  status: "passed",
  durationMs: 2000,
  requests: 1500,
  numRuns: 500,
  methods: { GET: 1000, PATCH: 300, PUT: 200 },
};
const authz05: ProbeRequirement = {
  id: "AUTHZ-05",
  status: "passed",
  durationMs: 3000,
  requests: 2000,
  numRuns: 500,
};

function figures(overrides: Partial<BenchFigures> = {}): BenchFigures {
  return {
    tool: "baip-bench",
    startedAt: "2026-01-01T00:00:00.000Z",
    quick: false,
    seed: 1,
    machine: {
      cpus: 2,
      cpuModel: "Test CPU",
      memoryBytes: 24 * 2 ** 30,
      node: "20.0.0",
      platform: "Linux test x64",
      loadStart: [0.1, 0.2, 0.3],
      loadEnd: [0.4, 0.5, 0.6],
    },
    images: { base: { source: "cached", ms: 5 }, coldMs: [1300, 1500], cachedMs: [8, 9, 10] },
    boot: { bootMs: [900, 950, 1000], stopMs: [300, 320, 340] },
    raw: [
      {
        tool: "wrk",
        connections: 1,
        durationS: 5,
        requests: 5000,
        rps: 1000,
        latencyAvgMs: 1,
        errors: 0,
      },
    ],
    peer: {
      requirement: "AUTHZ-02",
      examples: 500,
      hypothesis: {
        script: "/x/hypothesis_baseline.py",
        python: "python3",
        examples: 500,
        seconds: 10,
        examplesPerS: 50,
        requestsPerS: 120,
        requests: 1200,
        line: "hypothesis baseline: 500 examples in 10.00 s = 50 examples/s, 120 requests/s",
      },
      suite: probeFigures("AUTHZ-02 alone", 1, 6000, [authz02, authz05], 500),
    },
    fullRun: probeFigures("full run", 1, 10_000, [], 25),
    delayedRun: {
      delayMs: 50,
      run: probeFigures(
        "delayed",
        1,
        150_000,
        [{ id: "MODEL-01", status: "passed", durationMs: 10_000, requests: 400, numRuns: 33 }],
        25,
      ),
    },
    scaling: [
      probeFigures("1 target", 1, 6000),
      probeFigures("4 targets", 4, 12_000),
      probeFigures("8 targets", 8, 15_000),
    ],
    flatness: [probeFigures("runs 10", 1, 6000)],
    ...overrides,
  };
}

/** The goals table's row whose figure starts with `prefix`. */
function row(f: BenchFigures, prefix: string): string[] {
  const found = goalRows(f).find((r) => r[0]?.startsWith(prefix));
  if (found === undefined) throw new Error(`no row ${prefix}`);
  return found;
}

describe("rates and ratios", () => {
  it("takes a requirement's rates over its own time, not the run's", () => {
    expect(requirementRates(authz02)).toEqual({
      examplesPerS: 250,
      requestsPerS: 750,
      requestsPerExample: 3,
    });
  });

  it("sets the suite's examples/s over the baseline's", () => {
    expect(examplesRatio(figures().peer)).toBe(5);
  });

  it("has no ratio when the baseline did not run", () => {
    const f = figures();
    const peer = { ...f.peer!, hypothesis: { error: "no python" } };
    expect(examplesRatio(peer)).toBeNaN();
    expect(row({ ...f, peer }, "suite / Hypothesis")).toEqual([
      "suite / Hypothesis examples/s",
      "n/a",
      ">= 5x",
      "n/a",
    ]);
    expect(row({ ...f, peer }, "Hypothesis baseline")[1]).toBe("not run: no python");
  });

  it("compares the run with the most targets with the one with one", () => {
    expect(scalingRatio(figures().scaling)).toEqual({ targets: 8, ratio: 2.5 });
    expect(scalingRatio([probeFigures("1", 1, 10)]).ratio).toBeNaN();
  });

  it("says whether a goal is met, and n/a when nothing was measured", () => {
    expect(met(5, { min: 5 })).toBe("yes");
    expect(met(4.99, { min: 5 })).toBe("no");
    expect(met(3.01, { max: 3 })).toBe("no");
    expect(met(Number.NaN, { max: 3 })).toBe("n/a");
  });
});

describe("goals table", () => {
  it("puts each goal beside its figure", () => {
    const f = figures();
    expect(row(f, "suite / Hypothesis").slice(1)).toEqual(["5.00x", ">= 5x", "yes"]);
    expect(row(f, "8 targets vs 1").slice(1)).toEqual([
      "15.0 s / 6.0 s = 2.50x",
      `<= ${GOALS.scalingRatioMax}x`,
      "yes",
    ]);
    expect(row(f, "full run, BAIP_DELAY_MS=50").slice(1)).toEqual([
      "150.0 s (400 requests, CONFORMANT)",
      "<= 20 s",
      "no",
    ]);
    expect(row(f, "suite, AUTHZ-02 alone")[1]).toBe(
      "250.0 examples/s, 750 requests/s, 3.00 requests/example (500 in 2.00 s, passed)",
    );
    expect(row(f, "full run, 25 cases")[3]).toBe("—");
  });

  it("says the delayed run was skipped under --quick", () => {
    const f = figures({ quick: true, delayedRun: undefined });
    expect(row(f, "full run, BAIP_DELAY_MS=50").slice(1)).toEqual([
      "skipped (--quick)",
      "<= 20 s",
      "n/a",
    ]);
  });
});

describe("formatReport", () => {
  it("opens with the goals table and breaks an example down by method", () => {
    const text = formatReport(figures());
    const lines = text.split("\n");
    const header = lines.indexOf("| figure | measured | goal | met? |");
    expect(header).toBeGreaterThan(0);
    expect(lines[header + 1]).toBe("| --- | --- | --- | --- |");
    expect(text).toContain("| suite AUTHZ-02 | 3.00 | 2.00 GET + 0.60 PATCH + 0.40 PUT | 4.00 |");
    expect(text).toContain("| suite AUTHZ-05 (positive control, runs first) | 4.00 | n/a |");
    expect(text).toContain("| Hypothesis baseline | 2.40 |");
  });

  it("shows how many requests the delayed run kept in flight", () => {
    const text = formatReport(figures());
    expect(text).toContain(
      "Slowest requirements of the full run with BAIP_DELAY_MS=50 (top 10 of 1):",
    );
    expect(text).toContain("| MODEL-01 | 10000 ms | 400 | 33 | 25.0 | 40 | 2.00 |");
    expect(formatReport(figures({ delayedRun: undefined }))).not.toContain("BAIP_DELAY_MS=50 (top");
  });

  it("is a function of its figures alone", () => {
    const f = figures();
    const copy = structuredClone(f);
    expect(formatReport(f)).toBe(formatReport(copy));
    expect(f).toEqual(copy);
  });
});
