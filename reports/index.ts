// The public surface of reports/: pure writers of a RunResult, shard merging and the
// atomic writer. Test-only helpers (fixtures, golden files, schema validators, the secret
// scanner) live in reports/testing/ and are not exported here. Reports only read results: they import types from suites/ and harness/,
// and from suites/ only the verdict rules (suites/verdict.ts) besides.
export { toHtml } from "./html.ts";
export { toJson } from "./json.ts";
export { type JunitOptions, toJunit } from "./junit.ts";
export { toMarkdown } from "./markdown.ts";
export { mergeRuns } from "./mergeRuns.ts";
export { countOutcomes, type ReportOutcome, reportOutcomeOf } from "./reportOutcome.ts";
export {
  formatExchange,
  formatReproduction,
  formatTranscript,
  seedPathLine,
} from "./reproduction.ts";
export { sanitizeRun } from "./sanitize.ts";
export { manifestUriOf, type SarifOptions, toSarif } from "./sarif.ts";
export {
  REPORT_FILE_NAMES,
  REPORT_FORMATS,
  type ReportFormat,
  type ReportOptions,
  renderReport,
  writeFileAtomic,
  writeReports,
} from "./writeReports.ts";
