import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bundles, minimalCause } from "./minimalCause.ts";

/** An effect caused by every element of `cause` being present (an AND of them). */
const causedBy =
  (cause: readonly number[]) =>
  async (subset: readonly number[]): Promise<boolean> =>
    cause.every((c) => subset.includes(c));

describe("minimalCause", () => {
  it("finds a single cause among many in about 2*log2(n) tests", async () => {
    const candidates = Array.from({ length: 128 }, (_, i) => i);
    const found = await minimalCause(candidates, causedBy([77]));
    expect(found.cause).toEqual([77]);
    expect(found.bounded).toBe(false);
    expect(found.tests).toBeLessThanOrEqual(2 * Math.log2(128));
  });

  it("finds causes that only act together, and each is needed", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 60 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            cause: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), {
              minLength: 1,
              maxLength: 3,
            }),
          }),
        ),
        async ({ n, cause }) => {
          const candidates = Array.from({ length: n }, (_, i) => i);
          const found = await minimalCause(candidates, causedBy(cause), { maxTests: 500 });
          expect(found.bounded).toBe(false);
          expect([...found.cause].sort((a, b) => a - b)).toEqual([...cause].sort((a, b) => a - b));
        },
      ),
      { seed: 20261206, numRuns: 200 },
    );
  });

  it("never asks about the empty set or the whole set, and says when it was bounded", async () => {
    const asked: number[] = [];
    const found = await minimalCause(
      Array.from({ length: 64 }, (_, i) => i),
      async (subset) => {
        asked.push(subset.length);
        return subset.includes(3) && subset.includes(60);
      },
      { maxTests: 3 },
    );
    expect(asked.every((size) => size > 0 && size < 64)).toBe(true);
    expect(found.tests).toBe(3);
    expect(found.bounded).toBe(true);
    expect(found.cause).toEqual(expect.arrayContaining([3, 60]));
  });

  it("ends with a set that showed the effect when the effect comes and goes", async () => {
    let calls = 0;
    const found = await minimalCause(
      Array.from({ length: 20 }, (_, i) => i),
      async () => calls++ % 2 === 0,
    );
    expect(found.cause.length).toBeGreaterThan(0);
  });
});

describe("bundles", () => {
  const limits = {
    maxItems: 3,
    maxBytes: 10,
    sizeOf: (s: string) => s.length,
    keyOf: (s: string) => s[0] ?? "",
  };

  it("keeps every candidate once, in order, within the limits, one per key", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 12 })), (items) => {
        const packed = bundles(items, limits);
        expect(packed.flat().sort()).toEqual([...items].sort());
        for (const b of packed) {
          expect(b.length).toBeLessThanOrEqual(3);
          const keys = b.map(limits.keyOf);
          expect(new Set(keys).size).toBe(keys.length);
          const bytes = b.reduce((n, s) => n + s.length, 0);
          expect(b.length === 1 || bytes <= 10).toBe(true);
        }
      }),
    );
  });

  it("is deterministic", () => {
    const items = ["aa", "ab", "bb", "cccc", "dddddd", "e"];
    expect(bundles(items, limits)).toEqual(bundles(items, limits));
    expect(bundles(items, limits)).toEqual([
      ["aa", "bb", "cccc"],
      ["ab", "dddddd", "e"],
    ]);
  });
});
