// Valid update bodies per the manifest's writable fields and docs/SPEC.md section 1
// value rules: PUT (replace) carries every writable field, PATCH (merge) a non-empty subset.
import fc from "fast-check";
import { validDisplayNames } from "../../harness/arbitraries/validDisplayNames.ts";
import { validEmails } from "../../harness/arbitraries/validEmails.ts";
import type { ResourceSpec } from "../../harness/manifest/schema.ts";
import type { WriteKind } from "./resourceApi.ts";

export function validValueFor(kind: "email" | "display_name"): fc.Arbitrary<string> {
  return kind === "email" ? validEmails() : validDisplayNames();
}

/** Contract-named body that every authorised writer must be able to send (INPUT-04). */
export function validBody(
  resource: ResourceSpec,
  kind: WriteKind,
): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.entries(resource.writable);
  const model = Object.fromEntries(fields.map(([name, spec]) => [name, validValueFor(spec.kind)]));
  return kind === "replace"
    ? fc.record(model)
    : fc.record(model, { requiredKeys: [] }).filter((b) => Object.keys(b).length > 0);
}

/**
 * Unremarkable valid values (ASCII e-mail and display name) for positive controls whose
 * subject is authorization, not validation: a target that mangles exotic display names
 * fails INPUT-04 for it, not AUTHZ-05.
 */
export function plainBody(
  resource: ResourceSpec,
  kind: WriteKind,
): fc.Arbitrary<Record<string, unknown>> {
  const word = fc.stringMatching(/^[a-z][a-z0-9]{0,11}$/);
  const plain = (k: "email" | "display_name") =>
    k === "email"
      ? fc.tuple(word, word).map(([l, d]) => `${l}@${d}.example`)
      : fc.tuple(word, word).map(([a, b]) => `${a} ${b}`);
  const model = Object.fromEntries(
    Object.entries(resource.writable).map(([name, spec]) => [name, plain(spec.kind)]),
  );
  return kind === "replace"
    ? fc.record(model)
    : fc.record(model, { requiredKeys: [] }).filter((b) => Object.keys(b).length > 0);
}
