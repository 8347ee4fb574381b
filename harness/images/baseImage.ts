// The base image every bundled target builds FROM (`ARG BASE_IMAGE=...` / `FROM
// ${BASE_IMAGE}`): Debian bookworm with Python 3.11, Flask 2.2, gunicorn and waitress.
// ENVIRONMENT.md: there may be no registry. Where one is reachable the image is built
// from a pinned public image; otherwise it is bootstrapped from Debian's packages with
// mmdebstrap and imported. Either way it is built once per machine and cached by tag.
import { execFile, spawn } from "node:child_process";
import { closeSync, existsSync, openSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type Dockerode from "dockerode";
import { aptInstall, getDocker, hasCommand } from "../engine/ensureEngine.ts";
import { withFileLock } from "../engine/fileLock.ts";

const execFileP = promisify(execFile);

/** Tag of the base image. Bump the suffix whenever its recipe below changes. */
export const BASE_IMAGE = "localhost/baip-base:bookworm-flask-v1";

/** Debian packages of the base image (mmdebstrap route). */
export const BASE_PACKAGES = [
  "python3-flask",
  "python3-gunicorn",
  "python3-waitress",
  "ca-certificates",
];

/**
 * The registry route: same Python minor version and the Flask/gunicorn/waitress versions
 * Debian bookworm ships, pinned. `python3 -m gunicorn` works in both images.
 */
export const BASE_DOCKERFILE = `FROM python:3.11.10-slim-bookworm
RUN pip install --no-cache-dir flask==2.2.2 werkzeug==2.2.2 gunicorn==20.1.0 waitress==2.1.2
`;

const PATH_ENV = "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export type BaseImageSource = "cached" | "registry" | "mmdebstrap";

export interface EnsureBaseImageOptions {
  /** Image tag to ensure (default BASE_IMAGE; tests use another one). */
  tag?: string;
  /**
   * `registry`: build from the public image; `debian`: mmdebstrap; `auto` (default, or env
   * BAIP_BASE_FROM): the registry if one answers within 3 s, else mmdebstrap.
   */
  from?: "auto" | "registry" | "debian";
  /** Debian mirror for mmdebstrap (default env BAIP_DEBIAN_MIRROR or deb.debian.org). */
  mirror?: string;
}

const memo = new Map<string, Promise<{ tag: string; source: BaseImageSource; ms: number }>>();

/** Make sure the base image exists; builds it at most once per machine at a time. */
export function ensureBaseImage(
  options: EnsureBaseImageOptions = {},
): Promise<{ tag: string; source: BaseImageSource; ms: number }> {
  const tag = options.tag ?? BASE_IMAGE;
  let result = memo.get(tag);
  if (result === undefined) {
    result = ensure(tag, options);
    memo.set(tag, result);
    result.catch(() => memo.delete(tag));
  }
  return result;
}

async function ensure(tag: string, options: EnsureBaseImageOptions) {
  const started = Date.now();
  const docker = await getDocker();
  if (await imageExists(docker, tag)) return { tag, source: "cached" as const, ms: 0 };
  return withFileLock(`image-${tag.replace(/[^A-Za-z0-9_.-]/g, "_")}`, async () => {
    if (await imageExists(docker, tag))
      return { tag, source: "cached" as const, ms: Date.now() - started };
    const from =
      options.from ?? (process.env.BAIP_BASE_FROM as EnsureBaseImageOptions["from"]) ?? "auto";
    let source: BaseImageSource;
    if (from === "registry" || (from === "auto" && (await registryReachable()))) {
      process.stderr.write(`baip: building base image ${tag} from python:3.11.10-slim-bookworm\n`);
      await buildFromRegistry(docker, tag);
      source = "registry";
    } else {
      process.stderr.write(
        `baip: building base image ${tag} with mmdebstrap (no registry; about a minute)\n`,
      );
      await buildWithMmdebstrap(docker, tag, options.mirror ?? process.env.BAIP_DEBIAN_MIRROR);
      source = "mmdebstrap";
    }
    const ms = Date.now() - started;
    process.stderr.write(
      `baip: built base image ${tag} (${source}) in ${(ms / 1000).toFixed(1)} s\n`,
    );
    return { tag, source, ms };
  });
}

export async function imageExists(docker: Dockerode, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

/** Whether Docker Hub answers at all (any HTTP status) within 3 s. */
function registryReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      "https://registry-1.docker.io/v2/",
      { method: "GET", timeout: 3_000 },
      (res) => {
        res.resume();
        resolve(true);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(false));
    req.end();
  });
}

