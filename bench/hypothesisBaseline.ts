// The peer baseline: the AUTHZ-02-style property a Python user would write by hand with
// Hypothesis and requests (shared/bench/hypothesis_baseline.py, kept outside the
// project), run against a target the benchmark booted. Its docstring sets the interface:
// env BASE, CA, USERS, N; one printed line with examples/s and requests/s.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { aptInstall } from "../harness/engine/ensureEngine.ts";

const execFileP = promisify(execFile);

export interface BaselineFigures {
  script: string;
  python: string;
  examples: number;
  seconds: number;
  examplesPerS: number;
  requestsPerS: number;
  /** requests/s times the duration: the script prints no count. */
  requests: number;
  /** Its printed line, as it was. */
  line: string;
}

/**
 * Where the peer's script is: `--hypothesis-script FILE`, else the file named by
 * BAIP_HYPOTHESIS_BASELINE. The peer is the user's own hand-written property (the one a
 * team would write instead of using this suite), so it is not part of the package.
 */
export function defaultBaselineScript(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env.BAIP_HYPOTHESIS_BASELINE;
  return file === undefined || file === "" ? undefined : resolve(file);
}

/**
 * `hypothesis baseline: 500 examples in 4.21 s = 119 examples/s, 301 requests/s`.
 * Examples/s is recomputed from the count and the duration (the line rounds it).
 */
export function parseBaselineLine(
  stdout: string,
): Pick<BaselineFigures, "examples" | "seconds" | "examplesPerS" | "requestsPerS" | "line"> {
  const match =
    /^.*?(\d+) examples in ([\d.]+) s = ([\d.]+) examples\/s, ([\d.]+) requests\/s.*$/m.exec(
      stdout,
    );
  if (match === null)
    throw new Error(`the Hypothesis baseline printed no figures: ${stdout.trim().slice(-300)}`);
  const examples = Number(match[1]);
  const seconds = Number(match[2]);
  return {
    examples,
    seconds,
    examplesPerS: seconds > 0 ? examples / seconds : Number.NaN,
    requestsPerS: Number(match[4]),
    line: match[0].trim(),
  };
}

const canRun = (python: string) =>
  execFileP(python, ["-c", "import hypothesis, requests"]).then(
    () => true,
    () => false,
  );

/**
 * A python3 that imports hypothesis and requests: the one on PATH, else Debian's with
 * python3-hypothesis and python3-requests (installed when missing).
 */
export async function ensureHypothesisPython(): Promise<string> {
  for (const python of ["python3", "/usr/bin/python3"]) if (await canRun(python)) return python;
  await aptInstall(
    ["python3-hypothesis", "python3-requests"],
    join(tmpdir(), "baip-bench-apt.log"),
  );
  if (await canRun("/usr/bin/python3")) return "/usr/bin/python3";
  throw new Error("no python3 with hypothesis and requests, even after apt-get install");
}

export async function runBaseline(options: {
  script: string;
  python: string;
  baseUrl: string;
  caFile: string;
  usersFile: string;
  examples: number;
  /** Hypothesis writes a .hypothesis folder where it runs: a temporary folder, not the work tree. */
  cwd: string;
}): Promise<BaselineFigures> {
  if (!existsSync(options.script))
    throw new Error(`${options.script} not found (pass --hypothesis-script FILE)`);
  const { stdout } = await execFileP(options.python, [options.script], {
    env: {
      ...process.env,
      BASE: options.baseUrl,
      CA: options.caFile,
      USERS: options.usersFile,
      N: String(options.examples),
      // A proxy in the environment must not carry loopback traffic (the script sets
      // trust_env = False on its session; this covers the rest).
      NO_PROXY: "127.0.0.1,localhost",
    },
    cwd: options.cwd,
    timeout: 15 * 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const parsed = parseBaselineLine(stdout);
  return {
    script: options.script,
    python: options.python,
    ...parsed,
    requests: Math.round(parsed.requestsPerS * parsed.seconds),
  };
}
