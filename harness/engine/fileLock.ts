// A lock shared by every process on this machine (vitest workers, two CLI runs): a
// directory created with mkdir, which is atomic, holding the owner's pid. A lock whose
// owner died, or that nobody refreshed for `staleMs`, is taken over.
import { randomUUID } from "node:crypto";
import { chmod, mkdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";

export interface FileLockOptions {
  /** Give up after this long (default 15 minutes: a first image build takes ~2). */
  timeoutMs?: number;
  /** A lock not refreshed for this long is stale (the holder refreshes it every 5 s). */
  staleMs?: number;
  /** Folder of the lock directories (default `<tmpdir>/baip-locks`). */
  dir?: string;
}

interface Owner {
  pid: number;
  host: string;
  token: string;
}

const inProcess = new Map<string, Promise<unknown>>();

/** Run `fn` holding the machine-wide lock `name` (letters, digits, `.`, `-`, `_`). */
export async function withFileLock<T>(
  name: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  // Callers in the same process queue here first, so that the directory lock is only
  // contended between processes.
  const previous = inProcess.get(name) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => lockedRun(name, fn, options));
  inProcess.set(name, run);
  try {
    return await run;
  } finally {
    if (inProcess.get(name) === run) inProcess.delete(name);
  }
}

async function lockedRun<T>(name: string, fn: () => Promise<T>, options: FileLockOptions) {
  const root = options.dir ?? join(tmpdir(), "baip-locks");
  const lockDir = join(root, `${name}.lock`);
  const owner: Owner = { pid: process.pid, host: hostname(), token: randomUUID() };
  await mkdir(root, { recursive: true });
  await chmod(root, 0o1777).catch(() => undefined); // Shared by every user, like /tmp.
  await acquire(lockDir, owner, options.timeoutMs ?? 15 * 60_000, options.staleMs ?? 60_000);
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(lockDir, now, now).catch(() => undefined);
  }, 5_000);
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    // Release only our own lock (a stale takeover may have replaced it).
    const current = await readOwner(lockDir);
    if (current?.token === owner.token) await rm(lockDir, { recursive: true, force: true });
  }
}

async function acquire(lockDir: string, owner: Owner, timeoutMs: number, staleMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(join(lockDir, "owner.json"), JSON.stringify(owner));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = await readOwner(lockDir);
    if (await isStale(lockDir, holder, staleMs)) {
      // Move it aside atomically: of several waiters that saw it stale, one wins.
      const aside = `${lockDir}.stale-${owner.token}`;
      const again = await readOwner(lockDir);
      if (again?.token === holder?.token) {
        await rename(lockDir, aside).catch(() => undefined);
        await rm(aside, { recursive: true, force: true });
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for lock ${lockDir} (held by pid ${holder?.pid ?? "?"}): remove it if that process is gone`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function readOwner(lockDir: string): Promise<Owner | undefined> {
  try {
    return JSON.parse(await readFile(join(lockDir, "owner.json"), "utf8")) as Owner;
  } catch {
    return undefined;
  }
}

async function isStale(lockDir: string, holder: Owner | undefined, staleMs: number) {
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(lockDir)).mtimeMs;
  } catch {
    return false; // Gone already: retry mkdir.
  }
  const age = Date.now() - mtimeMs;
  if (holder === undefined) return age > 10_000; // Owner file not written yet, or crashed.
  if (holder.host === hostname() && !processAlive(holder.pid)) return true;
  return age > staleMs;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
