import fc from "fast-check";
import type { FieldSpec } from "../manifest/schema.ts";
import { DISPLAY_NAME_PIECES, validDisplayNames } from "./validDisplayNames.ts";
import { validEmails } from "./validEmails.ts";

// docs/SPEC.md 1b, a writable field's kind and bounds (manifest `writable`): the values a
// target must accept and store exactly. `string`: min to max code points, no control
// character (category Cc); `text`: the same, except that line feeds and tabs are
// allowed; `integer`: a JSON integer within [min, max]; `boolean`: a JSON boolean;
// `enum`: one of the declared strings, exactly; `email` and `display_name`: section 1.
// `opaque` fields have no rules the suite knows, so it never writes them.

/** A field the suite writes: every kind but `opaque`. */
export type WrittenFieldSpec = Exclude<FieldSpec, { kind: "opaque" }>;

export function isWrittenField(spec: FieldSpec): spec is WrittenFieldSpec {
  return spec.kind !== "opaque";
}

/** The control characters `text` allows (every other Cc is refused, as in `string`). */
export const TEXT_ALLOWED_CONTROLS = ["\n", "\t"] as const;

/**
 * A body above 64 KiB may rightly be refused (INPUT-06), so long values are padded with
 * multi-byte characters only while they stay within this many UTF-8 bytes; beyond it
 * with ASCII, so that even `text` at its schema maximum (60 000) fits one body.
 */
export const MULTIBYTE_PADDING_BYTES = 16 * 1024;

// Padding characters: 1 to 4 UTF-8 bytes, and a combining mark (a code point that is no
// grapheme of its own), so that counting bytes, UTF-16 units or graphemes instead of code
// points shows at the bounds.
const PADDING = ["a", "é", "한", "😀", "\u0301"];

const TEXT_PIECES = ["\n", "\t", "line one\nline two", "\tindented", "ends with a newline\n"];

/** One code point of any plane, not a control character nor a lone surrogate. */
const anyCodePoint = fc
  .integer({ min: 0x20, max: 0x10ffff })
  .filter((c) => !(c >= 0x7f && c <= 0x9f) && !(c >= 0xd800 && c <= 0xdfff))
  .map((c) => String.fromCodePoint(c));

/** Throws a RangeError for bounds no value meets (the schema does not compare them). */
export function checkBounds(kind: string, min: number, max: number): void {
  if (!(Number.isSafeInteger(min) && Number.isSafeInteger(max) && min <= max))
    throw new RangeError(`${kind} field: bounds min ${min} and max ${max} hold no value`);
}

/** Characters that keep `codePoints` of padding within the multi-byte budget ("a" always). */
export function paddingFor(codePoints: number): string[] {
  return PADDING.filter(
    (p) => p === "a" || Buffer.byteLength(p, "utf8") * codePoints <= MULTIBYTE_PADDING_BYTES,
  );
}

/** `head` cut or padded to exactly `length` code points. */
export function toCodePoints(head: string, length: number, padding: string): string {
  const cps = [...head].slice(0, length);
  return cps.join("") + padding.repeat(length - cps.length);
}

function strings(min: number, max: number, text: boolean): fc.Arbitrary<string> {
  const piece = fc.oneof(
    { arbitrary: fc.constantFrom(...Object.values(DISPLAY_NAME_PIECES).flat()), weight: 3 },
    { arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }), weight: 3 },
    { arbitrary: fc.string({ unit: anyCodePoint, minLength: 1, maxLength: 8 }), weight: 1 },
    ...(text ? [{ arbitrary: fc.constantFrom(...TEXT_PIECES), weight: 2 }] : []),
  );
  const head = fc.array(piece, { maxLength: 6 }).map((p) => p.join(""));
  // Mostly short values; each bound exactly, some anywhere between.
  const length = fc.oneof(
    { arbitrary: fc.integer({ min, max: Math.min(max, min + 24) }), weight: 6 },
    { arbitrary: fc.constantFrom(min, max), weight: 2 },
    { arbitrary: fc.integer({ min, max }), weight: 1 },
  );
  return length.chain((n) =>
    fc
      .tuple(head, fc.constantFrom(...paddingFor(n)))
      .map(([h, padding]) => toCodePoints(h, n, padding)),
  );
}

function integers(min: number, max: number): fc.Arbitrary<number> {
  const edges = [min, min + 1, max - 1, max, 0, -1, 1].filter((n) => n >= min && n <= max);
  return fc.oneof(
    { arbitrary: fc.constantFrom(...new Set(edges)), weight: 1 },
    { arbitrary: fc.integer({ min, max }), weight: 2 },
  );
}

/** One family of values (valid or invalid ones), by field kind: see fieldValues. */
export interface ValuesByKind {
  email(): fc.Arbitrary<unknown>;
  displayName(): fc.Arbitrary<unknown>;
  /** Bounds in code points, checked; `text` is a text field (line breaks allowed). */
  strings(min: number, max: number, text: boolean): fc.Arbitrary<unknown>;
  integers(min: number, max: number): fc.Arbitrary<unknown>;
  boolean(): fc.Arbitrary<unknown>;
  enum(values: readonly string[]): fc.Arbitrary<unknown>;
  /** Why an opaque field has none (thrown). */
  opaque: string;
}

/** The family's values for a field of this kind and bounds (bounds no value meets throw). */
export function fieldValues(spec: FieldSpec, values: ValuesByKind): fc.Arbitrary<unknown> {
  switch (spec.kind) {
    case "email":
      return values.email();
    case "display_name":
      return values.displayName();
    case "string":
    case "text":
      checkBounds(spec.kind, spec.min, spec.max);
      return values.strings(Math.max(0, spec.min), spec.max, spec.kind === "text");
    case "integer":
      checkBounds(spec.kind, spec.min, spec.max);
      return values.integers(spec.min, spec.max);
    case "boolean":
      return values.boolean();
    case "enum":
      return values.enum(spec.values);
    case "opaque":
      throw new Error(values.opaque);
  }
}

/** Values a target must accept for a field of this kind and bounds (and read back as sent). */
export function validFieldValues(spec: FieldSpec): fc.Arbitrary<unknown> {
  return fieldValues(spec, {
    email: () => validEmails(),
    displayName: () => validDisplayNames(),
    strings,
    integers,
    boolean: () => fc.boolean(),
    enum: (values) => fc.constantFrom(...values),
    opaque: "an opaque field has no values the suite may write (skip it)",
  });
}
