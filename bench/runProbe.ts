// One measured `runConformance`, in a process of its own so that its memory peak is its
// own (a V8 heap seldom shrinks: a run measured after another would inherit its peak).
// bench.ts starts it as `node <tsx loader> bench/runProbe.ts '<json ProbeInput>'`; it
// prints one line `BENCH_PROBE <json ProbeOutput>` on stdout.
//
// Instrumentation, none of it in the code under measurement:
// - suite RSS sampled every 100 ms (process.memoryUsage.rss);
// - connections: undici's diagnostics channels (`undici:client:beforeConnect`,
//   `undici:client:connected`) and a counting wrapper around `tls.connect`, which both
//   undici's connector and the raw writer (harness/http/rawHttp.ts) call through the
//   module object; plain TCP connections from `net.client.socket`;
// - time spent waiting on the target: the union of the intervals during which at least
//   one HTTP request (undici: create -> trailers/error) or raw connection was open;
// - CPU time and event-loop utilisation of the process;
// - requests per HTTP method per requirement (one target only): the requirements run one
//   after the other, and the run's progress log says when each ends, so the requests
//   created since the previous line are that requirement's.
import dc from "node:diagnostics_channel";
import type net from "node:net";
import { performance } from "node:perf_hooks";
import tls from "node:tls";
import { runConformance } from "../suites/runner/runConformance.ts";
import { unionLength } from "./stats.ts";

export interface ProbeInput {
  targets: string[];
  numRuns: number;
  seed: number;
  parallel: number;
  runId: string;
  only?: string[];
  /** Passed on to runConformance (undefined: its default). */
  serial?: boolean;
}

export interface ProbeRequirement {
  id: string;
  status: string;
  durationMs: number;
  requests: number;
  numRuns: number;
  /** Requests the suite's HTTP client sent, by method (raw-socket requests not counted). */
  methods?: Record<string, number>;
}

export interface ProbeTarget {
  name: string;
  verdict: string;
  error?: string;
  bootMs?: number;
  durationMs: number;
  requests: number;
  requirements: ProbeRequirement[];
}

export interface ProbeOutput {
  wallMs: number;
  rssStart: number;
  rssPeak: number;
  heapUsedPeak: number;
  /**
   * Heap still used after the run once garbage is collected (bench.ts starts this with
   * --expose-gc): what the run retains, as opposed to what the collector had not yet freed.
   */
  heapAfterGc?: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** Event-loop utilisation over the run (0..1): share of time JS was running. */
  elu: number;
  /** Union of the intervals with an HTTP request or raw connection in flight (ms). */
  httpWaitMs: number;
  connections: {
    /** TLS connections undici opened (its keep-alive pool). */
    undiciTls: number;
    /** Plain connections undici opened (plaintext listener). */
    undiciPlain: number;
    /** TLS connections of the raw writer (one request each). */
    rawTls: number;
    /** Plain TCP connections of the raw writer (plaintext, plaintext-to-TLS-port). */
    rawPlain: number;
    undiciRequests: number;
  };
  targets: ProbeTarget[];
}

const input = JSON.parse(process.argv[2] ?? "{}") as ProbeInput;

const connections = { undiciTls: 0, undiciPlain: 0, rawTls: 0, rawPlain: 0, undiciRequests: 0 };
const intervals: Array<[number, number]> = [];
const openRequests = new WeakMap<object, number>();
let undiciConnecting = 0;

dc.subscribe("undici:client:beforeConnect", () => {
  undiciConnecting++;
});
dc.subscribe("undici:client:connected", (message) => {
  const protocol = (message as { connectParams?: { protocol?: string } }).connectParams?.protocol;
  if (protocol === "https:") connections.undiciTls++;
  else connections.undiciPlain++;
});
// Requests by method since the last requirement ended (see `log` below).
let methods: Record<string, number> = {};
const methodsByRequirement = new Map<string, Record<string, number>>();
const progressLine = /: ([A-Z]+-\d{2}) [a-z-]+ \(\d+ ms\)$/;
const log = (line: string) => {
  if (input.targets.length !== 1) return;
  const id = progressLine.exec(line)?.[1];
  if (id !== undefined) methodsByRequirement.set(id, methods);
  if (id !== undefined || line.includes(": ready in ")) methods = {};
};

