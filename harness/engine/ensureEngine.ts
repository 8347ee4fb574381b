// Find a reachable Docker engine, or (on a fresh Debian machine where we are root) install
// and start one. ENVIRONMENT.md: fresh machines have the docker CLI but no engine, and no
// registry; never install or start an engine where one already answers.
import { execFile, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Dockerode from "dockerode";
import { withFileLock } from "./fileLock.ts";

const execFileP = promisify(execFile);

export const DEFAULT_SOCKET = "/var/run/docker.sock";

/** The engine could not be found or started; `message` is one line: cause and fix. */
export class EngineUnavailableError extends Error {
  override readonly name = "EngineUnavailableError";
}

export interface EngineInfo {
  /** `unix:///var/run/docker.sock`, or the DOCKER_HOST in use. */
  dockerHost: string;
  /** How it was found: DOCKER_HOST, a well-known socket, or started by us. */
  source: "DOCKER_HOST" | "socket" | "started";
  /** Whether the engine runs on this machine (a unix socket): bind mounts work. */
  local: boolean;
}

export interface EnsureEngineOptions {
  /** Environment to read (default process.env); only process.env is written to. */
  env?: NodeJS.ProcessEnv;
  /** Install/start dockerd when nothing answers (default: unless BAIP_NO_ENGINE_START=1). */
  allowStart?: boolean;
  /** Bound on waiting for a started dockerd's socket (default 60 s). */
  startTimeoutMs?: number;
  /** Sockets to try when DOCKER_HOST is unset (default: /var/run/docker.sock and per-user ones). */
  sockets?: string[];
  /** The daemon to start (default: plain `dockerd` on /var/run/docker.sock). For tests. */
  daemon?: DaemonSpec;
}

export interface DaemonSpec {
  socket: string;
  pidFile: string;
  /** Extra dockerd arguments. */
  args: string[];
  log: string;
}

const DEFAULT_DAEMON: DaemonSpec = {
  socket: DEFAULT_SOCKET,
  pidFile: "/var/run/docker.pid",
  args: [],
  log: join(tmpdir(), "baip-dockerd.log"),
};

let memo: Promise<EngineInfo> | undefined;

/**
 * Resolve a Docker engine once per process (later calls return the same promise), and
 * configure testcontainers for it: no Ryuk (no registry to pull it from; we remove our
 * containers by label) and 127.0.0.1 as the host of published ports.
 */
export function ensureEngine(options: EnsureEngineOptions = {}): Promise<EngineInfo> {
  const custom = Object.keys(options).length > 0;
  if (custom) return resolveEngine(options);
  memo ??= resolveEngine(options).catch((error: unknown) => {
    memo = undefined;
    throw error;
  });
  return memo;
}

async function resolveEngine(options: EnsureEngineOptions): Promise<EngineInfo> {
  const env = options.env ?? process.env;
  const writeEnv = options.env === undefined || options.env === process.env;
  const info = await locate(env, options);
  if (writeEnv) {
    process.env.TESTCONTAINERS_RYUK_DISABLED = "true";
    process.env.TESTCONTAINERS_HOST_OVERRIDE ??= "127.0.0.1";
    // Make dockerode and testcontainers agree on the engine we found.
    if (info.dockerHost !== `unix://${DEFAULT_SOCKET}`) process.env.DOCKER_HOST = info.dockerHost;
  }
  return info;
}

async function locate(env: NodeJS.ProcessEnv, options: EnsureEngineOptions): Promise<EngineInfo> {
  const dockerHost = env.DOCKER_HOST?.trim();
  if (dockerHost) {
    const problem = await ping(dockerodeOptions(dockerHost, env));
    if (problem === undefined) {
      return { dockerHost, source: "DOCKER_HOST", local: isLocalHost(dockerHost) };
    }
    throw new EngineUnavailableError(
      `Docker engine at DOCKER_HOST=${dockerHost} not reachable (${problem}): start it, or unset DOCKER_HOST to use the local engine`,
    );
  }

  const sockets = options.sockets ?? candidateSockets(env);
  const problems: string[] = [];
  for (const socket of sockets) {
    if (!existsSync(socket)) {
      if (socket === sockets[0]) problems.push(`${socket} absent`);
      continue;
    }
    const problem = await ping({ socketPath: socket });
    if (problem === undefined)
      return { dockerHost: `unix://${socket}`, source: "socket", local: true };
    problems.push(`${socket} ${problem}`);
  }

  const allowStart = options.allowStart ?? env.BAIP_NO_ENGINE_START !== "1";
  const cause = `DOCKER_HOST unset, ${problems.join(", ")}`;
  const blocker = allowStart ? startBlocker() : "BAIP_NO_ENGINE_START=1";
  if (blocker !== undefined) {
    throw new EngineUnavailableError(
      `no Docker engine reachable (${cause}; not starting one: ${blocker}): start Docker or set DOCKER_HOST`,
    );
  }
  const daemon = options.daemon ?? DEFAULT_DAEMON;
  await withFileLock(
    "docker-engine",
    () => startDockerd(daemon, options.startTimeoutMs ?? 60_000),
    {
      timeoutMs: 10 * 60_000,
    },
  );
  return { dockerHost: `unix://${daemon.socket}`, source: "started", local: true };
}

function candidateSockets(env: NodeJS.ProcessEnv): string[] {
  const sockets = [DEFAULT_SOCKET];
  if (env.XDG_RUNTIME_DIR) sockets.push(join(env.XDG_RUNTIME_DIR, "docker.sock"));
  sockets.push(join(homedir(), ".docker", "run", "docker.sock"));
  return sockets;
}

/** Why we may not install/start an engine here, or undefined if we may. */
function startBlocker(): string | undefined {
  if (process.platform !== "linux") return `${process.platform} is not Linux`;
  if (!existsSync("/etc/debian_version")) return "not a Debian machine";
  if (process.getuid?.() !== 0) return "not root";
  return undefined;
}

async function startDockerd(daemon: DaemonSpec, timeoutMs: number): Promise<void> {
  const { socket, log } = daemon;
  // Another process may have started it while we waited for the lock.
  if ((await ping({ socketPath: socket })) === undefined) return;
  const started = Date.now();
  const running = dockerdPid(daemon.pidFile);
  const installed = await hasCommand("dockerd");
  process.stderr.write(
    running !== undefined
      ? `baip: dockerd (pid ${running}) is starting; waiting for ${socket}\n`
      : `baip: no Docker engine reachable: ${installed ? "" : "installing docker.io (apt-get) and "}starting dockerd (log: ${log})\n`,
  );
  let exit: string | undefined;
  if (running === undefined) {
    if (!installed) await aptInstall(["docker.io"], log);
    const fd = openSync(log, "a");
    const child = spawn("dockerd", daemon.args, { detached: true, stdio: ["ignore", fd, fd] });
    closeSync(fd);
    child.on("exit", (code, signal) => {
      exit = `exited with ${signal ?? `code ${code}`}`;
    });
    child.on("error", (error) => {
      exit = `could not run: ${error.message}`;
    });
    child.unref();
  }
  const deadline = started + timeoutMs;
  let problem: string | undefined = "not started";
  while (Date.now() < deadline) {
    problem = await ping({ socketPath: socket });
    if (problem === undefined) {
      process.stderr.write(`baip: Docker engine ready (${secondsSince(started)})\n`);
      return;
    }
    if (exit !== undefined) {
      throw new EngineUnavailableError(
        `dockerd ${exit} before ${socket} answered (${lastLine(log)}): see ${log}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new EngineUnavailableError(
    `dockerd started but ${socket} did not answer within ${timeoutMs / 1000} s (${problem}): see ${log}`,
  );
}

/** apt-get install on Debian as root, output appended to `log`. Exported for image builds. */
export async function aptInstall(packages: string[], log: string): Promise<void> {
  const fd = openSync(log, "a");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const run = (args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn("apt-get", args, { stdio: ["ignore", fd, fd], env });
      child.on("error", reject);
      child.on("exit", (code) =>
        code === 0
          ? resolve()
          : reject(
              new EngineUnavailableError(
                `apt-get ${args.join(" ")} failed with code ${code} (${lastLine(log)}): see ${log}`,
              ),
            ),
      );
    });
  try {
    await run(["update"]);
    await run(["install", "-y", ...packages]);
  } finally {
    closeSync(fd);
  }
}

export async function hasCommand(command: string): Promise<boolean> {
  try {
    await execFileP("sh", ["-c", `command -v ${command}`]);
    return true;
  } catch {
    return false;
  }
}

function dockerdPid(pidFile: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, "utf8").trim(), 10);
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** Dockerode connection options for a DOCKER_HOST value (unix, npipe, tcp, ssh). */
export function dockerodeOptions(
  dockerHost: string,
  env: NodeJS.ProcessEnv = process.env,
): Dockerode.DockerOptions {
  const url = new URL(dockerHost);
  switch (url.protocol) {
    case "unix:":
      return { socketPath: url.pathname };
    case "npipe:":
      return { socketPath: dockerHost.replace(/^npipe:\/\//, "").replaceAll("/", "\\") };
    case "ssh:":
      return {
        protocol: "ssh",
        host: url.hostname,
        port: url.port || 22,
        ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      };
    case "tcp:":
    case "http:":
    case "https:": {
      const tlsVerify = env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== "";
      const certPath = env.DOCKER_CERT_PATH ?? join(homedir(), ".docker");
      const tls = tlsVerify || url.protocol === "https:";
      return {
        protocol: tls ? "https" : "http",
        host: url.hostname,
        port: url.port || (tls ? 2376 : 2375),
        ...(tls && existsSync(join(certPath, "ca.pem"))
          ? {
              ca: readFileSync(join(certPath, "ca.pem")),
              cert: readFileSync(join(certPath, "cert.pem")),
              key: readFileSync(join(certPath, "key.pem")),
            }
          : {}),
      };
    }
    default:
      throw new EngineUnavailableError(
        `DOCKER_HOST=${dockerHost} has an unsupported scheme ${url.protocol}: use unix://, tcp:// or ssh://`,
      );
  }
}

function isLocalHost(dockerHost: string): boolean {
  return dockerHost.startsWith("unix://") || dockerHost.startsWith("npipe://");
}

/** undefined when the engine answers `/_ping`, else a short reason. */
async function ping(options: Dockerode.DockerOptions): Promise<string | undefined> {
  try {
    const docker = new Dockerode({ ...options, timeout: 3_000 });
    await docker.ping();
    return undefined;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { statusCode?: number };
    if (e.code === "ENOENT") return "no such socket";
    if (e.code === "ECONNREFUSED") return "connection refused";
    if (e.code) return `not answering: ${e.code}`;
    if (e.statusCode) return `answering HTTP ${e.statusCode}`;
    return `not answering: ${firstLine(String(e.message ?? e))}`;
  }
}

function lastLine(file: string): string {
  try {
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    return firstLine(lines[lines.length - 1] ?? "").slice(0, 200);
  } catch {
    return "no log";
  }
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? "";
}

function secondsSince(t: number): string {
  return `${((Date.now() - t) / 1000).toFixed(1)} s`;
}

let client: Promise<Dockerode> | undefined;

/** A dockerode client for the engine ensureEngine() found (one per process). */
export function getDocker(): Promise<Dockerode> {
  client ??= ensureEngine().then((info) => new Dockerode(dockerodeOptions(info.dockerHost)));
  client.catch(() => {
    client = undefined;
  });
  return client;
}
