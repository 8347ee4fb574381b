import fc from "fast-check";

// docs/SPEC.md section 1, `display_name`: "a string of 1 to 64 Unicode code points with no
// control characters (category Cc). Stored and returned exactly, code point for code
// point." Built from pieces that trip naive implementations: non-BMP characters (two
// UTF-16 units, four UTF-8 bytes), combining marks, right-to-left scripts and bidi
// marks, NFC/NFD-distinct spellings of the same text (a normalising store changes
// them), zero-width and format characters (category Cf, allowed), quotes and markup.

export interface ValidDisplayNamesConstraints {
  /** Most code points. Default 64 (the contract's maximum). */
  maxCodePoints?: number;
}

export const DISPLAY_NAME_PIECES = {
  ascii: [
    "Alice",
    "Bob Smith",
    "O'Brien",
    'say "hi"',
    "back\\slash",
    "<b>x</b>",
    "null",
    "  padded  ",
    "%00",
    "{id}",
  ],
  nfc: ["é", "Å", "ñ", "ü", "Ç", "ő", "한"],
  nfd: ["e\u0301", "A\u030a", "n\u0303", "u\u0308", "C\u0327", "\u1112\u1161\u11ab"],
  combining: ["a\u0301\u0302\u0303", "Z\u0351\u0352\u0353\u0354", "\u0301"],
  nonBmp: ["😀", "👩‍💻", "🇫🇷", "𝔘𝔫𝔦", "𠜎", "🏳️‍🌈"],
  rtl: ["שלום", "مرحبا", "\u200fRTL", "\u202eabc\u202c", "עִבְרִית"],
  other: ["日本語", "Ελληνικά", "Ж", "\u200b", "\ufeff", "\u00a0", "ǅ", "ß"],
};

const cp = (s: string) => [...s];

export function validDisplayNames(
  constraints: ValidDisplayNamesConstraints = {},
): fc.Arbitrary<string> {
  const max = Math.min(constraints.maxCodePoints ?? 64, 64);
  const piece = fc.oneof(
    fc.constantFrom(...Object.values(DISPLAY_NAME_PIECES).flat()),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 6 }),
  );
  const composed = fc
    .tuple(fc.array(piece, { minLength: 1, maxLength: 6 }), fc.constantFrom("", " "))
    .map(([pieces, sep]) => cp(pieces.join(sep)).slice(0, max).join(""));
  // Exactly at the limit, counted in code points (not UTF-16 units, bytes or graphemes).
  const atLimit = fc
    .constantFrom("a", "😀", "e\u0301", "ש", "𠜎")
    .map((unit) => cp(unit.repeat(max)).slice(0, max).join(""));
  return fc
    .oneof({ arbitrary: composed, weight: 9 }, { arbitrary: atLimit, weight: 1 })
    .filter((s) => s.length > 0 && !/\p{Cc}/u.test(s));
}
