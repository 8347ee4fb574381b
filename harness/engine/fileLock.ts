// A lock shared by every process on this machine (vitest workers, two CLI runs), for
// work that must happen once: building an image, starting dockerd. The lock itself is
// proper-lockfile's (an atomic mkdir whose mtime the holder refreshes; a lock nobody
// refreshed for `staleMs` belongs to a dead or hung process and is taken over). This
// module adds what the callers need around it: callers of one process queue in memory,
// waiting has a deadline, and a timeout names the lock folder to remove.
import { chmod, mkdir, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lock } from "proper-lockfile";

export interface FileLockOptions {
  /** Give up after this long (default 15 minutes: a first image build takes ~2). */
  timeoutMs?: number;
  /**
   * A lock not refreshed for this long is stale and taken over (default 30 s; the holder
   * refreshes it every 5 s, or staleMs/2 if shorter). A run killed while holding a lock
   * delays the next one by at most this.
   */
  staleMs?: number;
  /** Folder of the lock directories (default `<tmpdir>/baip-locks`). */
  dir?: string;
}

const POLL_MS = 250;
const inProcess = new Map<string, Promise<unknown>>();

/** Run `fn` holding the machine-wide lock `name` (letters, digits, `.`, `-`, `_`). */
export async function withFileLock<T>(
  name: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  // Callers in the same process queue here first, so that the directory lock is only
  // contended between processes (proper-lockfile would report our own lock as held).
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
  await mkdir(root, { recursive: true });
  await chmod(root, 0o1777).catch(() => undefined); // Shared by every user, like /tmp.
  const lockDir = join(root, `${name}.lock`);
  const release = await acquire(
    join(root, name),
    lockDir,
    options.timeoutMs ?? 15 * 60_000,
    options.staleMs ?? 30_000,
  );
  try {
    return await fn();
  } finally {
    // Rejects when the lock was compromised (taken over meanwhile): nothing left to free.
    await release().catch(() => undefined);
  }
}

async function acquire(file: string, lockDir: string, timeoutMs: number, staleMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await lock(file, {
        lockfilePath: lockDir,
        realpath: false, // The locked "file" is only a name: it never exists.
        stale: staleMs,
        update: Math.min(5_000, staleMs / 2), // Refreshed often: a stalled loop is not death.
        retries: 0, // Waiting is ours, with a deadline in ms rather than a retry count.
        // Lost to a takeover (this process stalled for staleMs): the default throws from
        // a timer and kills the process. The work goes on; at worst it is done twice.
        onCompromised: (error) =>
          process.emitWarning(`lock ${lockDir} was taken over: ${error.message}`),
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw error;
    }
    if (Date.now() + POLL_MS > deadline) {
      const refreshed = await stat(lockDir).then(
        (s) => `${Math.round((Date.now() - s.mtimeMs) / 1000)} s ago`,
        () => "never",
      );
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for lock ${lockDir} (last refreshed ${refreshed}): remove it if no conformance run or test is going on`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
