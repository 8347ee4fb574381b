// junit.xml: one <testsuite> per target, one <testcase> per requirement
// (classname = target name, name = "AUTHZ-01 <title>").
//
// How outcomes map onto JUnit, which has only passed / failure / error / skipped:
// - passed MUST or SHOULD: a plain <testcase>.
// - failed MUST: <failure type="MUST">, which turns CI red.
// - failed SHOULD (a warning, docs/SPEC.md 3): by default <skipped type="SHOULD"
//   message="SHOULD warning: ...">, with the same details as a failure. CI stays green,
//   yet every JUnit viewer (Jenkins, GitLab, GitHub test reporters) counts and lists it
//   apart from the passes, which a passed testcase with a note in <system-out> would not.
//   `shouldFailures: "failure"` makes them <failure type="SHOULD"> for a strict pipeline.
// - skipped and inconclusive requirements: <skipped type="skipped|inconclusive"
//   message="<reason> [<kind>]">.
// - a waived requirement (docs/SPEC.md 5) that did not hold: <skipped type="waived"
//   message="WAIVED (found: failed): <reason>"> with everything it found, so that CI stays
//   green as the verdict does, yet every viewer lists it; one that held is a plain
//   testcase. Either carries a "waiver" property with the reason, and the testsuite lists
//   its waivers (and the identities left out of the run) in its properties and summary.
// A failed requirement's body holds every distinct failure it found, each with its own
// expected/actual, reproduction and (in <system-out>) transcript.
// - a target that could not be exercised (did not boot, died, interrupted): one extra
//   testcase "<target> boot and readiness" with <error type="INCONCLUSIVE">.
// Each testcase carries <properties> (level, outcome, OWASP, CWE, ASVS 4.0.3 and 5.0.0),
// which reports/schemas/junit-10-baip.xsd allows; `testcaseProperties: false` leaves them
// out for consumers that validate against the plain junit-10.xsd.
import type { Finding, RequirementResult, RunResult, TargetResult } from "../suites/result.ts";
import { targetVerdictLabel } from "../suites/verdict.ts";
import {
  countOutcomes,
  excludedIdentityLines,
  findingsOf,
  foundReportOutcome,
  reasonLine,
  reportOutcomeOf,
  sortById,
  waiversOf,
  waiverText,
} from "./reportOutcome.ts";
import {
  findingHeading,
  formatExpectedActual,
  formatReproduction,
  formatTranscript,
} from "./reproduction.ts";
import { sanitizeRun } from "./sanitize.ts";
import { escapeXmlAttr, escapeXmlText, plural, seconds, truncate } from "./text.ts";

export interface JunitOptions {
  /** How a failed SHOULD appears: "skipped" (default, CI stays green) or "failure". */
  shouldFailures?: "skipped" | "failure";
  /** Write <properties> inside each <testcase> (default true). */
  testcaseProperties?: boolean;
}

type Attrs = Record<string, string | number | undefined>;

function attrs(a: Attrs): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXmlAttr(String(v))}"`)
    .join("");
}

function element(indent: string, name: string, a: Attrs, text?: string): string {
  return text === undefined
    ? `${indent}<${name}${attrs(a)}/>`
    : `${indent}<${name}${attrs(a)}>${escapeXmlText(text)}</${name}>`;
}

function properties(indent: string, props: [string, string | number | undefined][]): string[] {
  const present = props.filter(([, v]) => v !== undefined && v !== "");
  if (present.length === 0) return [];
  return [
    `${indent}<properties>`,
    ...present.map(([name, value]) => element(`${indent}  `, "property", { name, value })),
    `${indent}</properties>`,
  ];
}

/** One line for a message attribute: the first line, shortened. */
function headline(s: string): string {
  return truncate(s.split("\n")[0] ?? "", 300);
}

/** The message attribute of a failed requirement: its first finding, and how many more. */
function failureMessage(findings: readonly Finding[]): string {
  const first = findings[0];
  if (first === undefined) return "no failure details recorded";
  const more = findings.length > 1 ? ` (and ${plural(findings.length - 1, "more finding")})` : "";
  return `${headline(first.title)}${more}`;
}

