import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runResultValidator } from "../reports/testing/schemaValidators.ts";
import { RESULT_SCHEMA_VERSION } from "../suites/result.ts";
import { RUN_RESULT_SCHEMA_FILE, runResultSchemaText } from "./runResultSchema.ts";

// The generator builds a TypeScript program: seconds, not milliseconds.
const GENERATE_MS = 60_000;

describe("reports/schemas/run-result.schema.json", () => {
  it(
    "equals what the types of suites/result.ts generate (regenerate with `npm run docs`)",
    () => {
      const text = runResultSchemaText();
      expect(readFileSync(RUN_RESULT_SCHEMA_FILE, "utf8")).toBe(text);
      const schema = JSON.parse(text);
      expect(schema.$id).toBe(`urn:baip-conformance:schema:run-result:${RESULT_SCHEMA_VERSION}`);
      expect((schema.properties as Record<string, unknown>).schemaVersion).toMatchObject({
        const: RESULT_SCHEMA_VERSION,
      });
    },
    GENERATE_MS,
  );

  it("accepts the golden conformance.json", () => {
    const golden = JSON.parse(readFileSync("reports/testdata/golden/conformance.json", "utf8"));
    expect(runResultValidator()(golden)).toEqual([]);
  });
});
