// Valid update bodies per the manifest's writable fields and their kinds (docs/SPEC.md
// sections 1 and 1b): PUT (replace) carries every field the suite writes, PATCH (merge)
// a non-empty subset. Opaque fields have no rules the suite knows: it never writes them.
import fc from "fast-check";
import {
  isWrittenField,
  validFieldValues,
  type WrittenFieldSpec,
} from "../../harness/arbitraries/validFieldValues.ts";
import type { FieldSpec, ResourceSpec } from "../../harness/manifest/schema.ts";
import { Inconclusive } from "../failure.ts";
import type { WriteKind } from "./resourceApi.ts";

/** The writable fields the suite writes (every kind but opaque), contract-named. */
export function writtenFields(resource: ResourceSpec): [string, WrittenFieldSpec][] {
  return Object.entries(resource.writable).filter((e): e is [string, WrittenFieldSpec] =>
    isWrittenField(e[1]),
  );
}

/** Values the target must accept for this field (throws for an opaque one). */
export function validValueFor(spec: FieldSpec): fc.Arbitrary<unknown> {
  return validFieldValues(spec);
}

const word = fc.stringMatching(/^[a-z][a-z0-9]{0,11}$/);
const letter = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz");

/**
 * An unremarkable valid value: ASCII words, an integer near the middle of its range. For
 * positive controls whose subject is authorization, not validation.
 */
export function plainFieldValue(spec: FieldSpec): fc.Arbitrary<unknown> {
  switch (spec.kind) {
    case "email":
      return fc.tuple(word, word).map(([l, d]) => `${l}@${d}.example`);
    case "display_name":
      return fc.tuple(word, word).map(([a, b]) => `${a} ${b}`);
    case "string":
    case "text": {
      const min = Math.max(1, spec.min);
      if (min > spec.max) return validFieldValues(spec);
      return fc.string({ unit: letter, minLength: min, maxLength: Math.min(spec.max, min + 11) });
    }
    case "integer": {
      const mid = spec.min + Math.floor((spec.max - spec.min) / 2);
      const lo = Math.max(spec.min, Math.min(spec.max, mid - 10));
      const hi = Math.min(spec.max, Math.max(lo, mid + 10));
      return fc.integer({ min: lo, max: hi });
    }
    case "boolean":
    case "enum":
    case "opaque":
      return validFieldValues(spec);
  }
}

function bodyOf(
  resource: ResourceSpec,
  kind: WriteKind,
  value: (spec: WrittenFieldSpec) => fc.Arbitrary<unknown>,
): fc.Arbitrary<Record<string, unknown>> {
  const fields = writtenFields(resource);
  if (kind === "merge" && fields.length === 0)
    throw new Inconclusive(
      `${resource.name} declares a merge but no field the suite writes (opaque fields are never written)`,
      "precondition",
    );
  const model = Object.fromEntries(fields.map(([name, spec]) => [name, value(spec)]));
  return kind === "replace"
    ? fc.record(model)
    : fc.record(model, { requiredKeys: [] }).filter((b) => Object.keys(b).length > 0);
}

/** Contract-named body that every authorised writer must be able to send (INPUT-04). */
export function validBody(
  resource: ResourceSpec,
  kind: WriteKind,
): fc.Arbitrary<Record<string, unknown>> {
  return bodyOf(resource, kind, validFieldValues);
}

/**
 * A valid body of unremarkable values (plainFieldValue) for positive controls whose
 * subject is authorization, not validation: a target that mangles exotic display names
 * fails INPUT-04 for it, not AUTHZ-05.
 */
export function plainBody(
  resource: ResourceSpec,
  kind: WriteKind,
): fc.Arbitrary<Record<string, unknown>> {
  return bodyOf(resource, kind, plainFieldValue);
}
