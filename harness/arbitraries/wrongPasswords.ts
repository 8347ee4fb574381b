import fc from "fast-check";

// docs/SPEC.md section 3, AUTHN-03: "A wrong password for an existing user (including
// prefixes, suffixes, case variants of the real one, and the empty password) answers
// 401". Never the real password, and never a string equal to it after the NFC
// normalisation RFC 7613's OpaqueString profile (RFC 7617 section 2.1) lets a server
// apply: such a string is arguably the same password.

export interface WrongPasswordsConstraints {
  /** Longest random suffix or unrelated password. Default 8 / 24. */
  maxExtra?: number;
}

export function wrongPasswords(
  real: string,
  constraints: WrongPasswordsConstraints = {},
): fc.Arbitrary<string> {
  const cps = [...real]; // code points, so a prefix never ends in half a surrogate pair
  const extra = fc.string({ unit: "grapheme", minLength: 1, maxLength: constraints.maxExtra ?? 8 });
  const caseVariants = [
    real.toUpperCase(),
    real.toLowerCase(),
    [...real].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(""),
    real.charAt(0).toUpperCase() + real.slice(1),
  ].filter((v) => v !== real);
  const kinds: fc.Arbitrary<string>[] = [
    fc.constant(""),
    extra.map((x) => real + x),
    extra.map((x) => x + real),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: (constraints.maxExtra ?? 8) * 3 }),
  ];
  if (cps.length > 1)
    kinds.push(fc.integer({ min: 1, max: cps.length - 1 }).map((k) => cps.slice(0, k).join("")));
  if (cps.length > 1)
    kinds.push(fc.integer({ min: 1, max: cps.length - 1 }).map((k) => cps.slice(k).join("")));
  if (caseVariants.length > 0) kinds.push(fc.constantFrom(...caseVariants));
  const nfc = real.normalize("NFC");
  return fc.oneof(...kinds).filter((p) => p !== real && p.normalize("NFC") !== nfc);
}
