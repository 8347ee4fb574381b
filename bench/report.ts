// The benchmark's figures and their Markdown rendering, a pure function of the figures
// (the same ones `--json` writes). The figures the project has goals for are set beside
// their goal (GOALS) in the first table; the bench prints, it never fails on a goal.
import type { ContainerMemory } from "./containerMemory.ts";
import type { BaselineFigures } from "./hypothesisBaseline.ts";
import type { LoadFigures } from "./rawCapacity.ts";
import type { ProbeOutput, ProbeRequirement } from "./runProbe.ts";
import { median, mib, millis, seconds } from "./stats.ts";

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  node: string;
  platform: string;
  /** os.loadavg() when the measurements started, and when they ended. */
  loadStart: number[];
  loadEnd: number[];
  /** Set when --wait-load was given: how long we waited, and whether the load got there. */
  loadWait?: { below: number; waitedS: number; reached: boolean };
}

export interface ProbeFigures {
  label: string;
  targets: number;
  parallel: number;
  numRuns: number;
  /** os.loadavg()[0] when this run started. */
  load1: number;
  probe: ProbeOutput;
  containers: ContainerMemory;
}

/**
 * The Hypothesis baseline and the suite's own run of the same requirement, one after the
 * other against one container.
 */
export interface PeerFigures {
  requirement: string;
  /** Examples asked of each: Hypothesis' max_examples, the suite's numRuns. */
  examples: number;
  hypothesis: BaselineFigures | { error: string };
  /** runConformance with only `requirement` (its positive controls run too). */
  suite: ProbeFigures;
}

export interface BenchFigures {
  tool: "baip-bench";
  startedAt: string;
  quick: boolean;
  seed: number;
  machine: Machine;
  images: {
    base: { source: string; ms: number };
    /** Fresh tags, the target's layers rebuilt (base image cached). */
    coldMs: number[];
    /** resolveTargetImage with the image present. */
    cachedMs: number[];
  };
  boot: { bootMs: number[]; stopMs: number[] };
  raw: LoadFigures[];
  peer?: PeerFigures;
  fullRun: ProbeFigures;
  /** A full run against flask-reference answering every request `delayMs` late. */
  delayedRun?: { delayMs: number; run: ProbeFigures };
  scaling: ProbeFigures[];
  flatness: ProbeFigures[];
}

/** The project's goals for these figures (issue 13). */
export const GOALS = {
  /** Suite examples/s over the Hypothesis baseline's, same requirement, same container. */
  examplesRatioMin: 5,
  /** Wall of 8 targets in one run over the wall of 1. */
  scalingRatioMax: 3,
  /** Full run against a target answering 50 ms late, boot included (s). */
  delayedRunMaxS: 20,
} as const;

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Time the suite spent on its target's requests, boot excluded. */
export function runMs(t: { durationMs: number; bootMs?: number }): number {
  return t.durationMs - (t.bootMs ?? 0);
}

export function suiteRps(p: ProbeOutput): number {
  const t = p.targets[0];
  return t ? t.requests / (runMs(t) / 1000) : Number.NaN;
}

/** One requirement's figures from a probe (undefined when it did not run). */
export function requirementOf(p: ProbeFigures, id: string): ProbeRequirement | undefined {
  return p.probe.targets[0]?.requirements.find((r) => r.id === id);
}

export interface Rates {
  examplesPerS: number;
  requestsPerS: number;
  requestsPerExample: number;
}

/** A requirement's own rates: its cases and requests over its own time. */
export function requirementRates(r: ProbeRequirement): Rates {
  const s = r.durationMs / 1000;
  return {
    examplesPerS: s > 0 ? r.numRuns / s : Number.NaN,
    requestsPerS: s > 0 ? r.requests / s : Number.NaN,
    requestsPerExample: r.numRuns > 0 ? r.requests / r.numRuns : Number.NaN,
  };
}

