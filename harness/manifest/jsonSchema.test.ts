import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  MANIFEST_JSON_SCHEMA_FILE,
  manifestJsonSchema,
  manifestJsonSchemaText,
} from "./jsonSchema.ts";

describe("schemas/target.schema.json", () => {
  it("equals what the zod schema generates (regenerate with `npm run docs`)", () => {
    expect(readFileSync(MANIFEST_JSON_SCHEMA_FILE, "utf8")).toBe(manifestJsonSchemaText());
  });

  it("is a valid JSON Schema that accepts the bundled reference manifest", () => {
    const validate = new Ajv2020({ allowUnionTypes: true }).compile(manifestJsonSchema());
    const reference = parse(readFileSync("targets/flask-reference/target.yaml", "utf8"));
    expect(validate(reference), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ name: "x", boot: { url: "https://127.0.0.1:8443" } })).toBe(false);
    expect(validate({ extends: "../flask-reference/target.yaml", name: "x" })).toBe(true);
  });
});
