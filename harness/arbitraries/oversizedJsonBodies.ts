import fc from "fast-check";

// docs/SPEC.md section 3, INPUT-06: "A body over 64 KiB answers 413 or 400, never 5xx".
// JSON objects of `minBytes` to `maxBytes` UTF-8 bytes (default 65 KiB to 1 MiB), built
// around a valid body so that size is the point: padded with insignificant whitespace
// (RFC 8259 section 2: still the same valid object, so only a size limit refuses it),
// one inflated string value, an extra padding key, or thousands of small keys.

export type OversizedShape = "whitespace" | "huge-value" | "padding-key" | "many-keys";

export interface OversizedJsonBodiesConstraints {
  /** Smallest body, in bytes. Default 65 KiB (66560), just over the 64 KiB limit. */
  minBytes?: number;
  /** Largest body, in bytes. Default 1 MiB. */
  maxBytes?: number;
  /** Field whose value "huge-value" inflates. Default: the first key of the object. */
  inflate?: string;
}

/**
 * One oversized body. Its text is built on demand (`data`, a getter), so that the
 * generated value, and a shrunk counterexample in a report, stay a few lines long.
 */
export class OversizedJsonBody {
  constructor(
    readonly shape: OversizedShape,
    /** Requested size in bytes ("many-keys" may exceed it by a few bytes). */
    readonly bytes: number,
    /** The valid object it is built around. */
    readonly valid: Record<string, unknown>,
    readonly inflate: string | undefined,
  ) {}

  /** The JSON text, at least `bytes` UTF-8 bytes long. */
  get data(): string {
    const { valid, bytes: size } = this;
    const base = JSON.stringify(valid);
    const baseBytes = Buffer.byteLength(base, "utf8");
    const fill = (n: number) => "x".repeat(Math.max(0, n));
    switch (this.shape) {
      case "whitespace":
        return `{${" ".repeat(Math.max(0, size - baseBytes))}${base.slice(1)}`;
      case "huge-value": {
        const key = this.inflate ?? Object.keys(valid)[0] ?? "value";
        const rest = { ...valid, [key]: "" };
        return JSON.stringify({
          ...rest,
          [key]: fill(size - Buffer.byteLength(JSON.stringify(rest), "utf8")),
        });
      }
      case "padding-key": {
        const withKey = { ...valid, padding: "" };
        return JSON.stringify({
          ...valid,
          padding: fill(size - Buffer.byteLength(JSON.stringify(withKey), "utf8")),
        });
      }
      default: {
        // "many-keys"
        const entries: string[] = [];
        for (let i = 0, total = baseBytes; total < size; i++) {
          const entry = `"k${i}":0,`;
          entries.push(entry);
          total += entry.length;
        }
        return `{${entries.join("")}${base.slice(1)}`;
      }
    }
  }

  toString(): string {
    return `${this.shape} body of ${this.bytes} bytes`;
  }
}

export function oversizedJsonBodies(
  valid: fc.Arbitrary<Record<string, unknown>>,
  constraints: OversizedJsonBodiesConstraints = {},
): fc.Arbitrary<OversizedJsonBody> {
  const min = constraints.minBytes ?? 65 * 1024;
  const max = Math.max(min, constraints.maxBytes ?? 1024 * 1024);
  return fc
    .tuple(
      valid,
      fc.constantFrom<OversizedShape>("whitespace", "huge-value", "padding-key", "many-keys"),
      fc.integer({ min, max }),
    )
    .map(([body, shape, size]) => new OversizedJsonBody(shape, size, body, constraints.inflate));
}
