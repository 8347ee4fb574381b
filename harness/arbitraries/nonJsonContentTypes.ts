import fc from "fast-check";

// docs/SPEC.md section 1: "Request bodies are JSON objects sent with `Content-Type:
// application/json`", and section 3, INPUT-05: "A body with a non-JSON `Content-Type`
// answers 415 or 400". Media types (RFC 9110 section 8.3) that are not JSON: text,
// form posts (the classic CSRF-able ones: text/plain, urlencoded, multipart, which a
// browser sends cross-origin without a preflight), XML, bytes, and no header at all
// (`undefined`). Nothing JSON-like (`application/*+json`, `text/json`) is generated, so
// a target that chooses to accept those is never judged.

export interface NonJsonContentTypesConstraints {
  /** The boundary parameter of multipart/form-data. Default "baip-boundary". */
  boundary?: string;
}

export function nonJsonContentTypes(
  constraints: NonJsonContentTypesConstraints = {},
): fc.Arbitrary<string | undefined> {
  const boundary = constraints.boundary ?? "baip-boundary";
  return fc.constantFrom(
    "text/plain",
    "text/plain; charset=utf-8",
    "application/x-www-form-urlencoded",
    `multipart/form-data; boundary=${boundary}`,
    "application/xml",
    "text/xml",
    "application/octet-stream",
    "text/html",
    undefined,
  );
}
