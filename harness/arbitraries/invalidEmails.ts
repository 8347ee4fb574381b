import fc from "fast-check";
import { validEmails } from "./validEmails.ts";

// docs/SPEC.md section 1, `email`: "Must reject strings with no `@`, more than one `@`,
// any whitespace or control character, an empty local part or domain, or more than 254
// characters. Anything between is the target's choice, and the suite never judges it."
// So every value here is a valid address with exactly one of those defects planted;
// nothing "between" (too-long local part, leading dot, IP literal...) is ever generated.

export type InvalidEmailRule =
  | "no-at"
  | "several-at"
  | "whitespace"
  | "control"
  | "empty-local"
  | "empty-domain"
  | "too-long";

export interface InvalidEmailsConstraints {
  /** Only these rules. Default: all of them. */
  rules?: readonly InvalidEmailRule[];
}

/** Unicode White_Space (ASCII and a few others; U+0085 is also a control). */
export const EMAIL_WHITESPACE = [
  " ",
  "\t",
  "\n",
  "\r",
  "\v",
  "\f",
  "\u00a0",
  "\u1680",
  "\u2003",
  "\u2028",
  "\u3000",
];
/** Category Cc: C0, DEL, C1. */
export const EMAIL_CONTROLS = [
  "\u0000",
  "\u0001",
  "\u001b",
  "\u001f",
  "\u007f",
  "\u0080",
  "\u0085",
  "\u009f",
];

function insertAt(s: string, at: number, piece: string): string {
  const i = at % (s.length + 1);
  return s.slice(0, i) + piece + s.slice(i);
}

export function invalidEmails(constraints: InvalidEmailsConstraints = {}): fc.Arbitrary<string> {
  const rules = new Set<InvalidEmailRule>(
    constraints.rules ?? [
      "no-at",
      "several-at",
      "whitespace",
      "control",
      "empty-local",
      "empty-domain",
      "too-long",
    ],
  );
  const email = validEmails({ maxLabelLength: 20 });
  const split = email.map((e) => ({
    local: e.slice(0, e.indexOf("@")),
    domain: e.slice(e.indexOf("@") + 1),
  }));
  const byRule: Record<InvalidEmailRule, fc.Arbitrary<string>> = {
    "no-at": email.map((e) => e.replace("@", "")),
    "several-at": fc
      .tuple(email, fc.nat(), fc.integer({ min: 1, max: 3 }))
      .map(([e, at, n]) => insertAt(e, at, "@".repeat(n))),
    whitespace: fc
      .tuple(email, fc.nat(), fc.constantFrom(...EMAIL_WHITESPACE))
      .map(([e, at, w]) => insertAt(e, at, w)),
    control: fc
      .tuple(email, fc.nat(), fc.constantFrom(...EMAIL_CONTROLS))
      .map(([e, at, c]) => insertAt(e, at, c)),
    "empty-local": split.map(({ domain }) => `@${domain}`),
    "empty-domain": split.map(({ local }) => `${local}@`),
    // Local part within 64, labels within 63: only the total length is wrong.
    "too-long": fc.tuple(split, fc.integer({ min: 255, max: 400 })).map(([{ local }, total]) => {
      const labels: string[] = [];
      let domain = "example.com";
      while (local.length + 1 + domain.length < total) {
        labels.push(
          `l${labels.length}`.padEnd(Math.min(63, total - local.length - domain.length - 2), "x"),
        );
        domain = [...labels, "example", "com"].join(".");
      }
      return `${local}@${domain}`;
    }),
  };
  return fc.oneof(...[...rules].map((r) => byRule[r]));
}
