// Valid update bodies per the manifest's writable fields and CONTRACT.md section 1
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
