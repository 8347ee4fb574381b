// Validators for the machine-readable reports, against the schemas in reports/schemas/:
// conformance.json against run-result.schema.json (ours), conformance.sarif against the
// OASIS SARIF 2.1.0 schema (vendored verbatim). Used by the report tests and available to
// the end-to-end tests.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ErrorObject, type Options } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

export const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "schemas");

export type Validator = (data: unknown) => string[];

function readSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(SCHEMA_DIR, name), "utf8")) as Record<string, unknown>;
}

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map(
    (e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"} ${JSON.stringify(e.params)}`,
  );
}

function validator(schema: Record<string, unknown>, options: Options = {}): Validator {
  const ajv = new Ajv2020({ allErrors: true, ...options });
  addFormatsModule.default(ajv);
  const validate = ajv.compile(schema);
  return (data) => (validate(data) ? [] : describe(validate.errors));
}

/** Validates a parsed conformance.json (strict mode, but for `required` inside if/then). */
export function runResultValidator(): Validator {
  return validator(readSchema("run-result.schema.json"), { strict: true, strictRequired: false });
}

/**
 * JavaScript has no inline `(?i)` flag, which the SARIF schema uses in two `language`
 * patterns; this engine turns a leading `(?i)` into the `i` flag.
 */
const inlineFlagRegExp = Object.assign(
  (pattern: string, flags: string): RegExp => {
    const m = /^(\^?)\(\?i\)/.exec(pattern);
    return m
      ? new RegExp(`${m[1]}${pattern.slice(m[0].length)}`, `${flags}i`)
      : new RegExp(pattern, flags);
  },
  { code: "inlineFlagRegExp" },
);

/**
 * Validates a parsed SARIF log against sarif-schema-2.1.0.json. Two adaptations, made in
 * memory so the vendored file stays verbatim: the `(?i)` patterns above, and the schema's
 * `region` definition, which lists `anyOf` inside `properties` by mistake (as a property
 * named "anyOf"); it is moved up to where it evidently belongs, so regions must have a
 * startLine, charOffset or byteOffset. Ajv's strict mode is off: the schema is not ours.
 */
export function sarifValidator(): Validator {
  const schema = readSchema("sarif-schema-2.1.0.json");
  const definitions = schema.definitions as Record<string, Record<string, unknown>>;
  const region = definitions.region!;
  const properties = region.properties as Record<string, unknown>;
  if (Array.isArray(properties.anyOf)) {
    region.anyOf = properties.anyOf;
    delete properties.anyOf;
  }
  return validator(schema, { strict: false, code: { regExp: inlineFlagRegExp } });
}
