// The suite survives faulty targets (targets/faults/): each run ends within a bound, with
// a verdict that is INCONCLUSIVE and names the cause (never a hang, never a crash of the
// tool, never a false CONFORMANT or NON-CONFORMANT), its reports are written, and no
// container of the run is left behind. A faulty target run beside the reference does not
// change the reference's verdict.
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadManifest } from "../harness/manifest/load.ts";
import { removeLabelledContainers } from "../harness/target/cleanup.ts";
import { resolveTargetImage } from "../harness/target/targetImage.ts";
import { REPORT_FILE_NAMES, writeReports } from "../reports/writeReports.ts";
import type { RunResult, TargetResult } from "../suites/result.ts";
import { runConformance } from "../suites/runner/runConformance.ts";
import {
  cliEnv,
  cliTempDir,
  FAULTS,
  harnessTempFiles,
  labelledContainers,
  lines,
  REFERENCE,
  readRun,
  removeDir,
  requireEngine,
  runCli,
  runIdFor,
  SEED,
  tempDir,
} from "./helpers.ts";

/** Bound on one fault run, boot included (images are built beforehand). */
const RUN_BOUND_MS = 90_000;

interface FaultCase {
  folder: string;
  /** What the target's error must say: the cause, in words a user can act on. */
  cause: RegExp;
}

const FAULT_CASES: FaultCase[] = [
  {
    folder: "hang-on-api",
    cause: /^the target stopped answering: GET \S+ -> TIMEOUT .*health check .* got no response/,
  },
  {
    folder: "slow-drip",
    cause: /^the target stopped answering: GET \S+ -> TIMEOUT .*health check .* got no response/,
  },
  {
    folder: "cut-off-response",
    cause: /^the target stopped answering: GET \S+ -> ECONNRESET .*health check/,
  },
  {
    folder: "malformed-http",
    cause: /^the target stopped answering: GET \S+ -> PROTOCOL_ERROR .*health check/,
  },
  {
    folder: "crash-mid-run",
    cause:
      /^the target died during the run: container [0-9a-f]{12} exited with exit code 70, after \d+ requests[^\n]*\n--- last log lines of the target ---\n[\s\S]*crashing on request/,
  },
  {
    folder: "oom-mid-run",
    cause:
      /^the target died during the run: container [0-9a-f]{12} exited with exit code 137 \(killed: out of memory\)/,
  },
  {
    folder: "never-ready",
    cause:
      /^target fault-never-ready \(container [0-9a-f]{12}\) did not boot: TLS port 8443 \(host 127\.0\.0\.1:\d+\) not ready after 5000 ms/,
  },
];

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await removeDir(dir);
});

beforeAll(async () => {
  requireEngine();
  // Build every image first (one at a time, under the build lock), so that the time
  // bounds below measure boots and runs, not builds.
  for (const folder of [...FAULT_CASES.map((c) => c.folder), "slow-every-10th"]) {
    const { manifest, dir } = await loadManifest(join(FAULTS, folder));
    await resolveTargetImage(manifest, dir);
  }
  const reference = await loadManifest(REFERENCE);
  await resolveTargetImage(reference.manifest, reference.dir);
}, 600_000);

/** One programmatic run, timed, with its reports written and its leftovers listed. */
async function runTimed(
  name: string,
  targets: string[],
  extra: { only?: string[]; targetTimeoutMs?: number; parallel?: number } = {},
) {
  const runId = runIdFor(name);
  const out = await tempDir(name);
  dirs.push(out);
  const log: Array<{ at: number; line: string }> = [];
  const started = performance.now();
  let leftovers: string[] = [];
  try {
    const result = await runConformance({
      targets,
      numRuns: 3,
      seed: SEED,
      runId,
      parallel: extra.parallel ?? 1,
      targetTimeoutMs: extra.targetTimeoutMs ?? 60_000,
      ...(extra.only ? { only: extra.only } : {}),
      log: (line) => log.push({ at: performance.now(), line }),
    });
    const end = performance.now();
    const ms = end - started;
    leftovers = await labelledContainers(runId);
    const written = await writeReports(result, out);
    return { result, ms, end, out, written, leftovers, log };
  } finally {
    // If anything stayed, the test's assertion says so; this keeps the next tests clean.
    if (leftovers.length > 0) await removeLabelledContainers(runId);
  }
}

function only(result: RunResult): TargetResult {
  expect(result.targets).toHaveLength(1);
  return result.targets[0]!;
}

