import fc from "fast-check";
import { validDisplayNames } from "./validDisplayNames.ts";

// docs/SPEC.md section 1, `display_name`: "a string of 1 to 64 Unicode code points with no
// control characters (category Cc)". The strings that break exactly one part of that:
// empty, 65 or more code points (some only 64 graphemes or 65 non-BMP code points, to
// catch counting in bytes, UTF-16 units or graphemes), or a valid name with one Cc
// character inserted. Wrong JSON types are `wrongTypeValues()`.

export type InvalidDisplayNameRule = "empty" | "too-long" | "control";

export interface InvalidDisplayNamesConstraints {
  rules?: readonly InvalidDisplayNameRule[];
}

/** Category Cc samples: C0 (incl. TAB, LF, NUL), DEL, C1 (incl. NEL). */
export const DISPLAY_NAME_CONTROLS = [
  "\u0000",
  "\t",
  "\n",
  "\r",
  "\u001b",
  "\u007f",
  "\u0080",
  "\u0085",
  "\u009f",
];

export function invalidDisplayNames(
  constraints: InvalidDisplayNamesConstraints = {},
): fc.Arbitrary<string> {
  const rules = new Set<InvalidDisplayNameRule>(
    constraints.rules ?? ["empty", "too-long", "control"],
  );
  const byRule: Record<InvalidDisplayNameRule, fc.Arbitrary<string>> = {
    empty: fc.constant(""),
    "too-long": fc
      .tuple(
        validDisplayNames(),
        fc.integer({ min: 65, max: 100 }),
        fc.constantFrom("a", "😀", "\u0301", "ש"),
      )
      .map(([name, total, filler]) => {
        const cps = [...name];
        return cps.concat(Array(Math.max(0, total - cps.length)).fill(filler)).join("");
      }),
    control: fc
      .tuple(
        validDisplayNames({ maxCodePoints: 63 }),
        fc.nat(),
        fc.constantFrom(...DISPLAY_NAME_CONTROLS),
      )
      .map(([name, at, c]) => {
        const cps = [...name];
        cps.splice(at % (cps.length + 1), 0, c);
        return cps.join("");
      }),
  };
  return fc.oneof(...[...rules].map((r) => byRule[r]));
}
