// Small numeric helpers of the benchmark: medians, interval unions, units. Measurements
// only: nothing here judges a figure.

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Total length of the union of [start, end] intervals (ms). */
export function unionLength(intervals: ReadonlyArray<readonly [number, number]>): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let start = Number.NEGATIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const [s, e] of sorted) {
    if (s > end) {
      if (end > start) total += end - start;
      start = s;
      end = e;
    } else if (e > end) {
      end = e;
    }
  }
  if (end > start) total += end - start;
  return total;
}

export const MIB = 1024 * 1024;

export function mib(bytes: number | undefined): string {
  return bytes === undefined || !Number.isFinite(bytes) ? "n/a" : `${(bytes / MIB).toFixed(0)} MiB`;
}

export function seconds(ms: number | undefined, digits = 1): string {
  return ms === undefined || !Number.isFinite(ms) ? "n/a" : `${(ms / 1000).toFixed(digits)} s`;
}

export function millis(ms: number | undefined): string {
  return ms === undefined || !Number.isFinite(ms) ? "n/a" : `${Math.round(ms)} ms`;
}
