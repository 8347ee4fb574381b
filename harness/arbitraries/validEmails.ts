import fc, { type SizeForArbitrary } from "fast-check";

// docs/SPEC.md section 1, `email`: "must accept every address `local@domain` where
// `local` is 1 to 64 characters made of one or more runs of ASCII letters, digits, `_`,
// `+` and `-` joined by single dots, and `domain` is two or more labels joined by dots,
// each label 1 to 63 ASCII letters, digits and inner hyphens (no leading or trailing
// hyphen), the last label 2 to 63 letters, the whole address at most 254 characters."
// (A subset of RFC 5321 section 4.1.2 Dot-string and RFC 1035 section 2.3.1 labels.)

export interface ValidEmailsConstraints {
  /** Longest local part run / domain label drawn. Default 63 (the grammar's maximum). */
  maxLabelLength?: number;
}

const alnum = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"];
const letters = alnum.slice(0, 52);

export function validEmails(constraints: ValidEmailsConstraints = {}): fc.Arbitrary<string> {
  const max = Math.min(constraints.maxLabelLength ?? 63, 63);
  // Mostly short addresses, some near the length limits of each part.
  return fc.oneof(
    { arbitrary: emails(max, "small"), weight: 4 },
    { arbitrary: emails(max, "large"), weight: 1 },
  );
}

function emails(max: number, size: SizeForArbitrary): fc.Arbitrary<string> {
  const chars = (unit: string[], minLength: number, maxLength: number) =>
    fc.string({ unit: fc.constantFrom(...unit), minLength, maxLength, size });
  // local = run *("." run), run = 1*(ALPHA / DIGIT / "_" / "+" / "-")
  const local = fc
    .array(chars([...alnum, "_", "+", "-"], 1, max), { minLength: 1, maxLength: 4 })
    .map((r) => r.join("."));
  // label = alnum [*(alnum / "-") alnum], 1 to 63 characters
  const label = fc.oneof(
    chars(alnum, 1, 1),
    fc
      .tuple(chars(alnum, 1, 1), chars([...alnum, "-"], 0, max - 2), chars(alnum, 1, 1))
      .map((p) => p.join("")),
  );
  // domain = 1*(label ".") last, last = 2*63ALPHA
  const domain = fc
    .tuple(fc.array(label, { minLength: 1, maxLength: 4 }), chars(letters, 2, max))
    .map(([labels, last]) => [...labels, last].join("."));
  return fc
    .tuple(local, domain)
    .filter(([l, d]) => l.length <= 64 && l.length + 1 + d.length <= 254)
    .map(([l, d]) => `${l}@${d}`);
}
