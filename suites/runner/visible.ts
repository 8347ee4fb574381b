// Counterexamples are read by people: a wrong password that is a no-break space must not
// print as " ". Characters a reader cannot see or cannot tell from another one are
// written as JavaScript escapes, which fast-check's own output format already uses.

/**
 * Invisible or confusable: control and format characters (Cc, Cf: zero-width joiners,
 * bidi overrides, BOM), separators other than the ASCII space (Zs, Zl, Zp: no-break and
 * other spaces), combining marks (M), private-use and unassigned code points, lone
 * surrogates.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{M}\p{Zl}\p{Zp}]|(?! )\p{Zs}/gu;

/** `"a\u00a0b"` for "a b" with a no-break space; printable text is left alone. */
export function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE, (ch) => {
    const cp = ch.codePointAt(0) ?? 0;
    return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, "0")}`;
  });
}