/** Suite examples/s over the baseline's (NaN when either is missing). */
export function examplesRatio(peer: PeerFigures | undefined): number {
  if (peer === undefined || "error" in peer.hypothesis) return Number.NaN;
  const r = requirementOf(peer.suite, peer.requirement);
  return r ? requirementRates(r).examplesPerS / peer.hypothesis.examplesPerS : Number.NaN;
}

/** Wall of the run with the most targets over the wall of the one with one target. */
export function scalingRatio(scaling: readonly ProbeFigures[]): {
  targets: number;
  ratio: number;
} {
  const one = scaling.find((s) => s.targets === 1);
  const most = [...scaling].sort((a, b) => b.targets - a.targets)[0];
  if (one === undefined || most === undefined || most === one)
    return { targets: Number.NaN, ratio: Number.NaN };
  return { targets: most.targets, ratio: most.probe.wallMs / one.probe.wallMs };
}

/** `yes`/`no`, or `n/a` when the figure was not measured. */
export function met(value: number, goal: { min?: number; max?: number }): string {
  if (!Number.isFinite(value)) return "n/a";
  const ok =
    (goal.min === undefined || value >= goal.min) && (goal.max === undefined || value <= goal.max);
  return ok ? "yes" : "no";
}

const NO_GOAL = "—";

const times = (ratio: number) => (Number.isFinite(ratio) ? `${fmt(ratio, 2)}x` : "n/a");

function methodsText(methods: Record<string, number> | undefined, per: number): string {
  if (methods === undefined) return "n/a";
  return Object.entries(methods)
    .sort((a, b) => b[1] - a[1])
    .map(([method, n]) => `${fmt(n / per, 2)} ${method}`)
    .join(" + ");
}

/** The first table: figure | measured | goal | met?. */
export function goalRows(f: BenchFigures): string[][] {
  const rows: string[][] = [];
  const peer = f.peer;
  if (peer === undefined) {
    rows.push([
      "Hypothesis baseline vs suite",
      "not measured",
      `>= ${GOALS.examplesRatioMin}x`,
      "n/a",
    ]);
  } else {
    const h = peer.hypothesis;
    rows.push([
      `Hypothesis baseline, ${peer.requirement}-style, ${peer.examples} examples`,
      "error" in h
        ? `not run: ${h.error}`
        : `${fmt(h.examplesPerS, 1)} examples/s, ${fmt(h.requestsPerS)} requests/s (${h.examples} in ${fmt(h.seconds, 2)} s; about ${fmt(h.requests / 3)} of them sent requests, the rest drew the actor as owner)`,
      NO_GOAL,
      NO_GOAL,
    ]);
    const r = requirementOf(peer.suite, peer.requirement);
    const rates = r ? requirementRates(r) : undefined;
    rows.push([
      `suite, ${peer.requirement} alone, ${peer.examples} runs (same container)`,
      r && rates
        ? `${fmt(rates.examplesPerS, 1)} examples/s, ${fmt(rates.requestsPerS)} requests/s, ${fmt(rates.requestsPerExample, 2)} requests/example (${r.numRuns} in ${seconds(r.durationMs, 2)}, ${r.status})`
        : `not run (${peer.suite.probe.targets[0]?.error ?? "no result"})`,
      NO_GOAL,
      NO_GOAL,
    ]);
    const ratio = examplesRatio(peer);
    rows.push([
      "suite / Hypothesis examples/s",
      times(ratio),
      `>= ${GOALS.examplesRatioMin}x`,
      met(ratio, { min: GOALS.examplesRatioMin }),
    ]);
  }
  const full = f.fullRun;
  rows.push([
    `full run, ${full.numRuns} cases per property, 1 target, boot included`,
    `${seconds(full.probe.wallMs)} (boot ${millis(full.probe.targets[0]?.bootMs)}, ${full.probe.targets[0]?.requests ?? "n/a"} requests, ${full.probe.targets[0]?.verdict ?? "n/a"})`,
    NO_GOAL,
    NO_GOAL,
  ]);
  const scaling = scalingRatio(f.scaling);
  const one = f.scaling.find((s) => s.targets === 1);
  const most = f.scaling.find((s) => s.targets === scaling.targets);
  rows.push([
    `${fmt(scaling.targets)} targets vs 1 in one run (${one?.numRuns ?? "n/a"} cases, --parallel = targets)`,
    `${seconds(most?.probe.wallMs)} / ${seconds(one?.probe.wallMs)} = ${times(scaling.ratio)}`,
    `<= ${GOALS.scalingRatioMax}x`,
    met(scaling.ratio, { max: GOALS.scalingRatioMax }),
  ]);
  const delayed = f.delayedRun;
  rows.push(
    delayed === undefined
      ? [
          "full run, BAIP_DELAY_MS=50, boot included",
          f.quick ? "skipped (--quick)" : "not measured",
          `<= ${GOALS.delayedRunMaxS} s`,
          "n/a",
        ]
      : [
          `full run, BAIP_DELAY_MS=${delayed.delayMs}, ${delayed.run.numRuns} cases per property, boot included`,
          `${seconds(delayed.run.probe.wallMs)} (${delayed.run.probe.targets[0]?.requests ?? "n/a"} requests, ${delayed.run.probe.targets[0]?.verdict ?? "n/a"})`,
          `<= ${GOALS.delayedRunMaxS} s`,
          met(delayed.run.probe.wallMs / 1000, { max: GOALS.delayedRunMaxS }),
        ],
  );
  rows.push([
    "suite peak RSS, full run / heap retained after it",
    `${mib(full.probe.rssPeak)} / ${mib(full.probe.heapAfterGc)}`,
    NO_GOAL,
    NO_GOAL,
  ]);
  rows.push([
    "target container peak memory, full run",
    mib(full.containers.peakBytes),
    NO_GOAL,
    NO_GOAL,
  ]);
  return rows;
}

