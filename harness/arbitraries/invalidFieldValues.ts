import fc from "fast-check";
import type { FieldSpec } from "../manifest/schema.ts";
import { DISPLAY_NAME_CONTROLS, invalidDisplayNames } from "./invalidDisplayNames.ts";
import { invalidEmails } from "./invalidEmails.ts";
import {
  fieldValues,
  paddingFor,
  TEXT_ALLOWED_CONTROLS,
  toCodePoints,
  validFieldValues,
} from "./validFieldValues.ts";
import { wrongTypeValues } from "./wrongTypeValues.ts";

// docs/SPEC.md section 3, INPUT-03: "Writable fields with a wrong type or an invalid value
// answer 400 or 422". Each value here breaks exactly one rule of the field's kind and
// bounds (validFieldValues.ts) and nothing else the target could object to: wrong JSON
// types; strings one or more code points too long (some long only in code points, not in
// graphemes) or too short, or holding one control character; integers just or far
// outside [min, max]; enum strings that are not one of the values, exactly. Never
// anything the contract leaves to the target (the `email` middle ground), and never a
// body over 64 KiB (a 413 would be a right answer there).

/** Category Cc samples a `string` refuses (C0 incl. TAB and LF, DEL, C1). */
const STRING_CONTROLS = DISPLAY_NAME_CONTROLS;
/** ... and those `text` refuses: every Cc but line feed and tab. */
const TEXT_CONTROLS = STRING_CONTROLS.filter(
  (c) => !(TEXT_ALLOWED_CONTROLS as readonly string[]).includes(c),
);

/** JSON integers beyond every bound a manifest can declare (bounds are safe integers). */
const HUGE = [2 ** 53, 2 ** 63, 2 ** 64, 1e20, -(2 ** 53), -(2 ** 63), -(2 ** 64), -1e20];

function strings(min: number, max: number, text: boolean): fc.Arbitrary<unknown> {
  const kind = text ? "text" : "string";
  const within = validFieldValues({ kind, min, max }) as fc.Arbitrary<string>;
  const atMax = validFieldValues({ kind, min: max, max }) as fc.Arbitrary<string>;
  const tooLong = fc
    .tuple(atMax, fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 16 })))
    .chain(([s, extra]) =>
      fc.constantFrom(...paddingFor(max + extra)).map((p) => toCodePoints(s, max + extra, p)),
    );
  const tooShort =
    min <= 1
      ? fc.constant("")
      : fc.oneof(
          fc.constant(""),
          validFieldValues({
            kind,
            min: Math.max(1, min - 3),
            max: min - 1,
          }) as fc.Arbitrary<string>,
        );
  // One code point replaced, not inserted, so that the length stays within bounds.
  const control = fc
    .tuple(within, fc.nat(), fc.constantFrom(...(text ? TEXT_CONTROLS : STRING_CONTROLS)))
    .map(([s, at, c]) => {
      const cps = [...s];
      if (cps.length === 0) return c;
      cps[at % cps.length] = c;
      return cps.join("");
    });
  return fc.oneof(
    tooLong,
    control,
    ...(min >= 1 ? [tooShort] : []),
    wrongTypeValues({ valid: "a".repeat(Math.max(1, min)) }),
  );
}

function integers(min: number, max: number): fc.Arbitrary<unknown> {
  const valid = fc.integer({ min, max });
  // Mostly one past a bound, where off-by-one comparisons let values through.
  const outside = fc.oneof(
    { arbitrary: fc.constantFrom(min - 1, max + 1), weight: 4 },
    { arbitrary: fc.constantFrom(...HUGE), weight: 1 },
    ...(max < Number.MAX_SAFE_INTEGER
      ? [{ arbitrary: fc.integer({ min: max + 1, max: Number.MAX_SAFE_INTEGER }), weight: 1 }]
      : []),
    ...(min > Number.MIN_SAFE_INTEGER
      ? [{ arbitrary: fc.integer({ min: Number.MIN_SAFE_INTEGER, max: min - 1 }), weight: 1 }]
      : []),
  );
  // Numbers with a fraction (JSON never writes 2.0, so every one is visibly not an
  // integer), the integer as a string, booleans (Python's bool is an int), and the rest.
  const fractions = fc.oneof(
    fc.constantFrom(0.5, 1.5, -1.5, min + 0.5, max - 0.5),
    fc.double({ min, max, noNaN: true }),
  );
  const wrongType = fc.oneof(
    fractions.filter((d) => Number.isFinite(d) && !Number.isInteger(d)),
    valid.map(String),
    fc.constantFrom(true, false, null, "", "1", "one"),
    valid.map((n) => [n]),
    valid.map((n) => ({ value: n })),
    fc.constantFrom([], {}),
  );
  return fc.oneof(outside, wrongType);
}

function booleans(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(0, 1, "true", "false", "True", "1", "0", "", "yes", null, [true], {}),
    wrongTypeValues({ valid: "true" }).filter((v) => typeof v !== "boolean"),
  );
}

function enums(values: readonly string[]): fc.Arbitrary<unknown> {
  const allowed = new Set(values);
  const value = fc.constantFrom(...values);
  const variants = value.chain((v) =>
    fc.constantFrom(
      v.toUpperCase(),
      v.toLowerCase(),
      v.charAt(0).toUpperCase() + v.slice(1),
      ` ${v}`,
      `${v} `,
      `${v}\u200b`,
      v.normalize("NFD"),
      v.normalize("NFKC"),
      `${v}x`,
      v.slice(0, -1),
    ),
  );
  const otherStrings = fc
    .oneof(
      { arbitrary: variants, weight: 4 },
      { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
      { arbitrary: fc.constant(""), weight: 1 },
    )
    .filter((s) => !allowed.has(s) && !/\p{Surrogate}/u.test(s));
  return fc.oneof(
    otherStrings,
    value.chain((v) => wrongTypeValues({ valid: v })),
  );
}

/** Values a target must refuse with 400 or 422 for a field of this kind and bounds. */
export function invalidFieldValues(spec: FieldSpec): fc.Arbitrary<unknown> {
  return fieldValues(spec, {
    email: () => fc.oneof(wrongTypeValues({ valid: "a@example.com" }), invalidEmails()),
    displayName: () => fc.oneof(wrongTypeValues({ valid: "A Name" }), invalidDisplayNames()),
    strings,
    integers,
    boolean: booleans,
    enum: enums,
    opaque: "an opaque field has no values the suite may judge (skip it)",
  });
}
