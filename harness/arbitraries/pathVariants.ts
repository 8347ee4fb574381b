import fc from "fast-check";

// docs/SPEC.md section 3, AUTHZ-04: "Variants of the object path (percent-encoding, case,
// trailing slash, duplicate slashes, dot segments) never give a non-admin access to
// another user's record." Raw request targets as they go on the wire, each a different
// spelling of `template` with `{id}` = `id` that a router may resolve to the same record:
// - percent-encoding of the id (RFC 3986 section 2.1, upper or lower hex, some or all
//   octets) and of dots (`%2e%2e`) and of the slash (`%2f`);
// - case of static segments and of the id;
// - trailing slash, doubled slashes, dot segments (RFC 3986 section 5.2.4 removes them;
//   `/users/me/../V`, `/users/./V`) and `;param` path parameters (RFC 3986 section 3.3).
// The canonical spelling (`encodeURIComponent(id)`) is never produced.

export interface PathVariantsConstraints {
  /** The actor's own id, for `/users/<self>/../V`-style detours. Default "me". */
  self?: string;
}

function percentEncode(s: string, mask: readonly boolean[], upper: boolean): string {
  const bytes = [...Buffer.from(s, "utf8")];
  return bytes
    .map((b, i) => {
      const c = String.fromCharCode(b);
      const plain = b < 0x80 && /[A-Za-z0-9_.~-]/.test(c);
      if (plain && !mask[i]) return c;
      const hex = b.toString(16).padStart(2, "0");
      return `%${upper ? hex.toUpperCase() : hex}`;
    })
    .join("");
}

/** A transformation of the path part (before `?`), given its `/`-separated segments. */
type Structural = (segments: string[], at: number, self: string) => string[];

const STRUCTURAL: Record<string, Structural> = {
  none: (s) => s,
  "trailing slash": (s) => [...s, ""],
  "duplicate slash": (s, at) => [...s.slice(0, at), "", ...s.slice(at)],
  "dot segment": (s, at) => [...s.slice(0, at), ".", ...s.slice(at)],
  "dot-dot detour": (s, at, self) => [...s.slice(0, at), self, "..", ...s.slice(at)],
  "encoded dot-dot detour": (s, at, self) => [...s.slice(0, at), self, "%2e%2e", ...s.slice(at)],
  "upper-case encoded dot-dot": (s, at, self) => [
    ...s.slice(0, at),
    self,
    "%2E%2E",
    ...s.slice(at),
  ],
  "mixed dot-dot": (s, at, self) => [...s.slice(0, at), self, ".%2e", ...s.slice(at)],
  "encoded dot": (s, at) => [...s.slice(0, at), "%2e", ...s.slice(at)],
  "upper-case segment": (s, at) => s.map((x, i) => (i === at ? x.toUpperCase() : x)),
  "capitalised segment": (s, at) =>
    s.map((x, i) => (i === at ? x.charAt(0).toUpperCase() + x.slice(1) : x)),
  ";param": (s, at) => s.map((x, i) => (i === at ? `${x};x=1` : x)),
  "empty ;": (s, at) => s.map((x, i) => (i === at ? `${x};` : x)),
  "encoded slash": (s, at) =>
    at >= 2 ? [...s.slice(0, at - 1), `${s[at - 1]}%2f${s[at]}`, ...s.slice(at + 1)] : s,
  "upper-case encoded slash": (s, at) =>
    at >= 2 ? [...s.slice(0, at - 1), `${s[at - 1]}%2F${s[at]}`, ...s.slice(at + 1)] : s,
};

export function pathVariants(
  template: string,
  id: string,
  constraints: PathVariantsConstraints = {},
): fc.Arbitrary<string> {
  const self = constraints.self ?? "me";
  const canonical = template.replaceAll("{id}", encodeURIComponent(id));
  const idBytes = Buffer.byteLength(id, "utf8");
  const idForm = fc.oneof(
    fc.constant(encodeURIComponent(id)),
    fc.constant(encodeURIComponent(id.toUpperCase())),
    fc.constant(encodeURIComponent(id.charAt(0).toUpperCase() + id.slice(1))),
    fc
      .tuple(fc.array(fc.boolean(), { minLength: idBytes, maxLength: idBytes }), fc.boolean())
      .map(([mask, upper]) => percentEncode(id, mask, upper)),
    fc.boolean().map((upper) => percentEncode(id, Array(idBytes).fill(true), upper)),
  );
  const structural = fc.tuple(fc.constantFrom(...Object.keys(STRUCTURAL)), fc.nat());
  return fc
    .tuple(idForm, structural)
    .map(([idText, [kind, n]]) => {
      const filled = template.replaceAll("{id}", idText);
      const q = filled.indexOf("?");
      const [path, query] = q < 0 ? [filled, ""] : [filled.slice(0, q), filled.slice(q)];
      const segments = path.split("/"); // segments[0] is "" (the path starts with "/")
      const at = 1 + (n % Math.max(1, segments.length - 1));
      return STRUCTURAL[kind]!(segments, at, self).join("/") + query;
    })
    .filter((p) => p !== canonical);
}