/** Where one example's time goes: requests by method, time per example and per request. */
function peerBreakdown(peer: PeerFigures): string[] {
  const out: string[] = [];
  const r = requirementOf(peer.suite, peer.requirement);
  const h = peer.hypothesis;
  const rows: string[][] = [];
  if (!("error" in h)) {
    rows.push([
      "Hypothesis baseline",
      fmt(h.requests / h.examples, 2),
      "GET before + PATCH + GET after (none when the pair drawn is the actor itself)",
      fmt((1000 * h.seconds) / h.examples, 2),
      fmt((1000 * h.seconds) / Math.max(1, h.requests), 2),
    ]);
  }
  if (r) {
    rows.push([
      `suite ${peer.requirement}`,
      fmt(r.requests / Math.max(1, r.numRuns), 2),
      methodsText(r.methods, Math.max(1, r.numRuns)),
      fmt(r.durationMs / Math.max(1, r.numRuns), 2),
      fmt(r.durationMs / Math.max(1, r.requests), 2),
    ]);
  }
  for (const other of peer.suite.probe.targets[0]?.requirements ?? []) {
    if (other.id === peer.requirement) continue;
    rows.push([
      `suite ${other.id} (positive control, runs first)`,
      fmt(other.requests / Math.max(1, other.numRuns), 2),
      methodsText(other.methods, Math.max(1, other.numRuns)),
      fmt(other.durationMs / Math.max(1, other.numRuns), 2),
      fmt(other.durationMs / Math.max(1, other.requests), 2),
    ]);
  }
  if (rows.length === 0) return out;
  out.push(`Per example of ${peer.requirement}, on the same container:`);
  out.push("");
  out.push(table(["who", "requests/example", "which", "ms/example", "ms/request"], rows));
  out.push("");
  return out;
}

/**
 * The ten slowest requirements of a run. With `delayMs` (each request answered that
 * late), also how many requests were in flight on average: requests x delay / time.
 */
