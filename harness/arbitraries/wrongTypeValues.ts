import fc from "fast-check";

// docs/SPEC.md section 3, INPUT-03: "Writable fields with a wrong type ... answer 400 or
// 422". Both writable fields are JSON strings (section 1), so every other JSON type is
// wrong: numbers, null, booleans, arrays (even of one valid string) and objects. Every
// value survives JSON.stringify unchanged (no NaN, no Infinity, no -0, no undefined).

export interface WrongTypeValuesConstraints {
  /** A valid string for the field, to wrap in an array or object. Default "a@example.com". */
  valid?: string;
}

export function wrongTypeValues(
  constraints: WrongTypeValuesConstraints = {},
): fc.Arbitrary<unknown> {
  const valid = constraints.valid ?? "a@example.com";
  return fc.oneof(
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
    fc.constant(null),
    fc.boolean(),
    fc.constantFrom([valid], [], { value: valid }, {}),
    fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 3 }),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.string({ maxLength: 6 }), {
      minKeys: 1,
      maxKeys: 2,
    }),
  );
}