describe.concurrent("fault targets", () => {
  it.each(FAULT_CASES)(
    "$folder: bounded, INCONCLUSIVE naming the cause, reports written, nothing left",
    async ({ folder, cause }) => {
      const { result, ms, out, written, leftovers } = await runTimed(folder, [
        join(FAULTS, folder),
      ]);
      const target = only(result);
      console.log(
        `fault ${folder}: ${target.verdict} in ${(ms / 1000).toFixed(1)} s (boot ${target.bootMs ?? "-"} ms, ${target.requests} requests)`,
      );
      expect(ms).toBeLessThan(RUN_BOUND_MS);
      expect(target.verdict).toBe("INCONCLUSIVE");
      expect(target.error).toMatch(cause);
      // Requirements that could not run say why, in one line.
      for (const r of target.requirements.filter((r) => r.status === "inconclusive")) {
        expect(r.reason, r.id).toBeTruthy();
        expect(r.reason, r.id).not.toContain("\n");
      }
      expect(result.interrupted).toBe(false);
      expect(leftovers).toEqual([]);
      expect(written).toHaveLength(Object.keys(REPORT_FILE_NAMES).length);
      const json = await readRun(out);
      expect(json.targets[0]?.verdict).toBe("INCONCLUSIVE");
      expect(json.targets[0]?.error).toBe(target.error);
      expect(await readFile(join(out, "junit.xml"), "utf8")).toContain(`fault-${folder}`);
    },
  );

  it("huge-body: 50 MiB answers are read up to the cap, judged, and kept small in reports", async () => {
    // The point is the size of the answers, not coverage: a few requirements suffice.
    const { result, ms, out, leftovers } = await runTimed(
      "huge-body",
      [join(FAULTS, "huge-body")],
      { only: ["AUTHN-01", "AUTHN-02", "AUTHZ-05", "INPUT-04", "TLS-05", "CACHE-01"] },
    );
    const target = only(result);
    console.log(
      `fault huge-body: ${target.verdict} in ${(ms / 1000).toFixed(1)} s (${target.requests} requests)${target.error ? `: ${target.error}` : ""}`,
    );
    expect(ms).toBeLessThan(RUN_BOUND_MS);
    expect(leftovers).toEqual([]);
    // It answers 200 with 50 MiB to everything: a failed MUST (unauthenticated requests
    // succeed), or, if the run had to stop first, records that cannot be read back.
    const failedMust = target.requirements.filter(
      (r) => r.status === "failed" && r.meta.level === "MUST",
    );
    if (target.verdict === "INCONCLUSIVE") {
      expect(target.error).toMatch(
        /^cannot read back user \S+ as its owner \(200 with a body over the size cap, truncated\)/,
      );
    } else {
      expect(target.verdict).toBe("NON-CONFORMANT");
      expect(failedMust.length).toBeGreaterThan(0);
    }
    // Transcripts show the answer truncated, and keep a small part of it.
    const responses = target.requirements.flatMap(
      (r) =>
        r.failures?.flatMap((f) => f.transcript.flatMap((e) => (e.response ? [e.response] : []))) ??
        [],
    );
    for (const response of responses) {
      expect(response.bodyTruncated).toBe(true);
      expect(response.body.length).toBeLessThanOrEqual(16 * 1024);
    }
    for (const file of Object.values(REPORT_FILE_NAMES)) {
      expect((await stat(join(out, file))).size, file).toBeLessThan(2 * 1024 * 1024);
    }
  });

  it("slow-every-10th: answers are slow but right, so the run ends CONFORMANT", async () => {
    const { result, ms, leftovers } = await runTimed(
      "slow-conformant",
      [join(FAULTS, "slow-every-10th")],
      { only: ["AUTHN-01", "AUTHN-02"] },
    );
    const target = only(result);
    console.log(
      `fault slow-every-10th (AUTHN-01, AUTHN-02): ${target.verdict} in ${(ms / 1000).toFixed(1)} s, ${target.requests} requests`,
    );
    expect(target.error).toBeUndefined();
    expect(
      target.verdict,
      JSON.stringify(target.requirements.map((r) => [r.id, r.status, r.reason])),
    ).toBe("CONFORMANT");
    // About every 10th request of these sleeps 3 s: the run waited for them, and ended.
    expect(target.durationMs - (target.bootMs ?? 0)).toBeGreaterThan(3_000);
    expect(ms).toBeLessThan(RUN_BOUND_MS);
    expect(leftovers).toEqual([]);
  });

  it("slow-every-10th: --target-timeout bounds the run, which ends INCONCLUSIVE at once", async () => {
    const { result, leftovers, log, end } = await runTimed(
      "slow-deadline",
      [join(FAULTS, "slow-every-10th")],
      { targetTimeoutMs: 4_000 },
    );
    const target = only(result);
    // From readiness (where the deadline starts) to the run's end, container removal included.
    const ready = log.find((l) => l.line.includes(": ready in "))!.at;
    const overshoot = end - ready - 4_000;
    console.log(
      `fault slow-every-10th, --target-timeout 4: ${target.verdict}, ended ${Math.round(overshoot)} ms after the deadline`,
    );
    expect(target.verdict).toBe("INCONCLUSIVE");
    expect(target.error).toBe("the target's run exceeded 4000 ms (--target-timeout)");
    // The request in flight at the deadline (a 3 s sleep, a 10 s request timeout) is
    // not waited for.
    expect(overshoot).toBeLessThan(2_500);
    // The requirement running at the deadline stops there, and says so.
    const cut = target.requirements.find((r) => r.id === "AUTHN-01");
    expect(cut?.status).toBe("inconclusive");
    expect(cut?.reason).toBe("run interrupted");
    expect(leftovers).toEqual([]);
  });

  it("a faulty target beside the reference (--parallel 2) leaves the reference CONFORMANT", async () => {
    const { result, ms, leftovers, log } = await runTimed(
      "beside-reference",
      [join(FAULTS, "hang-on-api"), REFERENCE],
      { parallel: 2 },
    );
    const [fault, reference] = result.targets;
    console.log(
      `hang-on-api + flask-reference: ${fault?.verdict} / ${reference?.verdict} in ${(ms / 1000).toFixed(1)} s`,
    );
    expect(fault?.name).toBe("fault-hang-on-api");
    expect(fault?.verdict).toBe("INCONCLUSIVE");
    expect(reference?.name).toBe("flask-reference");
    expect(reference?.error).toBeUndefined();
    expect(reference?.verdict).toBe("CONFORMANT");
    expect(reference?.requirements.every((r) => ["passed", "skipped"].includes(r.status))).toBe(
      true,
    );
    // They were in flight at the same time: each started booting before the other's end.
    const first = (name: string) => log.find((l) => l.line.startsWith(`${name}: `))!.at;
    const last = (name: string) => log.filter((l) => l.line.startsWith(`${name}: `)).at(-1)!.at;
    expect(first("fault-hang-on-api")).toBeLessThan(last("flask-reference"));
    expect(first("flask-reference")).toBeLessThan(last("fault-hang-on-api"));
    expect(ms).toBeLessThan(RUN_BOUND_MS);
    expect(leftovers).toEqual([]);
  });

  it("through the CLI: a crashing target exits 2, says why in one line, writes every report, leaves nothing", async () => {
    const runId = runIdFor("cli-crash");
    const tmp = await cliTempDir("cli-crash-tmp");
    const out = await tempDir("cli-crash-out");
    dirs.push(tmp, out);
    const run = await runCli(
      [
        "run",
        join(FAULTS, "crash-mid-run"),
        "--runs",
        "3",
        "--seed",
        String(SEED),
        "--target-timeout",
        "60",
        "-o",
        out,
      ],
      { env: cliEnv(runId, tmp), killAfterMs: RUN_BOUND_MS },
    );
    console.log(`CLI on crash-mid-run: exit ${run.code} in ${(run.ms / 1000).toFixed(1)} s`);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(2);
    expect(run.ms).toBeLessThan(RUN_BOUND_MS);
    const verdicts = lines(run.stdout).filter((l) => l.startsWith("INCONCLUSIVE"));
    expect(verdicts, run.stdout).toHaveLength(1);
    expect(verdicts[0], `${run.stdout}\n${run.stderr}`).toMatch(
      /^INCONCLUSIVE +fault-crash-mid-run +\(the target died during the run: container [0-9a-f]{12} exited with exit code 70, after \d+ requests .*\)$/,
    );
    expect(run.stderr).toMatch(
      /^fault-crash-mid-run: INCONCLUSIVE: the target died during the run/m,
    );
    expect(run.stderr).not.toMatch(/Error:|at .*\.ts:\d+/); // no stack trace
    for (const file of Object.values(REPORT_FILE_NAMES))
      expect(existsSync(join(out, file)), file).toBe(true);
    expect((await readRun(out)).targets[0]?.verdict).toBe("INCONCLUSIVE");
    expect(await labelledContainers(runId)).toEqual([]);
    // The run's certificates and users.json folder are removed too (lock folders and the
    // caches of tsx and testcontainers may stay).
    expect(await harnessTempFiles(tmp)).toEqual([]);
  });
});
