// Breadth without the cost: many candidate claims (headers, parameters, body keys) travel
// in one request, and only when that request shows an effect (a refusal turned into a
// success, a change, a leak) are they narrowed down to the few that cause it, so that a
// finding names the exact header or parameter. The narrowing is delta debugging (Zeller
// and Hildebrandt, "Simplifying and Isolating Failure-Inducing Input", TSE 2002), the
// technique Param Miner applies to HTTP: halves first, which finds a single cause in
// about 2*log2(n) requests, and finer chunks and complements when causes only act together.

/** The smallest set found that still shows the effect, and what finding it cost. */
export interface MinimalCause<T> {
  /** 1-minimal: removing any one element loses the effect (unless `bounded`). */
  cause: T[];
  /** Calls to `shows` made. */
  tests: number;
  /** The search stopped on `maxTests`: `cause` shows the effect but may not be minimal. */
  bounded: boolean;
}

export interface MinimalCauseOptions {
  /** Most calls to `shows`. Default 48 (a single cause among 4,096 needs at most 24). */
  maxTests?: number;
}

/**
 * Narrow `candidates`, which together show the effect, to a 1-minimal subset that still
 * shows it. `shows` sends one request carrying the subset and says whether the effect
 * is there; it is never called with the full set (the caller saw that already) nor with
 * an empty one. A `shows` that is not monotonic (the effect comes and goes) still ends,
 * with a set that showed the effect when last tried.
 */
export async function minimalCause<T>(
  candidates: readonly T[],
  shows: (subset: readonly T[]) => Promise<boolean>,
  options: MinimalCauseOptions = {},
): Promise<MinimalCause<T>> {
  const maxTests = options.maxTests ?? 48;
  let tests = 0;
  const test = async (subset: readonly T[]) => {
    tests++;
    return shows(subset);
  };
  let current = [...candidates];
  let granularity = 2;
  while (current.length > 1) {
    const chunks = split(current, Math.min(granularity, current.length));
    let reduced = false;
    for (const chunk of chunks) {
      if (tests >= maxTests) return { cause: current, tests, bounded: true };
      if (await test(chunk)) {
        current = chunk;
        granularity = 2;
        reduced = true;
        break;
      }
    }
    // With two chunks, each one's complement is the other, already tried.
    for (let i = 0; !reduced && chunks.length > 2 && i < chunks.length; i++) {
      if (tests >= maxTests) return { cause: current, tests, bounded: true };
      const complement = chunks.filter((_, j) => j !== i).flat();
      if (await test(complement)) {
        current = complement;
        granularity = Math.max(granularity - 1, 2);
        reduced = true;
      }
    }
    if (reduced) continue;
    if (granularity >= current.length) break;
    granularity = Math.min(granularity * 2, current.length);
  }
  return { cause: current, tests, bounded: false };
}

/** `items` in `n` contiguous chunks of near-equal size (the first ones one longer). */
function split<T>(items: readonly T[], n: number): T[][] {
  const chunks: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const size = Math.floor(items.length / n) + (i < items.length % n ? 1 : 0);
    chunks.push(items.slice(start, start + size));
    start += size;
  }
  return chunks;
}

export interface BundleLimits<T> {
  /** Most candidates in one request. */
  maxItems: number;
  /** Most bytes the candidates of one request add (as `sizeOf` counts them). */
  maxBytes: number;
  sizeOf: (item: T) => number;
  /**
   * Candidates that cannot travel together (two values of one header name): a bundle
   * holds at most one candidate per key.
   */
  keyOf?: (item: T) => string;
}

/**
 * Pack candidates into as few requests as servers accept (header count and size limits:
 * gunicorn takes 100 header fields of 8,190 bytes each, Werkzeug and uvicorn similar),
 * in order, so the same candidates always make the same bundles. A candidate larger than
 * `maxBytes` travels alone.
 */
export function bundles<T>(items: readonly T[], limits: BundleLimits<T>): T[][] {
  const out: Array<{ items: T[]; bytes: number; keys: Set<string> }> = [];
  for (const item of items) {
    const bytes = limits.sizeOf(item);
    const key = limits.keyOf?.(item);
    const fits = out.find(
      (b) =>
        b.items.length < limits.maxItems &&
        b.bytes + bytes <= limits.maxBytes &&
        (key === undefined || !b.keys.has(key)),
    );
    const bundle = fits ?? { items: [], bytes: 0, keys: new Set<string>() };
    if (!fits) out.push(bundle);
    bundle.items.push(item);
    bundle.bytes += bytes;
    if (key !== undefined) bundle.keys.add(key);
  }
  return out.map((b) => b.items);
}
