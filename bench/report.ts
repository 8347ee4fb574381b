// The benchmark's figures and their Markdown rendering, a pure function of the figures
// (the same ones `--json` writes). Measurements only: no figure is judged.
import type { ContainerMemory } from "./containerMemory.ts";
import type { LoadFigures } from "./rawCapacity.ts";
import type { ProbeOutput } from "./runProbe.ts";
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
  fullRun: ProbeFigures;
  scaling: ProbeFigures[];
  flatness: ProbeFigures[];
}

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

export function formatReport(f: BenchFigures): string {
  const out: string[] = [];
  const m = f.machine;
  out.push(`# BAIP/1 suite benchmark: flask-reference${f.quick ? " (--quick)" : ""}`);
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

  if (target) {
    out.push(`Slowest requirements of the full run (top 10 of ${target.requirements.length}):`);
    out.push("");
    const slow = [...target.requirements].sort((a, b) => b.durationMs - a.durationMs).slice(0, 10);
    out.push(
      table(
        ["requirement", "time", "requests", "cases", "ms/request", "req/s"],
        slow.map((r) => [
          r.id,
          millis(r.durationMs),
          String(r.requests),
          String(r.numRuns),
          fmt(r.durationMs / Math.max(1, r.requests), 1),
          fmt(r.requests / Math.max(0.001, r.durationMs / 1000)),
        ]),
      ),
    );
    out.push("");
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
