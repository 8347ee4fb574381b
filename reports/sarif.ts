// conformance.sarif: SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning and
// other SARIF viewers). One rule per requirement, generated from its metadata; one result
// per distinct failure (finding) of a failed requirement per target, located at the
// target's manifest (code scanning needs a location, and the manifest is the artifact
// that names the target). Results of a requirement the manifest waives carry a
// suppression of kind "external" with the waiver's reason as justification (docs/SPEC.md
// 5), so that dashboards show them as suppressed, not as open alerts.
// Inconclusive and skipped requirements, and targets that could not be exercised, are
// tool execution notifications rather than results: they are not findings.
import { createHash } from "node:crypto";
import type { RequirementMeta } from "../suites/requirement.ts";
import {
  type Finding,
  RESULT_PROFILE,
  type RequirementResult,
  type RunResult,
  type TargetResult,
} from "../suites/result.ts";
import { exitCodeOf, overallVerdict, targetVerdictLabel } from "../suites/verdict.ts";
import { absentFindings, type BaselineComparison, baselineStateOf } from "./baseline.ts";
import {
  catalogueOf,
  countOutcomes,
  excludedIdentityLines,
  findingsOf,
  foundReportOutcome,
  reasonLine,
  reportOutcomeOf,
  sortById,
  waiversOf,
} from "./reportOutcome.ts";
import {
  credentialSources,
  findingHeading,
  formatExpectedActual,
  formatReproduction,
} from "./reproduction.ts";
import { sanitizeRun } from "./sanitize.ts";

const SARIF_SCHEMA_URI =
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

export interface SarifOptions {
  /** Absolute URI of the tool's documentation, for `tool.driver.informationUri`. */
  informationUri?: string;
  /**
   * Every requirement of the catalogue, so that rules exist even for requirements this run
   * did not select. Requirements found in the run are added when missing here.
   */
  catalogue?: readonly RequirementMeta[];
  /** Where a target's manifest lives, relative to the repository root. */
  manifestUri?: (target: TargetResult) => string;
  /**
   * `run --baseline`: each result gets its `baselineState` (SARIF 3.27.24), and findings
   * gone since the baseline are added as `absent` results (reports/baseline.ts).
   */
  baseline?: BaselineComparison;
}

/** `security-severity` as GitHub code scanning reads it: high for MUST, medium for SHOULD. */
const SECURITY_SEVERITY = { MUST: "8.0", SHOULD: "5.0" } as const;
const LEVEL = { MUST: "error", SHOULD: "warning" } as const;

/**
 * The manifest of a target, as a URI relative to the repository root: `<folder>/target.yaml`
 * for a folder source, the file itself for a `.yaml` source, and
 * `targets/<name>/target.yaml` for image and URL sources (their manifests live there by
 * convention). An absolute path becomes a `file:` URI.
 */
export function manifestUriOf(target: Pick<TargetResult, "name" | "source">): string {
  const source = target.source.trim();
  const encode = (path: string) => path.split("/").map(encodeURIComponent).join("/");
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(source);
  const isImage = !isUrl && (/:[^/]*$/.test(source) || source.includes("@sha256:"));
  if (source === "" || isUrl || isImage) return `targets/${encode(target.name)}/target.yaml`;
  const path = /\.ya?ml$/i.test(source) ? source : `${source.replace(/\/+$/, "")}/target.yaml`;
  if (path.startsWith("/")) return `file://${encode(path)}`;
  return encode(path.replace(/^(\.\/)+/, ""));
}