function failureBody(r: RequirementResult, findings: readonly Finding[]): string {
  const verdict =
    r.waiver !== undefined
      ? "did not hold, but is waived (the verdict does not depend on it)"
      : r.meta.level === "MUST"
        ? "failed"
        : "not met (a warning: the verdict does not depend on it)";
  const what =
    findings.length === 1
      ? `: ${findings[0]!.title}`
      : findings.length > 1
        ? `: ${findings.length} distinct failures`
        : "";
  const lines = [
    `${r.id} (${r.meta.level}) ${verdict}${what}`,
    ...(r.waiver === undefined ? [] : [`Waiver: ${r.waiver}`]),
    `Requirement: ${r.meta.sentence}`,
    `Remediation: ${r.meta.remediation}`,
  ];
  if (findings.length === 0) lines.push("", "(no failure details recorded)");
  findings.forEach((f, i) => {
    lines.push("");
    if (findings.length > 1) lines.push(findingHeading(f, i, findings.length));
    lines.push(formatExpectedActual(f), "", formatReproduction(f));
  });
  return lines.join("\n");
}

function transcripts(findings: readonly Finding[]): string {
  return findings
    .map((f, i) => {
      const which = findings.length > 1 ? ` of finding ${i + 1} [${f.key}]` : "";
      return `Transcript${which} (credentials redacted):\n${formatTranscript(f.transcript)}`;
    })
    .join("\n\n");
}

function requirementProperties(r: RequirementResult): [string, string | number | undefined][] {
  const refs = r.meta.references;
  return [
    ["level", r.meta.level],
    ["family", r.meta.family],
    ["outcome", reportOutcomeOf(r)],
    ["owasp", refs.owasp.join("; ")],
    ["cwe", refs.cwe.map((c) => `CWE-${c}`).join(", ")],
    ["asvs-4.0.3", refs.asvs4.join(", ")],
    ["asvs-5.0.0", refs.asvs5.join(", ")],
    ["num-runs", r.numRuns],
    ["requests", r.requests],
    ["waiver", r.waiver],
    ["reason-kind", r.reasonKind],
    ["findings", r.failures?.length],
    ["finding-keys", r.failures?.map((f) => f.key).join("; ")],
    ["seed", r.failures?.[0]?.reproduction.seed],
    ["path", r.failures?.[0]?.reproduction.path],
  ];
}

interface SuiteCounts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function testcase(
  target: TargetResult,
  r: RequirementResult,
  options: Required<JunitOptions>,
  counts: SuiteCounts,
): string[] {
  const i = "    ";
  const lines = [
    `${i}<testcase${attrs({ classname: target.name, name: `${r.id} ${r.meta.title}`, time: seconds(r.durationMs) })}>`,
  ];
  if (options.testcaseProperties) lines.push(...properties(`${i}  `, requirementProperties(r)));
  const outcome = reportOutcomeOf(r);
  const found = foundReportOutcome(r);
  counts.tests += 1;
  const findings = findingsOf(r);
  const failed = found === "failed" || found === "warning";
  if (outcome === "waived" && found !== "passed") {
    // Waived and not held: listed apart (skipped), never red, never hidden.
    counts.skipped += 1;
    const what = failed ? failureBody(r, findings) : reasonLine(r);
    lines.push(
      element(
        `${i}  `,
        "skipped",
        { type: "waived", message: `WAIVED (found: ${found}): ${headline(r.waiver ?? "")}` },
        what,
      ),
    );
    if (findings.length > 0) lines.push(element(`${i}  `, "system-out", {}, transcripts(findings)));
  } else if (outcome === "failed" || outcome === "warning") {
    // A failed result without details is still a failure (or warning), never a pass.
    const body = failureBody(r, findings);
    const message = failureMessage(findings);
    if (outcome === "warning" && options.shouldFailures === "skipped") {
      counts.skipped += 1;
      lines.push(
        element(
          `${i}  `,
          "skipped",
          { type: "SHOULD", message: `SHOULD warning: ${message}` },
          body,
        ),
      );
    } else {
      counts.failures += 1;
      lines.push(element(`${i}  `, "failure", { type: r.meta.level, message }, body));
    }
    if (findings.length > 0) lines.push(element(`${i}  `, "system-out", {}, transcripts(findings)));
  } else if (outcome === "skipped" || outcome === "inconclusive") {
    counts.skipped += 1;
    const reason = reasonLine(r);
    lines.push(
      element(
        `${i}  `,
        "skipped",
        { type: outcome, message: `${outcome}: ${headline(reason)}` },
        reason,
      ),
    );
  }
  lines.push(`${i}</testcase>`);
  return lines;
}