async function buildFromRegistry(docker: Dockerode, tag: string): Promise<void> {
  const context = await mkdtemp(join(tmpdir(), "baip-base-"));
  try {
    await writeFile(join(context, "Dockerfile"), BASE_DOCKERFILE);
    const stream = await docker.buildImage({ context, src: ["Dockerfile"] }, { t: tag });
    await followBuild(docker, stream, `docker build of ${tag}`);
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

async function buildWithMmdebstrap(docker: Dockerode, tag: string, mirror: string | undefined) {
  const work = await mkdtemp(join(tmpdir(), "baip-base-"));
  const log = join(work, "mmdebstrap.log");
  const keptLog = join(tmpdir(), "baip-mmdebstrap.log");
  try {
    if (!(await hasCommand("mmdebstrap"))) {
      if (process.getuid?.() !== 0 || !existsSync("/etc/debian_version")) {
        throw new Error(
          `base image ${tag} is missing, no registry answered, and mmdebstrap is not installed: install mmdebstrap, or set BAIP_BASE_FROM=registry where a registry is reachable`,
        );
      }
      await aptInstall(["mmdebstrap"], log);
    }
    const tar = join(work, "base.tar");
    const base = mirror ?? "http://deb.debian.org/debian";
    const security = mirror === undefined ? "http://deb.debian.org/debian-security" : undefined;
    // Explicit sources: without them mmdebstrap reads sources.list lines from a non-tty stdin.
    const sources = [
      `deb ${base} bookworm main`,
      `deb ${base} bookworm-updates main`,
      ...(security ? [`deb ${security} bookworm-security main`] : []),
    ];
    await run(
      "mmdebstrap",
      ["--variant=apt", `--include=${BASE_PACKAGES.join(",")}`, "bookworm", tar, ...sources],
      log,
    );
    const stream = await docker.importImage(tar, {
      repo: tag.slice(0, tag.lastIndexOf(":")),
      tag: tag.slice(tag.lastIndexOf(":") + 1),
      changes: [PATH_ENV],
    } as unknown as Record<string, unknown>);
    await followBuild(docker, stream, `docker import of ${tag}`);
    if (!(await imageExists(docker, tag)))
      throw new Error(`docker import of ${tag} produced no image`);
  } catch (error) {
    await execFileP("cp", [log, keptLog]).catch(() => undefined);
    throw error;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], log: string): Promise<void> {
  const fd = openSync(log, "a");
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", fd, fd] });
    closeSync(fd);
    child.on("error", reject);
    child.on("exit", async (code) => {
      if (code === 0) return resolve();
      const tail = (await readFile(log, "utf8").catch(() => "")).trimEnd().split("\n").slice(-1)[0];
      reject(
        new Error(
          `${command} failed with code ${code} (${tail}): full log in ${join(tmpdir(), "baip-mmdebstrap.log")}`,
        ),
      );
    });
  });
}

/**
 * Wait for a build/import progress stream to end; throw its error (the engine reports
 * build failures inside the stream, with HTTP 200), with the last output lines.
 */
export function followBuild(
  docker: Dockerode,
  stream: NodeJS.ReadableStream,
  what: string,
): Promise<string[]> {
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (
        error: Error | null,
        events: Array<{ error?: string; errorDetail?: { message?: string } }>,
      ) => {
        const failed = error?.message ?? events.find((e) => e.error !== undefined)?.error;
        if (failed !== undefined) {
          const tail = lines.slice(-20).join("\n");
          reject(
            new Error(
              `${what} failed: ${failed.trim()}${tail ? `\n--- last output ---\n${tail}` : ""}`,
            ),
          );
        } else {
          resolve(lines);
        }
      },
      (event: { stream?: string; status?: string }) => {
        const text = (event.stream ?? event.status ?? "").trimEnd();
        if (text) lines.push(...text.split("\n"));
      },
    );
  });
}
