// `npm run docs`: rewrite README's generated sections. The kill matrix comes from the
// last corpus run (conformance-reports/corpus.json, written by suites/corpus.test.ts).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { RunResult } from "../suites/result.ts";
import {
  catalogueSection,
  cliSection,
  killMatrixSection,
  replaceSection,
  targetsSection,
} from "./readmeSections.ts";

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
