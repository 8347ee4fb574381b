import fc from "fast-check";
import { USERNAME_PATTERN } from "../manifest/schema.ts";

// docs/SPEC.md section 3, AUTHN-04: "An unknown user ... answers 401". Well-formed user
// names (section 2: `^[a-z][a-z0-9_-]{2,31}$`) that no identity of the run has, so the
// only thing wrong with them is that they do not exist.

export interface UnknownUsernamesConstraints {
  /** Also produce names like existing ones with a suffix (`alice-x1` -> `alice-x1x`). Default true. */
  nearMisses?: boolean;
}

// Built once: fc.stringMatching compiles its regex into an arbitrary on every call.
const wellFormed = fc.stringMatching(USERNAME_PATTERN);
const suffix = fc.stringMatching(/^[a-z0-9_-]{1,3}$/);

export function unknownUsernames(
  existing: readonly string[],
  constraints: UnknownUsernamesConstraints = {},
): fc.Arbitrary<string> {
  const taken = new Set(existing);
  const kinds: fc.Arbitrary<string>[] = [
    wellFormed,
    fc.constantFrom("nobody", "admin", "root", "guest", "test", "user", "administrator"),
  ];
  if ((constraints.nearMisses ?? true) && existing.length > 0) {
    kinds.push(
      fc
        .tuple(fc.constantFrom(...existing), suffix)
        .map(([name, tail]) => (name + tail).slice(0, 32)),
    );
  }
  return fc.oneof(...kinds).filter((name) => USERNAME_PATTERN.test(name) && !taken.has(name));
}
