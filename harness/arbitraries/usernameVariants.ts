import fc from "fast-check";

// docs/SPEC.md section 3, AUTHN-04: "An unknown user, or a case or whitespace variant of a
// real user name with the real password, answers 401". Variants of `real`: other
// letter cases, leading or trailing whitespace (ASCII and Unicode), and Unicode
// lookalikes (Cyrillic/Greek homoglyphs, fullwidth forms that NFKC folds back to ASCII,
// RFC 8265 section 3.2.2 would not let a user name match them). Never `real` itself; since
// user names are `^[a-z][a-z0-9_-]{2,31}$`, never another valid user name either.

export interface UsernameVariantsConstraints {
  /** Whitespace used for padding. Default ASCII space, tab, NBSP, ideographic space. */
  whitespace?: readonly string[];
  /**
   * Produce case variants. Default true; false where the service folds the case of its
   * logins on purpose (manifest `login.caseInsensitive`): no variant then differs from
   * `real` by letter case alone, while whitespace and lookalike variants remain.
   */
  cases?: boolean;
}

const LOOKALIKES: Record<string, string[]> = {
  a: ["\u0430", "\u03b1"],
  c: ["\u0441"],
  e: ["\u0435"],
  i: ["\u0456", "\u0131"],
  j: ["\u0458"],
  o: ["\u043e", "\u03bf"],
  p: ["\u0440"],
  s: ["\u0455"],
  x: ["\u0445"],
  y: ["\u0443"],
  l: ["\u04cf"],
  "-": ["\u2010", "\u2011", "\u2212"],
  _: ["\uff3f"],
};

/** Fullwidth form of an ASCII character (NFKC maps it back). */
const fullwidth = (c: string) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0);

export function usernameVariants(
  real: string,
  constraints: UsernameVariantsConstraints = {},
): fc.Arbitrary<string> {
  const ws = constraints.whitespace ?? [" ", "\t", "\u00a0", "\u3000"];
  const chars = [...real];
  const swaps = chars.flatMap((c, i) =>
    [...(LOOKALIKES[c] ?? []), ...(/[!-~]/.test(c) ? [fullwidth(c)] : [])].map((l) =>
      [...chars.slice(0, i), l, ...chars.slice(i + 1)].join(""),
    ),
  );
  const cases = constraints.cases ?? true;
  const kinds: fc.Arbitrary<string>[] = [
    fc
      .tuple(fc.constantFrom(...ws), fc.constantFrom("lead", "trail", "both"))
      .map(([w, where]) =>
        where === "lead" ? w + real : where === "trail" ? real + w : w + real + w,
      ),
  ];
  if (cases)
    kinds.unshift(
      fc.mixedCase(fc.constant(real)),
      fc.constantFrom(real.toUpperCase(), real.charAt(0).toUpperCase() + real.slice(1)),
    );
  if (swaps.length > 0) kinds.push(fc.constantFrom(...swaps));
  const folded = real.toLowerCase();
  return fc.oneof(...kinds).filter((v) => v !== real && (cases || v.toLowerCase() !== folded));
}