function slowest(target: ProbeOutput["targets"][number], what: string, delayMs?: number): string[] {
  const slow = [...target.requirements].sort((a, b) => b.durationMs - a.durationMs).slice(0, 10);
  const header = ["requirement", "time", "requests", "cases", "ms/request", "req/s"];
  if (delayMs !== undefined) header.push("in flight (requests x delay / time)");
  return [
    `Slowest requirements of ${what} (top 10 of ${target.requirements.length}):`,
    "",
    table(
      header,
      slow.map((r) => [
        r.id,
        millis(r.durationMs),
        String(r.requests),
        String(r.numRuns),
        fmt(r.durationMs / Math.max(1, r.requests), 1),
        fmt(r.requests / Math.max(0.001, r.durationMs / 1000)),
        ...(delayMs === undefined
          ? []
          : [fmt((r.requests * delayMs) / Math.max(1, r.durationMs), 2)]),
      ]),
    ),
    "",
  ];
}

export function formatReport(f: BenchFigures): string {
  const out: string[] = [];
  const m = f.machine;
  out.push(`# BAIP suite benchmark: flask-reference${f.quick ? " (--quick)" : ""}`);
  out.push("");
  out.push(
    `Machine: ${m.cpus} cores (${m.cpuModel}), ${(m.memoryBytes / 1024 ** 3).toFixed(1)} GiB, ` +
      `Node ${m.node}, ${m.platform}. Load average (1/5/15 min) at start ${m.loadStart.map((l) => l.toFixed(2)).join(" / ")}, ` +
      `at end ${m.loadEnd.map((l) => l.toFixed(2)).join(" / ")}` +
      (m.loadWait
        ? `; waited ${fmt(m.loadWait.waitedS)} s for a 1-min load below ${m.loadWait.below} (${m.loadWait.reached ? "reached" : "NOT reached: figures taken under load"})`
        : "") +
      `. Seed ${f.seed}. ${f.startedAt}.`,
  );
  out.push("");
  out.push(table(["figure", "measured", "goal", "met?"], goalRows(f)));
  out.push("");
  if (f.peer) out.push(...peerBreakdown(f.peer));

  const run = f.fullRun;
  const target = run.probe.targets[0];
  const rps = suiteRps(run.probe);
  const wrk1 = f.raw.find((r) => r.tool === "wrk" && r.connections === 1);
  const wrk4 = f.raw.find((r) => r.tool === "wrk" && r.connections === 4);
  const c = run.probe.connections;
  const rows: string[][] = [
    [
      "base image",
      f.images.base.source === "cached" ? "present (cached)" : `${f.images.base.source}`,
      seconds(f.images.base.ms, 2),
    ],
    [
      "target image build, cold (fresh tag, layers rebuilt)",
      `median of ${f.images.coldMs.length}`,
      seconds(median(f.images.coldMs), 2),
    ],
    [
      "target image, cached (resolveTargetImage)",
      `median of ${f.images.cachedMs.length}`,
      millis(median(f.images.cachedMs)),
    ],
    [
      "container boot (bootTarget -> TLS ready)",
      `median of ${f.boot.bootMs.length} (min ${millis(Math.min(...f.boot.bootMs))}, max ${millis(Math.max(...f.boot.bootMs))})`,
      millis(median(f.boot.bootMs)),
    ],
    [
      "container stop + removal",
      `median of ${f.boot.stopMs.length}`,
      millis(median(f.boot.stopMs)),
    ],
    [
      `full run, 1 target, ${run.numRuns} runs (wall of runConformance)`,
      `boot ${millis(target?.bootMs)}, verdict ${target?.verdict ?? "n/a"}`,
      seconds(run.probe.wallMs),
    ],
    [
      "requests issued / per second (boot excluded)",
      `${target?.requests ?? "n/a"} requests in ${seconds(target ? runMs(target) : Number.NaN)}`,
      `${fmt(rps)} req/s`,
    ],
    [
      "time waiting on the target (a request in flight)",
      `${fmt((100 * run.probe.httpWaitMs) / (target ? runMs(target) : Number.NaN))} % of the run`,
      seconds(run.probe.httpWaitMs),
    ],
    [
      "suite process CPU (user + system) / event-loop utilisation",
      `ELU ${fmt(run.probe.elu * 100)} %`,
      seconds(run.probe.cpuUserMs + run.probe.cpuSystemMs),
    ],
    [
      "new connections during the run",
      `undici TLS ${c.undiciTls}, undici plain ${c.undiciPlain}, raw TLS ${c.rawTls}, raw plain ${c.rawPlain}`,
      `${c.undiciRequests} undici requests`,
    ],
    ...f.raw.map((r) => [
      `${r.tool === "wrk" ? "raw capacity: wrk" : "suite client alone: TargetClient loop"}, GET /users/<own>, ${r.connections} conn`,
      `${r.requests} requests in ${r.durationS} s, ${fmt(r.latencyAvgMs, 2)} ms per request per connection${r.errors ? `, ${r.errors} errors` : ""}`,
      `${fmt(r.rps)} req/s`,
    ]),
    [
      "ratio suite req/s / wrk req/s",
      `1 conn: ${fmt(rps / (wrk1?.rps ?? Number.NaN), 2)}; 4 conn: ${fmt(rps / (wrk4?.rps ?? Number.NaN), 2)}`,
      fmt(rps / (wrk1?.rps ?? Number.NaN), 2),
    ],
    [
      "suite peak RSS during the full run",
      `start ${mib(run.probe.rssStart)}, heap used peak ${mib(run.probe.heapUsedPeak)}`,
      mib(run.probe.rssPeak),
    ],
    [
      "target container peak memory (cgroup max_usage)",
      `rss peak ${mib(run.containers.peakRssBytes)}, ${run.containers.containers} container(s)`,
      mib(run.containers.peakBytes),
    ],
  ];
  out.push(table(["measurement", "detail", "value"], rows));
  out.push("");

  if (target) out.push(...slowest(target, "the full run"));
  if (f.delayedRun) {
    const delayed = f.delayedRun.run.probe.targets[0];
    if (delayed)
      out.push(
        ...slowest(
          delayed,
          `the full run with BAIP_DELAY_MS=${f.delayedRun.delayMs}`,
          f.delayedRun.delayMs,
        ),
      );
  }

  out.push("Several targets in one run (copies of flask-reference, --parallel = targets):");
  out.push("");
  out.push(
    table(
      [
        "targets",
        "runs",
        "wall",
        "requests",
        "req/s (all targets)",
        "suite peak RSS",
        "container peak (max / sum)",
        "containers (max at once)",
        "verdicts",
        "load1 at start",
      ],
      f.scaling.map((s) => {
        const requests = s.probe.targets.reduce((sum, t) => sum + t.requests, 0);
        const verdicts = new Map<string, number>();
        for (const t of s.probe.targets)
          verdicts.set(t.verdict, (verdicts.get(t.verdict) ?? 0) + 1);
        return [
          String(s.targets),
          String(s.numRuns),
          seconds(s.probe.wallMs),
          String(requests),
          fmt(requests / (s.probe.wallMs / 1000)),
          mib(s.probe.rssPeak),
          `${mib(s.containers.peakBytes)} / ${mib(s.containers.sumPeakBytes)}`,
          `${s.containers.containers} (${s.containers.maxConcurrent})`,
          [...verdicts].map(([v, n]) => `${n} ${v}`).join(", "),
          fmt(s.load1, 2),
        ];
      }),
    ),
  );
  out.push("");

  out.push("Memory flatness, one target, whole catalogue:");
  out.push("");
  out.push(
    table(
      [
        "runs",
        "wall",
        "requests",
        "suite peak RSS",
        "heap used peak",
        "heap retained after the run (after GC)",
        "container peak",
        "load1 at start",
      ],
      f.flatness.map((s) => [
        String(s.numRuns),
        seconds(s.probe.wallMs),
        String(s.probe.targets[0]?.requests ?? "n/a"),
        mib(s.probe.rssPeak),
        mib(s.probe.heapUsedPeak),
        mib(s.probe.heapAfterGc),
        mib(s.containers.peakBytes),
        fmt(s.load1, 2),
      ]),
    ),
  );
  out.push("");
  return out.join("\n");
}