function bootCase(target: TargetResult, error: string, counts: SuiteCounts): string[] {
  const i = "    ";
  counts.tests += 1;
  counts.errors += 1;
  return [
    `${i}<testcase${attrs({ classname: target.name, name: `${target.name} boot and readiness`, time: seconds(target.bootMs ?? target.durationMs) })}>`,
    element(`${i}  `, "error", { type: "INCONCLUSIVE", message: headline(error) }, error),
    `${i}</testcase>`,
  ];
}

function suiteSummary(target: TargetResult): string {
  const c = countOutcomes(target.requirements);
  const lines = [
    `Verdict: ${targetVerdictLabel(target)}`,
    `Source: ${target.source}`,
    `Requirements: ${c.total} (${c.passed} passed, ${c.failed} failed, ${plural(c.warning, "SHOULD warning")}, ${c.skipped} skipped, ${c.inconclusive} inconclusive, ${c.waived} waived)`,
  ];
  const waivers = waiversOf(target);
  if (waivers.length > 0) lines.push("Waivers:", ...waivers.map((w) => `  ${waiverText(w)}`));
  const excluded = excludedIdentityLines(target);
  if (excluded.length > 0) {
    lines.push("Identities left out of the run:", ...excluded.map((l) => `  ${l}`));
  }
  if (target.error !== undefined) lines.push(`Error: ${target.error}`);
  return lines.join("\n");
}

function testsuite(
  run: RunResult,
  target: TargetResult,
  options: Required<JunitOptions>,
  totals: SuiteCounts,
): string[] {
  const counts: SuiteCounts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const body: string[] = [];
  if (target.error !== undefined) body.push(...bootCase(target, target.error, counts));
  for (const r of sortById(target.requirements)) body.push(...testcase(target, r, options, counts));
  totals.tests += counts.tests;
  totals.failures += counts.failures;
  totals.errors += counts.errors;
  totals.skipped += counts.skipped;
  return [
    `  <testsuite${attrs({
      name: target.name,
      tests: counts.tests,
      failures: counts.failures,
      errors: counts.errors,
      skipped: counts.skipped,
      time: seconds(target.durationMs),
      timestamp: run.startedAt,
      package: run.profile,
    })}>`,
    ...properties("    ", [
      ["verdict", target.verdict],
      ["verdict-label", targetVerdictLabel(target)],
      ["source", target.source],
      ["profile", run.profile],
      ["tool", `${run.tool.name} ${run.tool.version}`],
      ["seed", run.config.seed],
      ["num-runs", run.config.numRuns],
      ["boot-ms", target.bootMs],
      ["requests", target.requests],
      ["expected-failures", target.expectedFailures?.join(", ")],
      ["waivers", waiversOf(target).map(waiverText).join("; ")],
      ["excluded-identities", excludedIdentityLines(target).join("; ")],
    ]),
    ...body,
    element("    ", "system-out", {}, suiteSummary(target)),
    "  </testsuite>",
  ];
}

/** junit.xml for the run. */
export function toJunit(input: RunResult, options: JunitOptions = {}): string {
  const run = sanitizeRun(input);
  const opts: Required<JunitOptions> = {
    shouldFailures: options.shouldFailures ?? "skipped",
    testcaseProperties: options.testcaseProperties ?? true,
  };
  const totals: SuiteCounts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const suites = run.targets.flatMap((t) => testsuite(run, t, opts, totals));
  const elapsed = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({
      name: `${run.profile} conformance (${run.tool.name} ${run.tool.version})`,
      tests: totals.tests,
      failures: totals.failures,
      errors: totals.errors,
      time: seconds(Number.isFinite(elapsed) ? elapsed : 0),
    })}>`,
    ...suites,
    "</testsuites>",
    "",
  ].join("\n");
}
