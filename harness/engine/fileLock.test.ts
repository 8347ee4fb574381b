import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
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

  it("takes over a lock whose owner process is gone", async () => {
    const lock = join(dir, "dead.lock");
    await mkdir(lock);
    await writeFile(
      join(lock, "owner.json"),
      JSON.stringify({ pid: 2 ** 22 + 17, host: hostname(), token: "x" }),
    );
    expect(await withFileLock("dead", async () => "mine", { dir, timeoutMs: 2_000 })).toBe("mine");
  });

  it("takes over a lock nobody refreshed for staleMs", async () => {
    const lock = join(dir, "old.lock");
    await mkdir(lock);
    await writeFile(
      join(lock, "owner.json"),
      JSON.stringify({ pid: process.pid, host: "elsewhere", token: "y" }),
    );
    const past = new Date(Date.now() - 120_000);
    await utimes(lock, past, past);
    expect(
      await withFileLock("old", async () => "mine", { dir, staleMs: 60_000, timeoutMs: 2_000 }),
    ).toBe("mine");
  });

  it("times out behind a live holder with a message naming the lock", async () => {
    const lock = join(dir, "live.lock");
    await mkdir(lock);
    await writeFile(
      join(lock, "owner.json"),
      JSON.stringify({ pid: process.pid, host: hostname(), token: "z" }),
    );
    await expect(
      withFileLock("live", async () => "never", { dir, timeoutMs: 600 }),
    ).rejects.toThrow(/timed out after 600 ms waiting for lock .*live\.lock \(held by pid \d+\)/);
  });
});
