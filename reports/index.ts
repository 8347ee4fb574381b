// The public surface of reports/: pure writers of a RunResult, the verdict rules, shard
// merging and the atomic writer. Reports only read results (they import types from
// suites/ and harness/, and nothing else from them).
export { toHtml } from "./html.ts";
export { toJson } from "./json.ts";
export { type JunitOptions, toJunit } from "./junit.ts";
export { toMarkdown } from "./markdown.ts";
export { mergeRuns } from "./mergeRuns.ts";
export { countOutcomes, type Outcome, outcomeOf } from "./outcome.ts";
export {
  formatExchange,
  formatReproduction,
  formatTranscript,
  seedPathLine,
} from "./reproduction.ts";
export { sanitizeRun } from "./sanitize.ts";
export { manifestUriOf, type SarifOptions, toSarif } from "./sarif.ts";
export {
  describeFindings,
  findSecrets,
  type SecretFinding,
  scanForSecrets,
} from "./scanForSecrets.ts";
export { overallVerdict, targetVerdict, verdictOf } from "./verdict.ts";
export {
  REPORT_FILE_NAMES,
  REPORT_FORMATS,
  type ReportFormat,
  type ReportOptions,
  renderReport,
  writeFileAtomic,
  writeReports,
} from "./writeReports.ts";
