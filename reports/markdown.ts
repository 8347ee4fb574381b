// summary.md: a compact Markdown summary for pull-request comments and CI job summaries
// (GitHub-flavoured Markdown). Verdict per target (with its waiver count), the waivers and
// their reasons, the identities left out of the run, then every finding of the failed
// MUSTs and the SHOULD warnings with a one-line reason and the replay command, what could
// not be exercised (with the kind of reason), and the full reproduction blocks folded in
// a <details>.
import type {
  Finding,
  RequirementResult,
  RunResult,
  TargetResult,
  Verdict,
} from "../suites/result.ts";
import { overallVerdict, overallVerdictLabel, targetVerdictLabel } from "../suites/verdict.ts";
import {
  countOutcomes,
  excludedIdentityLines,
  failuresAt,
  findingsOf,
  reasonLine,
  sortById,
  waiversOf,
  waiverText,
} from "./reportOutcome.ts";
import { findingHeading, formatReproduction } from "./reproduction.ts";
import { sanitizeRun } from "./sanitize.ts";
import { formatDuration, mdCode, mdFence, mdInline } from "./text.ts";

const ICON: Record<Verdict, string> = {
  CONFORMANT: "✅",
  "NON-CONFORMANT": "❌",
  INCONCLUSIVE: "⚠️",
};

function verdictCell(t: TargetResult): string {
  return `${ICON[t.verdict]} **${targetVerdictLabel(t)}**`;
}

function reason(f: Finding | undefined, index: number, total: number): string {
  if (f === undefined) return "no failure details recorded";
  return `${findingHeading(f, index, total)}: expected ${f.expected}; actual ${f.actual}`;
}

/** One row per finding: a requirement with two distinct failures takes two rows. */
function failureTable(rows: [TargetResult, RequirementResult][]): string[] {
  return [
    "| Target | Requirement | Why | Replay |",
    "|---|---|---|---|",
    ...rows.flatMap(([t, r]) => {
      const findings: (Finding | undefined)[] = findingsOf(r);
      if (findings.length === 0) findings.push(undefined);
      return findings.map(
        (f, i) =>
          `| ${mdCode(t.name)} | **${r.id}** ${mdInline(r.meta.title, 80)} | ${mdInline(reason(f, i, findings.length), 220)} | ${f === undefined ? "–" : mdCode(f.reproduction.command)} |`,
      );
    }),
  ];
}

/** summary.md for the run. */
export function toMarkdown(input: RunResult): string {
  const run = sanitizeRun(input);
  const overall = overallVerdict(run);
  const out: string[] = [
    `## ${ICON[overall]} ${run.profile} conformance: ${overallVerdictLabel(run)}`,
    "",
  ];
  if (run.interrupted) {
    out.push("> [!WARNING]", "> The run was interrupted: results are incomplete.", "");
  }

  out.push(
    "| Target | Verdict | MUST failed | SHOULD warnings | Inconclusive | Skipped | Waived | Passed | Time |",
    "|---|---|--:|--:|--:|--:|--:|--:|--:|",
  );
  for (const t of run.targets) {
    const c = countOutcomes(t.requirements);
    const n = (x: number) => (t.requirements.length === 0 ? "–" : String(x));
    out.push(
      `| ${mdCode(t.name)} | ${verdictCell(t)} | ${n(c.failed)} | ${n(c.warning)} | ${n(c.inconclusive)} | ${n(c.skipped)} | ${n(c.waived)} | ${n(c.passed)} | ${formatDuration(t.durationMs)} |`,
    );
  }
  out.push("");

  const waivers = run.targets.flatMap((t) =>
    waiversOf(t).map((w) => `- ${mdCode(t.name)} ${mdInline(waiverText(w), 300)}`),
  );
  if (waivers.length > 0) {
    out.push(
      `### Waivers (${waivers.length})`,
      "",
      "Waived by the target's manifest: they ran and report what they found, but do not count against the verdict.",
      "",
      ...waivers,
      "",
    );
  }
  const excluded = run.targets.flatMap((t) =>
    excludedIdentityLines(t).map((l) => `- ${mdCode(t.name)} ${mdInline(l, 300)}`),
  );
  if (excluded.length > 0) {
    out.push(
      `### Identities left out of the run (${excluded.length})`,
      "",
      "Their valid credentials did not authenticate; every other requirement ran without them.",
      "",
      ...excluded,
      "",
    );
  }

  const must = run.targets.flatMap((t) =>
    failuresAt(t, "MUST").map((r): [TargetResult, RequirementResult] => [t, r]),
  );
  const should = run.targets.flatMap((t) =>
    failuresAt(t, "SHOULD").map((r): [TargetResult, RequirementResult] => [t, r]),
  );
  if (must.length > 0) {
    out.push(`### ❌ Failed MUST requirements (${must.length})`, "", ...failureTable(must), "");
  }
  if (should.length > 0) {
    out.push(`### ⚠️ SHOULD warnings (${should.length})`, "", ...failureTable(should), "");
  }

  const notExercised: string[] = [];
  for (const t of run.targets) {
    if (t.error !== undefined) {
      notExercised.push(`- ${mdCode(t.name)}: ${mdInline(t.error, 300)}`);
    }
    for (const r of sortById(t.requirements)) {
      if (r.status === "inconclusive" || r.status === "skipped") {
        notExercised.push(
          `- ${mdCode(t.name)} **${r.id}** ${r.status}${r.waiver === undefined ? "" : " (waived)"}: ${mdInline(reasonLine(r), 220)}`,
        );
      }
    }
  }
  if (notExercised.length > 0) {
    out.push("### Not exercised", "", ...notExercised, "");
  }

  const waivedFailures = run.targets.flatMap((t) =>
    sortById(t.requirements.filter((r) => r.waiver !== undefined && r.status === "failed")).map(
      (r): [TargetResult, RequirementResult] => [t, r],
    ),
  );
  const withDetails = [...must, ...should, ...waivedFailures].filter(
    ([, r]) => findingsOf(r).length > 0,
  );
  if (withDetails.length > 0) {
    out.push("<details>", "<summary>Reproductions</summary>", "");
    for (const [t, r] of withDetails) {
      const findings = findingsOf(r);
      const waived = r.waiver === undefined ? "" : ", waived";
      findings.forEach((f, i) => {
        const which =
          findings.length > 1
            ? ` finding ${i + 1} of ${findings.length}: ${mdInline(f.key, 120)}`
            : "";
        out.push(
          `#### ${mdCode(t.name)} ${r.id} (${r.meta.level}${waived})${which}`,
          "",
          mdFence(formatReproduction(f)),
          "",
        );
      });
    }
    out.push("</details>", "");
  }

  const c = run.config;
  out.push(
    `<sub>${mdInline(`${run.tool.name} ${run.tool.version}`)} · seed ${mdCode(String(c.seed))} · ${c.numRuns} cases per property${c.shard === undefined ? "" : ` · shard ${c.shard.index + 1}/${c.shard.count}`} · ${mdInline(run.startedAt)} · full reports: report.html, junit.xml, conformance.sarif, conformance.json</sub>`,
    "",
  );
  return out.join("\n");
}
