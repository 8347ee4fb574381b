import fc from "fast-check";

// docs/SPEC.md section 3, INPUT-02: "Bodies that are not a JSON object (arrays, strings,
// numbers, `null`, booleans, malformed JSON, empty) answer 400, 415 or 422, never 5xx".
// Raw body text, sent with Content-Type: application/json. Malformed texts are never
// valid JSON (RFC 8259): truncated objects, single quotes, bare keys, trailing commas,
// two values. A UTF-8 BOM (RFC 8259 section 8.1: a parser MAY ignore it) only ever
// prefixes a non-object, so a BOM-tolerant parser still sees a non-object.

export interface NonObjectBodiesConstraints {
  /** A valid object body to mutate. Default {"email":"a@example.com","display_name":"A"}. */
  validObject?: string;
}

const BOM = "\ufeff";

export function nonObjectBodies(
  constraints: NonObjectBodiesConstraints = {},
): fc.Arbitrary<string> {
  const obj = constraints.validObject ?? '{"email":"a@example.com","display_name":"A"}';
  const scalar = fc.oneof(
    fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
    fc.integer().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
    fc.constantFrom("null", "true", "false", "NaN", "Infinity", "-Infinity"),
  );
  const array = fc.oneof(
    fc.constantFrom("[]", `[${obj}]`, `[${obj},${obj}]`),
    fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }).map((a) => JSON.stringify(a)),
  );
  const malformed = fc.oneof(
    fc.integer({ min: 1, max: obj.length - 1 }).map((k) => obj.slice(0, k)),
    fc.constantFrom(
      obj.replace(/"/g, "'"),
      obj.replace(/"(\w+)":/g, "$1:"),
      obj.replace(/}$/, ",}"),
      `${obj}${obj}`,
      `${obj} x`,
      "{",
      "}",
      "{]",
      '{"email"}',
      '{"email":}',
      "{/* c */}",
    ),
  );
  const empty = fc.constantFrom("", " ", "\r\n\t ");
  const bom = fc.oneof(scalar, array, malformed).map((s) => BOM + s);
  return fc.oneof(scalar, array, malformed, empty, bom);
}
