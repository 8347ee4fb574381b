import fc from "fast-check";

// docs/SPEC.md section 3, AUTHZ-03: claims of "another method (`X-HTTP-Method-Override`,
// ... `_method=...`) never turn a refusal into a success or a state change, on any method
// the server may route ... (an override header on a POST is the classic case)". Exactly
// one override, by header or query parameter, naming one of `methods`: the names that
// method-override middlewares read (Werkzeug's MethodOverride, Rails/Laravel `_method`,
// Google APIs' X-HTTP-Method-Override, Microsoft's X-HTTP-Method). The query value is
// unencoded: the caller encodes it (suites/lib/query.ts `withQuery`).

export interface MethodOverride {
  headers: Record<string, string>;
  query: Record<string, string>;
}

export const METHOD_OVERRIDE_HEADERS = [
  "X-HTTP-Method-Override",
  "X-HTTP-Method",
  "X-Method-Override",
] as const;
export const METHOD_OVERRIDE_PARAMS = ["_method", "method"] as const;

export function methodOverrides(methods: readonly string[]): fc.Arbitrary<MethodOverride> {
  if (methods.length === 0) throw new RangeError("methodOverrides needs at least one method");
  const method = fc.constantFrom(...methods);
  // Headers twice as often: they are what middlewares in front of JSON APIs read.
  return fc.oneof(
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...METHOD_OVERRIDE_HEADERS), method)
        .map(([name, m]) => ({ headers: { [name]: m }, query: {} })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...METHOD_OVERRIDE_PARAMS), method)
        .map(([name, m]) => ({ headers: {}, query: { [name]: m } })),
    },
  );
}
