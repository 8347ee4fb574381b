import fc from "fast-check";

// docs/SPEC.md section 3, AUTHZ-03: "adding ... query parameters that claim identity, role
// or another method (... `?role=admin`, `?as=V`, `_method=...`, and the like) never
// turns a refusal into a success or a state change." One to three parameters (names
// unique), unencoded: the caller encodes them (suites/lib/query.ts `withQuery`).

export interface IdentityOverrideQueryConstraints {
  /** Most parameters per value. Default 3. */
  maxParams?: number;
}

export function identityOverrideQuery(
  victim: string,
  constraints: IdentityOverrideQueryConstraints = {},
): fc.Arbitrary<Record<string, string>> {
  const param = fc.oneof(
    fc.tuple(
      fc.constantFrom(
        "as",
        "user",
        "username",
        "user_id",
        "impersonate",
        "sudo",
        "login",
        "on_behalf_of",
      ),
      fc.constant(victim),
    ),
    fc.tuple(fc.constantFrom("role", "roles", "user_role"), fc.constantFrom("admin", "Admin")),
    fc.tuple(
      fc.constantFrom("admin", "is_admin", "isAdmin", "debug", "bypass"),
      fc.constantFrom("true", "1"),
    ),
    fc.tuple(
      fc.constantFrom("_method", "method", "X-HTTP-Method-Override"),
      fc.constantFrom("GET", "PUT", "PATCH", "DELETE"),
    ),
  );
  return fc
    .uniqueArray(param, {
      minLength: 1,
      maxLength: constraints.maxParams ?? 3,
      selector: ([name]) => name,
    })
    .map((entries) => Object.fromEntries(entries));
}