dc.subscribe("undici:request:create", (message) => {
  connections.undiciRequests++;
  const method = (message as { request: { method?: string } }).request.method ?? "?";
  methods[method] = (methods[method] ?? 0) + 1;
  openRequests.set((message as { request: object }).request, performance.now());
});
const requestDone = (message: unknown) => {
  const request = (message as { request: object }).request;
  const started = openRequests.get(request);
  if (started === undefined) return;
  openRequests.delete(request);
  intervals.push([started, performance.now()]);
};
dc.subscribe("undici:request:trailers", requestDone);
dc.subscribe("undici:request:error", requestDone);

// undici's connector calls tls.connect / net.connect synchronously right after publishing
// beforeConnect: a connect with `undiciConnecting > 0` is undici's, any other the raw writer's.
const tlsConnect = tls.connect.bind(tls) as (...args: unknown[]) => tls.TLSSocket;
Object.assign(tls, {
  connect: (...args: unknown[]) => {
    const socket = tlsConnect(...args);
    if (undiciConnecting > 0) {
      undiciConnecting--;
    } else {
      connections.rawTls++;
      const started = performance.now();
      socket.once("close", () => intervals.push([started, performance.now()]));
    }
    return socket;
  },
});
dc.subscribe("net.client.socket", (message) => {
  const socket = (message as { socket: net.Socket }).socket;
  if (undiciConnecting > 0) {
    undiciConnecting--;
    return;
  }
  const started = performance.now();
  // The engine's unix socket (dockerode) has no remote port: not target traffic.
  socket.once("connect", () => {
    if (socket.remotePort === undefined) return;
    connections.rawPlain++;
    socket.once("close", () => intervals.push([started, performance.now()]));
  });
});

const rssStart = process.memoryUsage.rss();
let rssPeak = rssStart;
let heapUsedPeak = process.memoryUsage().heapUsed;
const sampler = setInterval(() => {
  rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  heapUsedPeak = Math.max(heapUsedPeak, process.memoryUsage().heapUsed);
}, 100);

const cpuBefore = process.cpuUsage();
const eluBefore = performance.eventLoopUtilization();
const started = performance.now();
const result = await runConformance({
  targets: input.targets,
  numRuns: input.numRuns,
  seed: input.seed,
  parallel: input.parallel,
  runId: input.runId,
  ...(input.only ? { only: input.only } : {}),
  ...(input.serial !== undefined ? { serial: input.serial } : {}),
  log,
});
const wallMs = performance.now() - started;
clearInterval(sampler);
rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
const cpu = process.cpuUsage(cpuBefore);
const gc = (globalThis as { gc?: () => void }).gc;
let heapAfterGc: number | undefined;
if (gc !== undefined) {
  gc();
  gc();
  heapAfterGc = process.memoryUsage().heapUsed;
}

const output: ProbeOutput = {
  wallMs: Math.round(wallMs),
  rssStart,
  rssPeak,
  heapUsedPeak,
  ...(heapAfterGc === undefined ? {} : { heapAfterGc }),
  cpuUserMs: Math.round(cpu.user / 1000),
  cpuSystemMs: Math.round(cpu.system / 1000),
  elu: Math.round(performance.eventLoopUtilization(eluBefore).utilization * 1000) / 1000,
  httpWaitMs: Math.round(unionLength(intervals)),
  connections,
  targets: result.targets.map((t) => ({
    name: t.name,
    verdict: t.verdict,
    ...(t.error === undefined ? {} : { error: t.error.split("\n")[0] }),
    ...(t.bootMs === undefined ? {} : { bootMs: t.bootMs }),
    durationMs: t.durationMs,
    requests: t.requests,
    requirements: t.requirements.map((r) => ({
      id: r.id,
      status: r.status,
      durationMs: r.durationMs,
      requests: r.requests,
      numRuns: r.numRuns,
      ...(methodsByRequirement.has(r.id) ? { methods: methodsByRequirement.get(r.id) } : {}),
    })),
  })),
};
process.stdout.write(`BENCH_PROBE ${JSON.stringify(output)}\n`);
