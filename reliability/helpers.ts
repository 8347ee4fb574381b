// Shared by the reliability tests: the CLI as a child process, the engine's view of what a
// run left behind, and per-test run ids and temporary folders.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { getDocker } from "../harness/engine/ensureEngine.ts";
import { LABEL, LABEL_RUN } from "../harness/target/labels.ts";
import type { RunResult } from "../suites/result.ts";

export const ROOT = join(import.meta.dirname, "..");
export const FAULTS = join(ROOT, "targets", "faults");
export const REFERENCE = join(ROOT, "targets", "flask-reference");
/** Fixed, so that a failing reliability test replays with the same identities and cases. */
export const SEED = 20260607;

/** Fails the test at once, with the cause, when the global setup found no engine. */
export function requireEngine(): void {
  const engineError = inject("baipEngineError");
  if (engineError !== null) throw new Error(engineError);
}

/** A run id of this test session (removed by the global teardown if a test leaks). */
export function runIdFor(name: string): string {
  return `${inject("baipRunId")}-rel-${name}`;
}

/** Containers of one run still known to the engine, running or not. */
export async function labelledContainers(runId: string): Promise<string[]> {
  const docker = await getDocker();
  const found = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`${LABEL}=1`, `${LABEL_RUN}=${runId}`] }),
  });
  return found.map((c) => `${c.Id.slice(0, 12)} ${c.Labels?.["baip.target"] ?? ""} ${c.State}`);
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `baip-rel-${prefix}-`));
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}

/** What is left in a folder (the CLI's TMPDIR must be empty after any run). */
export async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

export async function readRun(outDir: string): Promise<RunResult> {
  return JSON.parse(await readFile(join(outDir, "conformance.json"), "utf8")) as RunResult;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, ms. */
  ms: number;
}

export interface CliOptions {
  env?: Record<string, string>;
  /** Kill (SIGKILL) the CLI if it has not exited by then: a hang fails the test, never the suite. */
  killAfterMs?: number;
  /** Called with each stderr line as it arrives (progress lines), and the child. */
  onStderrLine?: (line: string, child: ReturnType<typeof spawn>) => void;
}

/** `node bin/conformance.mjs ...args` from the repository root. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, "bin", "conformance.mjs"), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let partial = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    stderr += text;
    partial += text;
    const lines = partial.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) options.onStderrLine?.(line, child);
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), options.killAfterMs ?? 120_000);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/**
 * A TMPDIR for one CLI child, so that what the run leaves there can be listed. tsx keeps
 * its compile cache in TMPDIR: the shared cache is linked in, or every child would
 * compile the whole tool again (seconds of CPU each).
 */
export async function cliTempDir(prefix: string): Promise<string> {
  const dir = await tempDir(prefix);
  const cache = `tsx-${process.getuid?.() ?? 0}`;
  await mkdir(join(tmpdir(), cache), { recursive: true });
  await symlink(join(tmpdir(), cache), join(dir, cache));
  return dir;
}

/** Env for a CLI child: its own run id (container labels) and its own TMPDIR. */
export function cliEnv(runId: string, tmp: string): Record<string, string> {
  return { BAIP_RUN_ID: runId, TMPDIR: tmp };
}

/** Files the harness makes per target (certificates, users.json), left in a TMPDIR. */
export async function harnessTempFiles(tmp: string): Promise<string[]> {
  return (await entries(tmp)).filter((e) => /^baip-(files|pki)-/.test(e));
}

/** Non-empty lines of a stream. */
export function lines(text: string): string[] {
  return text.split("\n").filter((l) => l.trim() !== "");
}
