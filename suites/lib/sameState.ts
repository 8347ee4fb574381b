// The one rule for "the same state" (docs/SPEC.md 3: records read back identical). Every
// comparison of values read back goes through it: the snapshot diff, the restore, the
// read-only check, INPUT-04's round trip and MODEL-01's model. They used Object.is, JSON
// text and !== and disagreed (on -0, on 1 vs 1.0 from a Python server, on key order).
import type { RecordState } from "../context.ts";

/** Equal as JSON values, the form they travelled in: key order of objects does not count. */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** `a` holds every field of `b` with the same value. */
export function sameState(a: RecordState, b: RecordState): boolean {
  return Object.keys(b).every((k) => sameValue(a[k], b[k]));
}

function canonical(value: unknown): string | undefined {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : 1)),
        )
      : v,
  );
}
