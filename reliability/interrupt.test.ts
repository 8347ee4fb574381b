// SIGINT and SIGTERM during a run of the CLI: it stops the target, writes a partial report
// (`interrupted: true`) and exits 2, promptly, leaving no container and no temporary files;
// a second signal forces the exit, and still removes only this run's containers.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDocker } from "../harness/engine/ensureEngine.ts";
import { BASE_IMAGE } from "../harness/images/baseImage.ts";
import { loadManifest } from "../harness/manifest/load.ts";
import { labelsFor } from "../harness/target/labels.ts";
import { resolveTargetImage } from "../harness/target/targetImage.ts";
import {
  type CliRun,
  cliEnv,
  cliTempDir,
  FAULTS,
  harnessTempFiles,
  labelledContainers,
  REFERENCE,
  readRun,
  removeDir,
  requireEngine,
  runCli,
  runIdFor,
  SEED,
  tempDir,
} from "./helpers.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await removeDir(dir);
});

beforeAll(async () => {
  requireEngine();
  for (const dir of [REFERENCE, join(FAULTS, "never-ready")]) {
    const { manifest, dir: folder } = await loadManifest(dir);
    await resolveTargetImage(manifest, folder);
  }
}, 600_000);

interface Interrupted {
  run: CliRun;
  runId: string;
  out: string;
  tmp: string;
  /** From the (first) signal to the CLI's exit, ms. */
  afterSignalMs: number;
}

/**
 * Runs the CLI on `target` (many cases, so it is still running) and sends `signals`,
 * 150 ms apart, once a stderr line matches `when` (plus `delayMs`).
 */
async function interrupt(
  name: string,
  target: string,
  when: RegExp,
  signals: NodeJS.Signals[],
  delayMs = 0,
): Promise<Interrupted> {
  const runId = runIdFor(name);
  const tmp = await cliTempDir(`${name}-tmp`);
  const out = await tempDir(`${name}-out`);
  dirs.push(tmp, out);
  let signalledAt: number | undefined;
  const run = await runCli(["run", target, "--runs", "500", "--seed", String(SEED), "-o", out], {
    env: cliEnv(runId, tmp),
    killAfterMs: 90_000,
    onStderrLine: (line, child) => {
      if (signalledAt !== undefined || !when.test(line)) return;
      signalledAt = performance.now();
      signals.forEach((signal, i) => {
        setTimeout(() => child.kill(signal), delayMs + i * 150);
      });
    },
  });
  expect(signalledAt, `no line matched ${when}:\n${run.stderr}`).toBeDefined();
  const afterSignalMs = performance.now() - signalledAt! - delayMs;
  return { run, runId, out, tmp, afterSignalMs };
}

async function expectNothingLeft({ runId, tmp, run }: Interrupted): Promise<void> {
  expect(await labelledContainers(runId), run.stderr).toEqual([]);
  expect(await harnessTempFiles(tmp)).toEqual([]);
}

describe.concurrent("signals during a run", () => {
  it.each(["SIGINT", "SIGTERM"] as const)(
    "%s once the target is ready: exit 2, partial report with interrupted: true, nothing left",
    async (signal) => {
      const result = await interrupt(
        `signal-${signal}`,
        REFERENCE,
        /^flask-reference: ready in \d+ ms/,
        [signal],
      );
      const { run, out } = result;
      console.log(
        `${signal} after boot: exit ${run.code} ${Math.round(result.afterSignalMs)} ms after the signal`,
      );
      expect(run.signal, run.stderr).toBeNull(); // exited by itself, not killed
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(`${signal}: stopping targets and writing a partial report`);
      // Prompt: nothing (a timer, a socket) keeps the process alive once the report is written.
      expect(result.afterSignalMs).toBeLessThan(5_000);
      const report = await readRun(out);
      expect(report.interrupted).toBe(true);
      expect(report.targets[0]?.verdict).toBe("INCONCLUSIVE");
      expect(report.targets[0]?.error).toBe("run interrupted");
      for (const file of ["junit.xml", "conformance.sarif", "report.html", "summary.md"])
        expect(existsSync(join(out, file)), file).toBe(true);
      await expectNothingLeft(result);
    },
  );

  it("SIGINT while the target is still booting: exit 2, partial report, nothing left", async () => {
    const result = await interrupt(
      "signal-booting",
      join(FAULTS, "never-ready"),
      /^fault-never-ready: booting/,
      ["SIGINT"],
      1_500,
    );
    const { run, out } = result;
    console.log(
      `SIGINT during boot: exit ${run.code} ${Math.round(result.afterSignalMs)} ms after the signal`,
    );
    expect(run.signal, run.stderr).toBeNull();
    expect(run.code, run.stderr).toBe(2);
    expect(result.afterSignalMs).toBeLessThan(5_000);
    const report = await readRun(out);
    expect(report.interrupted).toBe(true);
    expect(report.targets[0]?.verdict).toBe("INCONCLUSIVE");
    await expectNothingLeft(result);
  });

  it("a second SIGINT forces the exit and removes this run's containers, not other runs'", async () => {
    // A container of another run (as a concurrent CLI on the same engine would have).
    const docker = await getDocker();
    const otherRun = runIdFor("signal-bystander");
    const bystander = await docker.createContainer({
      Image: BASE_IMAGE,
      Cmd: ["true"],
      Labels: labelsFor(otherRun, "bystander"),
    });
    try {
      const result = await interrupt(
        "signal-twice",
        REFERENCE,
        /^flask-reference: ready in \d+ ms/,
        ["SIGINT", "SIGINT"],
      );
      console.log(
        `SIGINT twice: exit ${result.run.code} ${Math.round(result.afterSignalMs)} ms after the first`,
      );
      expect(result.run.signal, result.run.stderr).toBeNull();
      expect(result.run.code, result.run.stderr).toBe(2);
      expect(result.afterSignalMs).toBeLessThan(5_000);
      await expectNothingLeft(result);
      expect(await labelledContainers(otherRun)).toHaveLength(1);
    } finally {
      await bystander.remove({ force: true });
    }
  });
});
