// Several targets in one run, at the same time, without crosstalk: each has its own
// container and port, requests go to the right one, and each result is its own.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadManifest } from "../harness/manifest/load.ts";
import { removeLabelledContainers } from "../harness/target/cleanup.ts";
import { resolveTargetImage } from "../harness/target/targetImage.ts";
import { runConformance } from "../suites/runner/runConformance.ts";
import { labelledContainers, REFERENCE, ROOT, requireEngine, runIdFor, SEED } from "./helpers.ts";

const COMPLIANT = join(ROOT, "targets", "compliant-404-422");

beforeAll(async () => {
  requireEngine();
  for (const dir of [REFERENCE, COMPLIANT]) {
    const { manifest, dir: folder } = await loadManifest(dir);
    await resolveTargetImage(manifest, folder);
  }
}, 600_000);

describe("two targets with --parallel 2", () => {
  it("run at once on distinct ports, each judged on its own, nothing left", async () => {
    const runId = runIdFor("parallel");
    const log: Array<{ at: number; line: string }> = [];
    const started = performance.now();
    const run = await runConformance({
      targets: [REFERENCE, COMPLIANT],
      numRuns: 3,
      seed: SEED,
      runId,
      parallel: 2,
      targetTimeoutMs: 60_000,
      log: (line) => log.push({ at: performance.now(), line }),
    }).finally(async () => {
      const left = await labelledContainers(runId);
      if (left.length > 0) await removeLabelledContainers(runId);
      expect(left, "containers left behind").toEqual([]);
    });
    const ms = performance.now() - started;
    console.log(`flask-reference + compliant-404-422 in parallel: ${(ms / 1000).toFixed(1)} s`);

    const [reference, compliant] = run.targets;
    expect(reference?.name).toBe("flask-reference");
    expect(compliant?.name).toBe("compliant-404-422");
    for (const t of [reference, compliant]) {
      expect(t?.error, t?.name).toBeUndefined();
      expect(t?.verdict, t?.name).toBe("CONFORMANT");
      expect(t?.requests, t?.name).toBeGreaterThan(100);
    }

    // Each on its own port.
    const port = (name: string) => {
      const ready = log.find((l) => l.line.startsWith(`${name}: ready in `));
      expect(ready, `${name} never became ready`).toBeDefined();
      return /127\.0\.0\.1:(\d+)$/.exec(ready!.line)?.[1];
    };
    const ports = [port("flask-reference"), port("compliant-404-422")];
    expect(ports[0]).toBeDefined();
    expect(ports[1]).toBeDefined();
    expect(ports[0]).not.toBe(ports[1]);

    // At the same time: each started before the other's last line.
    const first = (name: string) => log.find((l) => l.line.startsWith(`${name}: `))!.at;
    const last = (name: string) => log.filter((l) => l.line.startsWith(`${name}: `)).at(-1)!.at;
    expect(first("flask-reference")).toBeLessThan(last("compliant-404-422"));
    expect(first("compliant-404-422")).toBeLessThan(last("flask-reference"));

    // Separate results: the reference has a plaintext listener (8080, refused), the
    // variant declares none, so TLS-01 is judged for one and skipped for the other.
    const tls01 = (t: typeof reference) => t?.requirements.find((r) => r.id === "TLS-01")?.status;
    expect(tls01(reference)).toBe("passed");
    expect(tls01(compliant)).toBe("skipped");
    expect(ms).toBeLessThan(90_000);
  });
});