function pascalCase(title: string): string {
  return title
    .replace(/['’]/g, "")
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== "")
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
}

function owaspId(ref: string): string | undefined {
  return /\bAPI\d+:\d{4}\b/.exec(ref)?.[0];
}

function ruleTags(meta: RequirementMeta): string[] {
  const tags = ["security", RESULT_PROFILE, meta.family, meta.level];
  for (const cwe of meta.references.cwe) tags.push(`CWE-${cwe}`, `external/cwe/cwe-${cwe}`);
  for (const ref of meta.references.owasp) {
    const id = owaspId(ref);
    if (id === undefined) continue;
    const [risk, year] = id.split(":");
    tags.push(`OWASP-${id}`, `external/owasp/${risk!.toLowerCase()}-${year}`);
  }
  return [...new Set(tags)];
}

function referencesText(meta: RequirementMeta): string[] {
  const r = meta.references;
  const lines: string[] = [];
  if (r.owasp.length > 0) lines.push(`OWASP API Security Top 10: ${r.owasp.join("; ")}`);
  if (r.cwe.length > 0) lines.push(`CWE: ${r.cwe.map((c) => `CWE-${c}`).join(", ")}`);
  if (r.asvs4.length > 0) lines.push(`ASVS 4.0.3: ${r.asvs4.join(", ")}`);
  if (r.asvs5.length > 0) lines.push(`ASVS 5.0.0: ${r.asvs5.join(", ")}`);
  return lines;
}

function mdEscape(s: string): string {
  return s.replace(/([\\*_[\]<>|#])/g, "\\$1");
}

function rule(meta: RequirementMeta) {
  const refs = meta.references;
  const text = [
    `${meta.id} (${meta.level}, ${RESULT_PROFILE}): ${meta.sentence}`,
    "",
    `Remediation: ${meta.remediation}`,
    "",
    ...referencesText(meta),
  ].join("\n");
  const markdown = [
    `**${meta.id}** (${meta.level}, ${RESULT_PROFILE}): ${mdEscape(meta.sentence)}`,
    "",
    `**Remediation:** ${mdEscape(meta.remediation)}`,
    "",
    ...(refs.owasp.length > 0
      ? [`- OWASP API Security Top 10 2023: ${refs.owasp.map(mdEscape).join("; ")}`]
      : []),
    ...(refs.cwe.length > 0
      ? [
          `- CWE: ${refs.cwe.map((c) => `[CWE-${c}](https://cwe.mitre.org/data/definitions/${c}.html)`).join(", ")}`,
        ]
      : []),
    ...(refs.asvs4.length > 0 ? [`- ASVS 4.0.3: ${refs.asvs4.join(", ")}`] : []),
    ...(refs.asvs5.length > 0 ? [`- ASVS 5.0.0: ${refs.asvs5.join(", ")}`] : []),
  ].join("\n");
  return {
    id: meta.id,
    name: pascalCase(meta.title),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.sentence },
    help: { text, markdown },
    defaultConfiguration: { level: LEVEL[meta.level] },
    properties: {
      tags: ruleTags(meta),
      "security-severity": SECURITY_SEVERITY[meta.level],
      precision: "very-high",
      "problem.severity": LEVEL[meta.level],
      level: meta.level,
      family: meta.family,
    },
  };
}

/** Stable across runs: the target, the requirement and the finding's key, never values. */
function fingerprint(target: string, ruleId: string, key: string): string {
  return createHash("sha256")
    .update(`${target}\u0000${ruleId}\u0000${key}`)
    .digest("hex")
    .slice(0, 32);
}

function artifactLocation(uri: string) {
  return uri.startsWith("file:") ? { uri } : { uri, uriBaseId: "%SRCROOT%" };
}

function result(
  target: TargetResult,
  r: RequirementResult,
  f: Finding | undefined,
  position: { index: number; total: number },
  ruleIndex: number,
  manifestUri: string,
) {
  const found = foundReportOutcome(r);
  const what =
    f === undefined
      ? "no failure details recorded"
      : findingHeading(f, position.index, position.total);
  const head = `[${target.name}] ${r.id} (${r.meta.level}) ${r.waiver === undefined ? "failed" : "failed (waived)"}: ${what}.`;
  const text =
    f === undefined ? head : [head, formatExpectedActual(f), "", formatReproduction(f)].join("\n");
  return {
    ruleId: r.id,
    ruleIndex,
    kind: "fail",
    level: LEVEL[r.meta.level],
    message: { text },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactLocation(manifestUri),
          region: { startLine: 1 },
        },
        message: { text: `target ${target.name} (${target.source})` },
      },
    ],
    partialFingerprints: {
      "baipFinding/v1": fingerprint(target.name, r.id, f?.key ?? ""),
    },
    ...(r.waiver === undefined
      ? {}
      : {
          suppressions: [
            {
              kind: "external",
              status: "accepted",
              justification: `waived by the target's manifest: ${r.waiver}`,
            },
          ],
        }),
    properties: {
      target: target.name,
      source: target.source,
      verdict: target.verdict,
      outcome: reportOutcomeOf(r),
      found,
      ...(r.waiver === undefined ? {} : { waiver: r.waiver }),
      ...(f === undefined
        ? {}
        : {
            finding: f.key,
            findingIndex: position.index + 1,
            findings: position.total,
            expected: f.expected,
            actual: f.actual,
            hint: f.hint,
            seed: f.reproduction.seed,
            ...(f.reproduction.path === undefined ? {} : { path: f.reproduction.path }),
            ...(f.reproduction.counterexample === undefined
              ? {}
              : { counterexample: f.reproduction.counterexample }),
            replay: f.reproduction.command,
            curl: f.reproduction.curl,
            credentials: credentialSources(f),
          }),
    },
  };
}

/** One result per finding of a failed requirement (one without details if it has none). */
function results(
  target: TargetResult,
  r: RequirementResult,
  ruleIndex: number,
  manifestUri: string,
) {
  const findings: (Finding | undefined)[] = findingsOf(r);
  if (findings.length === 0) findings.push(undefined);
  return findings.map((f, index) =>
    result(target, r, f, { index, total: findings.length }, ruleIndex, manifestUri),
  );
}

/** conformance.sarif for the run. */
export function toSarif(input: RunResult, options: SarifOptions = {}): string {
  const run = sanitizeRun(input);
  const byId = new Map<string, RequirementMeta>();
  for (const m of options.catalogue ?? []) byId.set(m.id, m);
  for (const m of catalogueOf(run)) if (!byId.has(m.id)) byId.set(m.id, m);
  const metas = sortById([...byId.values()]);
  const ruleIndex = new Map(metas.map((m, i) => [m.id, i]));
  const manifestUri = options.manifestUri ?? manifestUriOf;

  const sarifResults = [];
  const notifications = [];
  for (const target of run.targets) {
    if (target.error !== undefined) {
      notifications.push({
        level: "error",
        message: {
          text: `Target ${target.name} (${target.source}) could not be exercised, verdict ${target.verdict}: ${target.error}`,
        },
      });
    }
    for (const line of excludedIdentityLines(target)) {
      notifications.push({
        level: "warning",
        message: { text: `[${target.name}] identity left out of the run: ${line}` },
      });
    }
    for (const r of sortById(target.requirements)) {
      const found = foundReportOutcome(r);
      const index = ruleIndex.get(r.id) ?? -1;
      const waived = r.waiver === undefined ? "" : ` (waived: ${r.waiver})`;
      if (found === "failed" || found === "warning") {
        const baseline = options.baseline;
        sarifResults.push(
          ...results(target, r, index, manifestUri(target)).map((x) =>
            baseline === undefined
              ? x
              : {
                  ...x,
                  baselineState: baselineStateOf(baseline, target.name, r.id, x.properties.finding),
                },
          ),
        );
      } else if (found === "inconclusive" || found === "skipped") {
        notifications.push({
          level: found === "inconclusive" && r.waiver === undefined ? "warning" : "note",
          message: { text: `[${target.name}] ${r.id} ${found}${waived}: ${reasonLine(r)}` },
          associatedRule: { id: r.id, index },
          ...(r.reasonKind === undefined ? {} : { properties: { reasonKind: r.reasonKind } }),
        });
      }
    }
  }

  for (const gone of options.baseline ? absentFindings(options.baseline) : []) {
    const { requirement: r, finding, position } = gone.baseline;
    const index = ruleIndex.get(r.id) ?? -1;
    const uri = manifestUri(gone.target);
    sarifResults.push({
      ...result(gone.target, r, finding, position, index, uri),
      baselineState: "absent",
    });
  }

  const version = run.tool.version;
  const driver = {
    name: run.tool.name,
    fullName: `${run.tool.name} ${version} (${run.profile})`,
    version,
    ...(/^\d+\.\d+\.\d+(?:[-+].*)?$/.test(version) ? { semanticVersion: version } : {}),
    ...(options.informationUri === undefined ? {} : { informationUri: options.informationUri }),
    rules: metas.map(rule),
  };
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: { driver },
        invocations: [
          {
            executionSuccessful:
              !run.interrupted && run.targets.every((t) => t.error === undefined),
            // The CLI's exit code for this run (suites/verdict.ts), so a dashboard and CI agree.
            exitCode: exitCodeOf(run),
            startTimeUtc: run.startedAt,
            endTimeUtc: run.finishedAt,
            toolExecutionNotifications: notifications,
            properties: {
              profile: run.profile,
              schemaVersion: run.schemaVersion,
              interrupted: run.interrupted,
              seed: run.config.seed,
              numRuns: run.config.numRuns,
              ...(run.config.only === undefined ? {} : { only: run.config.only }),
              ...(run.config.skip === undefined ? {} : { skip: run.config.skip }),
              ...(run.config.shard === undefined ? {} : { shard: run.config.shard }),
            },
          },
        ],
        results: sarifResults,
        columnKind: "unicodeCodePoints",
        properties: {
          profile: run.profile,
          verdict: overallVerdict(run),
          targets: run.targets.map((t) => {
            const c = countOutcomes(t.requirements);
            return {
              name: t.name,
              source: t.source,
              manifest: manifestUri(t),
              verdict: t.verdict,
              verdictLabel: targetVerdictLabel(t),
              waivers: waiversOf(t),
              excludedIdentities: t.excludedIdentities ?? [],
              passed: c.passed,
              failed: c.failed,
              warnings: c.warning,
              skipped: c.skipped,
              inconclusive: c.inconclusive,
              waived: c.waived,
            };
          }),
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
