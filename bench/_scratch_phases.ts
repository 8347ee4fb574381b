import { runConformance } from "../suites/runner/runConformance.ts";
import { RunContext } from "../suites/runner/suiteContext.ts";

const acc: Record<string, { n: number; ms: number; req: number }> = {};
let depth = 0;
function wrap(name: "snapshot" | "restore" | "readBack") {
  const proto = RunContext.prototype as any;
  const orig = proto[name];
  proto[name] = async function (this: any, ...args: unknown[]) {
    const top = depth === 0;
    depth++;
    const t0 = performance.now();
    const r0 = this.totalRequestsProbe ?? 0;
    const before = (this as any).totalRequests;
    try {
      return await orig.apply(this, args);
    } finally {
      depth--;
      const e = (acc[name] ??= { n: 0, ms: 0, req: 0 });
      e.n++;
      e.req += (this as any).totalRequests - before;
      if (top) e.ms += performance.now() - t0;
      else {
        const k = name + " (nested)";
        (acc[k] ??= { n: 0, ms: 0, req: 0 }).n++;
      }
      void r0;
    }
  };
}
wrap("snapshot");
wrap("restore");
const only = process.argv[2] && process.argv[2] !== "all" ? process.argv[2].split(",") : undefined;
const t0 = performance.now();
const r = await runConformance({
  targets: ["targets/flask-reference"],
  numRuns: Number(process.argv[3] ?? 25),
  seed: 20261128,
  parallel: 1,
  runId: `ph-${process.pid}`,
  ...(only ? { only } : {}),
});
const t = r.targets[0]!;
console.log(
  "wall",
  Math.round(performance.now() - t0),
  "run",
  t.durationMs - (t.bootMs ?? 0),
  "requests",
  t.requests,
);
for (const [k, v] of Object.entries(acc))
  console.log(k, v.n, "calls", Math.round(v.ms), "ms", v.req, "requests");
