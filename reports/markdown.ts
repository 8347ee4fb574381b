// summary.md: a compact Markdown summary for pull-request comments and CI job summaries
// (GitHub-flavoured Markdown). Verdict per target, then the failed MUSTs and the SHOULD
// warnings with a one-line reason and the replay command, what could not be exercised,
// and the full reproduction blocks folded in a <details>.
import type { RequirementResult, RunResult, TargetResult, Verdict } from "../suites/result.ts";
import { countOutcomes, failuresAt, sortById } from "./outcome.ts";
import { formatReproduction } from "./reproduction.ts";
import { sanitizeRun } from "./sanitize.ts";
import { formatDuration, mdCode, mdFence, mdInline } from "./text.ts";
import { overallVerdict } from "./verdict.ts";

const ICON: Record<Verdict, string> = {
  CONFORMANT: "✅",
  "NON-CONFORMANT": "❌",
  INCONCLUSIVE: "⚠️",
};

function verdictCell(v: Verdict): string {
  return `${ICON[v]} **${v}**`;
}

function reason(r: RequirementResult): string {
  const f = r.failure;
  if (f === undefined) return "no failure details recorded";
  return `${f.title}: expected ${f.expected}; actual ${f.actual}`;
}

function failureTable(rows: [TargetResult, RequirementResult][]): string[] {
  return [
    "| Target | Requirement | Why | Replay |",
    "|---|---|---|---|",
    ...rows.map(
      ([t, r]) =>
        `| ${mdCode(t.name)} | **${r.id}** ${mdInline(r.meta.title, 80)} | ${mdInline(reason(r), 220)} | ${r.failure === undefined ? "–" : mdCode(r.failure.reproduction.command)} |`,
    ),
  ];
}

/** summary.md for the run. */
export function toMarkdown(input: RunResult): string {
  const run = sanitizeRun(input);
  const overall = overallVerdict(run);
  const out: string[] = [`## ${ICON[overall]} ${run.profile} conformance: ${overall}`, ""];
  if (run.interrupted) {
    out.push("> [!WARNING]", "> The run was interrupted: results are incomplete.", "");
  }

  out.push(
    "| Target | Verdict | MUST failed | SHOULD warnings | Inconclusive | Skipped | Passed | Time |",
    "|---|---|--:|--:|--:|--:|--:|--:|",
  );
  for (const t of run.targets) {
    const c = countOutcomes(t.requirements);
    const n = (x: number) => (t.requirements.length === 0 ? "–" : String(x));
    out.push(
      `| ${mdCode(t.name)} | ${verdictCell(t.verdict)} | ${n(c.failed)} | ${n(c.warning)} | ${n(c.inconclusive)} | ${n(c.skipped)} | ${n(c.passed)} | ${formatDuration(t.durationMs)} |`,
    );
  }
  out.push("");

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
          `- ${mdCode(t.name)} **${r.id}** ${r.status}: ${mdInline(r.reason ?? "no reason recorded", 220)}`,
        );
      }
    }
  }
  if (notExercised.length > 0) {
    out.push("### Not exercised", "", ...notExercised, "");
  }

  const withDetails = [...must, ...should].filter(([, r]) => r.failure !== undefined);
  if (withDetails.length > 0) {
    out.push("<details>", "<summary>Reproductions</summary>", "");
    for (const [t, r] of withDetails) {
      out.push(
        `#### ${mdCode(t.name)} ${r.id} (${r.meta.level})`,
        "",
        mdFence(formatReproduction(r.failure!)),
        "",
      );
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
