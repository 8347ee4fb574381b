import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withFileLock } from "./fileLock.ts";

describe("withFileLock", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "baip-lock-test-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("runs holders one at a time and releases on error", async () => {
    let inside = 0;
    let maxInside = 0;
    const work = async (fail: boolean) => {
      inside++;
      maxInside = Math.max(maxInside, inside);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inside--;
      if (fail) throw new Error("boom");
      return "done";
    };
    const results = await Promise.allSettled(
      [false, true, false, false].map((fail) => withFileLock("serial", () => work(fail), { dir })),
    );
    expect(maxInside).toBe(1);
    expect(results.map((r) => r.status)).toEqual([
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
    ]);
  });

  it("takes over, after staleMs, the lock of a process killed while holding it", async () => {
    // A real holder in another process, killed with SIGKILL: no exit handler releases it.
    const holder = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        `const { withFileLock } = await import(${JSON.stringify(join(import.meta.dirname, "fileLock.ts"))});
         await withFileLock("dead", () => { console.log("held"); return new Promise(() => {}); },
           { dir: ${JSON.stringify(dir)}, staleMs: 2_000 });`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on("data", (d) => String(d).includes("held") && resolve());
      holder.on("exit", (code) => reject(new Error(`holder exited early (${code})`)));
    });
    holder.kill("SIGKILL");
    const started = Date.now();
    expect(
      await withFileLock("dead", async () => "mine", { dir, staleMs: 2_000, timeoutMs: 10_000 }),
    ).toBe("mine");
    expect(Date.now() - started).toBeLessThan(6_000);
  }, 30_000);

  it("takes over a lock nobody refreshed for staleMs", async () => {
    const lock = join(dir, "old.lock");
    await mkdir(lock);
    const past = new Date(Date.now() - 120_000);
    await utimes(lock, past, past);
    expect(
      await withFileLock("old", async () => "mine", { dir, staleMs: 60_000, timeoutMs: 2_000 }),
    ).toBe("mine");
  });

  it("times out behind a live holder with a message naming the lock", async () => {
    const lock = join(dir, "live.lock");
    await mkdir(lock);
    await expect(
      withFileLock("live", async () => "never", { dir, timeoutMs: 600 }),
    ).rejects.toThrow(
      /timed out after 600 ms waiting for lock .*live\.lock \(last refreshed \d+ s ago\)/,
    );
  });
});
