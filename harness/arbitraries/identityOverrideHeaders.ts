import fc from "fast-check";

// docs/SPEC.md section 3, AUTHZ-03: "The decision depends on the credentials alone:
// adding headers ... that claim identity, role or another method (`X-User`,
// `X-Forwarded-User`, `X-Role`, `X-HTTP-Method-Override`, `X-Original-URL`, ... and the
// like) never turns a refusal into a success or a state change." One to four such
// headers, naming the victim, the admin role, another method, another URL or a trusted
// client address (proxies and auth middlewares key on all of these).

export interface IdentityOverrideHeadersConstraints {
  /** Most headers per value. Default 4. */
  maxHeaders?: number;
}

export function identityOverrideHeaders(
  victim: string,
  constraints: IdentityOverrideHeadersConstraints = {},
): fc.Arbitrary<Record<string, string>> {
  const method = fc.constantFrom("GET", "PUT", "PATCH", "DELETE", "POST");
  const url = fc.constantFrom(`/users/${victim}`, `/profile?username=${victim}`, "/admin");
  const local = fc.constantFrom("127.0.0.1", "::1", "localhost", "10.0.0.1");
  const header = fc.oneof(
    fc.tuple(
      fc.constantFrom(
        "X-User",
        "X-Forwarded-User",
        "X-Remote-User",
        "Remote-User",
        "X-Authenticated-User",
        "X-Auth-User",
        "X-Username",
        "X-Impersonate",
        "X-Original-User",
        "X-Auth-Request-User",
      ),
      fc.constant(victim),
    ),
    fc.tuple(
      fc.constantFrom("X-Role", "X-User-Role", "X-Roles", "X-Auth-Role", "X-Forwarded-Role"),
      fc.constantFrom("admin", "Admin", "ADMIN"),
    ),
    fc.tuple(
      fc.constantFrom("X-Admin", "X-Is-Admin", "X-Privileged"),
      fc.constantFrom("true", "1", "yes"),
    ),
    fc.tuple(
      fc.constantFrom("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"),
      method,
    ),
    fc.tuple(fc.constantFrom("X-Original-URL", "X-Rewrite-URL"), url),
    fc.tuple(
      fc.constantFrom(
        "X-Forwarded-For",
        "X-Real-IP",
        "X-Client-IP",
        "X-Originating-IP",
        "True-Client-IP",
      ),
      local,
    ),
    fc.tuple(
      fc.constantFrom("Forwarded"),
      local.map((a) => `for="${a}";proto=https`),
    ),
    fc.tuple(fc.constantFrom("X-Forwarded-Host"), fc.constantFrom("localhost", "127.0.0.1")),
  );
  return fc
    .uniqueArray(header, {
      minLength: 1,
      maxLength: constraints.maxHeaders ?? 4,
      selector: ([name]) => name.toLowerCase(),
    })
    .map((entries) => Object.fromEntries(entries));
}
