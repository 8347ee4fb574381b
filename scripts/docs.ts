// `npm run docs`: rewrite README's generated sections. The kill matrix comes from the
// last corpus run (conformance-reports/corpus.json, written by suites/corpus.test.ts).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import {
  MANIFEST_JSON_SCHEMA_FILE,
  manifestJsonSchemaText,
} from "../harness/manifest/jsonSchema.ts";
import type { RunResult } from "../suites/result.ts";
import {
  catalogueSection,
  cliSection,
  killMatrixSection,
  replaceSection,
  targetsSection,
} from "./readmeSections.ts";
import { RUN_RESULT_SCHEMA_FILE, runResultSchemaText } from "./runResultSchema.ts";

let readme = readFileSync("README.md", "utf8");
readme = replaceSection(readme, "catalogue", catalogueSection());
readme = replaceSection(readme, "cli", cliSection());
const corpus = "conformance-reports/corpus.json";
if (existsSync(corpus)) {
  readme = replaceSection(
    readme,
    "kill-matrix",
    killMatrixSection(JSON.parse(readFileSync(corpus, "utf8")) as RunResult),
  );
} else {
  process.stderr.write(`${corpus} not found: kill matrix left as it is (run npm test first)\n`);
}
writeFileSync("README.md", readme);

const targetsReadme = "targets/README.md";
writeFileSync(
  targetsReadme,
  replaceSection(readFileSync(targetsReadme, "utf8"), "targets", await targetsSection()),
);

// The manifest's JSON Schema, generated from the zod schema (editors validate target.yaml).
mkdirSync(dirname(MANIFEST_JSON_SCHEMA_FILE), { recursive: true });
writeFileSync(MANIFEST_JSON_SCHEMA_FILE, manifestJsonSchemaText());

// The JSON report's schema, generated from the types of suites/result.ts (shipped).
writeFileSync(RUN_RESULT_SCHEMA_FILE, runResultSchemaText());
