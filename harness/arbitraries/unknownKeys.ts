import fc from "fast-check";

// docs/SPEC.md section 3, INPUT-01: "A body with any key outside the writable fields (for
// example `role`, `is_admin`, `username`, `password`, `__proto__`, `Email`, random keys)
// answers 400 or 422". Writable fields are `email` and `display_name` (section 1);
// keys compare exactly, so case and whitespace variants of them are unknown keys too.
// Build bodies holding `__proto__` with JSON text or Object.defineProperty: assigning
// `obj["__proto__"] = v` sets the prototype instead of adding a key.

export interface UnknownKeysConstraints {
  /** The target's writable field names (after manifest mapping). Default email, display_name. */
  writable?: readonly string[];
}

const PRIVILEGED = [
  "role",
  "is_admin",
  "isAdmin",
  "admin",
  "username",
  "password",
  "id",
  "user_id",
  "roles",
  "permissions",
  "verified",
];
const PROTOTYPE = ["__proto__", "constructor", "prototype"];

export function unknownKeys(constraints: UnknownKeysConstraints = {}): fc.Arbitrary<string> {
  const writable = constraints.writable ?? ["email", "display_name"];
  const variants = writable.flatMap((w) => [
    w.charAt(0).toUpperCase() + w.slice(1),
    w.toUpperCase(),
    ` ${w}`,
    `${w} `,
    `${w}\u200b`,
  ]);
  const known = new Set(writable);
  return fc
    .oneof(
      fc.constantFrom(...PRIVILEGED, ...PROTOTYPE),
      fc.constantFrom(...variants, ""),
      fc.string({ minLength: 1, maxLength: 16 }),
    )
    .filter((k) => !known.has(k));
}
