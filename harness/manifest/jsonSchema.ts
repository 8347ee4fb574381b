// The JSON Schema of `target.yaml`, generated from the zod schema (the one definition),
// so that editors (yaml-language-server) check manifests as they are written.
// `npm run docs` writes it to schemas/target.schema.json; a test fails when the committed
// file drifts from what the zod schema generates.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { manifestSchema } from "./schema.ts";

/**
 * Where the generated schema is committed (absolute: `conformance init` links to it).
 * Found from the package root, so that the same holds when this module runs compiled
 * from dist/.
 */
export const MANIFEST_JSON_SCHEMA_FILE = join(packageRoot(), "schemas", "target.schema.json");

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("package.json not found above harness/manifest");
    dir = parent;
  }
  return dir;
}

type JsonSchema = { [key: string]: unknown };

/** The manifest's JSON Schema, as it is written to MANIFEST_JSON_SCHEMA_FILE. */
export function manifestJsonSchema(): JsonSchema {
  // `input`: what an author writes, so keys with defaults are optional. Refinements (a
  // path holding {id}, exactly one of password/passwordEnv) have no JSON Schema form:
  // the loader still checks them and says which key is wrong.
  const generated = dropFormat(
    z.toJSONSchema(manifestSchema, { io: "input", unrepresentable: "any" }),
    // zod names its startsWith check a format; the pattern beside it already says it,
    // and validators that know only standard formats refuse unknown ones.
    "starts_with",
  ) as JsonSchema;
  const { $schema, properties, required, ...rest } = generated;
  return {
    $schema,
    title: "BAIP target manifest (target.yaml)",
    description:
      "A target of the BAIP conformance suite: how it boots, its identities, and its API as owned resources (docs/SPEC.md sections 1b and 2).",
    ...rest,
    properties: {
      // Resolved by the loader before validation (harness/manifest/load.ts): a manifest
      // that extends another one may leave out every key the other one states.
      extends: {
        type: "string",
        minLength: 1,
        description: "path of a manifest (relative to this one) whose keys this one overrides",
      },
      ...(properties as JsonSchema),
    },
    anyOf: [{ required: ["extends"] }, { required }],
  };
}

function dropFormat(node: unknown, format: string): unknown {
  if (Array.isArray(node)) return node.map((n) => dropFormat(n, format));
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === "format" && value === format))
      .map(([key, value]) => [key, dropFormat(value, format)]),
  );
}

/** The file's text: what `npm run docs` writes and the drift test compares. */
export function manifestJsonSchemaText(): string {
  return `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`;
}
