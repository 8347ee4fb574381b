// report.html: one self-contained page (inline CSS, a few lines of inline JS, no external
// assets; a Content-Security-Policy forbids loading any). Summary cards per target, then
// per target its verdict (with its waiver count), the waivers and their reasons, the
// identities left out of the run, counts and timings, and a table of requirements; each
// finding of a failure, warning or waived requirement expands (<details>) to
// expected/actual/hint, the shrunk counterexample, the reproduction block of
// reports/reproduction.ts and the redacted transcript.
// Every interpolated string goes through escapeHtml.
import type { Exchange } from "../harness/http/exchange.ts";
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
  findingsOf,
  foundReportOutcome,
  type ReportOutcome,
  reasonLine,
  reportOutcomeOf,
  sortById,
  waiversOf,
  waiverText,
} from "./reportOutcome.ts";
import { findingHeading, formatExchange, formatReproduction } from "./reproduction.ts";
import { sanitizeRun } from "./sanitize.ts";
import { formatDuration, escapeHtml as h, plural } from "./text.ts";

const CSS = `
:root {
  --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --panel: #f6f8fa; --border: #d1d9e0;
  --ok: #1a7f37; --ok-bg: #dafbe1; --bad: #cf222e; --bad-bg: #ffebe9;
  --warn: #9a6700; --warn-bg: #fff8c5; --skip: #59636e; --skip-bg: #eff2f5;
  --inc: #8250df; --inc-bg: #fbefff; --link: #0969da; --code-bg: #f6f8fa;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #151b23; --border: #3d444d;
    --ok: #3fb950; --ok-bg: #12261e; --bad: #f85149; --bad-bg: #2d1214;
    --warn: #d29922; --warn-bg: #2b2111; --skip: #9198a1; --skip-bg: #212830;
    --inc: #ab7df8; --inc-bg: #231a33; --link: #4493f8; --code-bg: #151b23;
  }
}
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); }
.page { max-width: 1180px; margin: 0 auto; padding: 24px 24px 48px; }
a { color: var(--link); text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 0; display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
h3 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 18px 0 6px; }
.meta { color: var(--muted); margin: 0; }
.meta span + span::before { content: "·"; margin: 0 8px; color: var(--border); }
.banner { margin: 14px 0 0; padding: 10px 14px; border-radius: 6px; border: 1px solid var(--warn); background: var(--warn-bg); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 12px; margin: 20px 0 8px; }
.card { display: block; padding: 14px 16px; border: 1px solid var(--border); border-left-width: 5px; border-radius: 8px; background: var(--panel); color: var(--fg); }
.card:hover { text-decoration: none; border-color: var(--link); }
.card.v-conformant { border-left-color: var(--ok); }
.card.v-non-conformant { border-left-color: var(--bad); }
.card.v-inconclusive { border-left-color: var(--warn); }
.card .name { display: block; font-weight: 600; font-size: 15px; margin: 6px 0 2px; overflow-wrap: anywhere; }
.card .counts { color: var(--muted); font-size: 12.5px; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 999px; font-weight: 700; font-size: 12px; letter-spacing: .03em; border: 1px solid currentColor; }
.verdict.v-conformant { color: var(--ok); background: var(--ok-bg); }
.verdict.v-non-conformant { color: var(--bad); background: var(--bad-bg); }
.verdict.v-inconclusive { color: var(--warn); background: var(--warn-bg); }
.target { margin-top: 36px; padding-top: 20px; border-top: 1px solid var(--border); }
.facts { display: flex; flex-wrap: wrap; gap: 6px 24px; margin: 10px 0 0; color: var(--muted); }
.facts dt { display: inline; font-weight: 600; color: var(--fg); }
.facts dd { display: inline; margin: 0 0 0 6px; }
.tally { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0 0; padding: 0; list-style: none; }
.alert { margin: 14px 0 0; padding: 10px 14px; border-radius: 6px; border: 1px solid var(--warn); background: var(--warn-bg); }
.alert pre { margin: 6px 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.toolbar { display: flex; justify-content: flex-end; margin: 14px 0 6px; }
button { font: inherit; font-size: 12.5px; padding: 3px 10px; border-radius: 6px; border: 1px solid var(--border); background: var(--panel); color: var(--fg); cursor: pointer; }
button:hover { border-color: var(--link); }
table.reqs { width: 100%; table-layout: fixed; border-collapse: collapse; border: 1px solid var(--border); }
.reqs col.c-id { width: 96px; } .reqs col.c-level { width: 84px; } .reqs col.c-status { width: 112px; }
.reqs col.c-refs { width: 270px; } .reqs col.c-num { width: 74px; }
.reqs th { text-align: left; font-size: 12px; color: var(--muted); font-weight: 600; background: var(--panel); padding: 8px 10px; border-bottom: 1px solid var(--border); }
.reqs td { padding: 8px 10px; border-top: 1px solid var(--border); vertical-align: top; }
.reqs tr.details td { border-top: 0; padding: 0 10px 10px; }
.reqs td.num { text-align: right; white-space: nowrap; color: var(--muted); }
.reqs .id { white-space: nowrap; font-weight: 600; }
.reqs .title { font-weight: 500; }
.reqs .reason { color: var(--muted); font-size: 12.5px; margin-top: 2px; }
.level { font-size: 11px; font-weight: 700; letter-spacing: .04em; padding: 1px 6px; border-radius: 4px; border: 1px solid var(--border); color: var(--muted); }
.level.must { color: var(--fg); border-color: var(--fg); }
.pill { display: inline-block; font-size: 12px; font-weight: 600; padding: 1px 9px; border-radius: 999px; white-space: nowrap; }
.o-passed { color: var(--ok); background: var(--ok-bg); }
.o-failed { color: var(--bad); background: var(--bad-bg); }
.o-warning { color: var(--warn); background: var(--warn-bg); }
.o-skipped { color: var(--skip); background: var(--skip-bg); }
.o-inconclusive { color: var(--inc); background: var(--inc-bg); }
.o-waived { color: var(--skip); background: var(--skip-bg); border: 1px dashed var(--skip); }
.waivers { margin: 14px 0 0; padding: 10px 14px; border-radius: 6px; border: 1px dashed var(--border); background: var(--panel); }
.waivers ul { margin: 4px 0 0; padding-left: 20px; }
.findings { display: grid; gap: 8px; }
.pill.zero { color: var(--muted); background: transparent; border: 1px solid var(--border); font-weight: 500; }
.refs { font-size: 12px; color: var(--muted); line-height: 1.6; }
.refs b { color: var(--fg); font-weight: 600; }
details.failure { border: 1px solid var(--border); border-radius: 6px; background: var(--panel); }
details.failure.f-failed { border-left: 4px solid var(--bad); }
details.failure.f-warning { border-left: 4px solid var(--warn); }
details.failure.f-waived { border-left: 4px dashed var(--skip); }
details.failure > summary { cursor: pointer; padding: 8px 12px; font-weight: 600; color: var(--fg); background: transparent; }
details.failure[open] > summary { border-bottom: 1px solid var(--border); }
.failure-body { padding: 4px 14px 14px; background: var(--bg); border-radius: 0 0 6px 6px; }
.sentence { margin: 10px 0 0; padding: 6px 12px; border-left: 3px solid var(--border); color: var(--muted); }
dl.eah { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; margin: 12px 0 0; }
dl.eah dt { font-weight: 600; }
dl.eah dd { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
pre { margin: 0; padding: 10px 12px; background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px; white-space: pre-wrap; overflow-wrap: anywhere; }
.block { position: relative; }
.block button.copy { position: absolute; top: 6px; right: 6px; }
pre.reproduction { padding-right: 72px; }
.sentence code, dl.eah code, .title code { background: var(--code-bg); border: 1px solid var(--border); border-radius: 4px; padding: 0 4px; }
.exchanges { display: grid; gap: 8px; }
.exchange pre { border-left: 3px solid var(--border); }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print { .toolbar, button.copy { display: none; } }
`;

const JS = `
for (const b of document.querySelectorAll("button[data-expand]")) {
  b.addEventListener("click", () => {
    const section = document.getElementById(b.dataset.expand);
    const open = b.getAttribute("aria-pressed") !== "true";
    for (const d of section.querySelectorAll("details.failure")) d.open = open;
    b.setAttribute("aria-pressed", String(open));
    b.textContent = open ? "Collapse all failures" : "Expand all failures";
  });
}
for (const b of document.querySelectorAll("button.copy")) {
  b.addEventListener("click", () => {
    const pre = b.parentElement.querySelector("pre");
    const done = () => { b.textContent = "Copied"; setTimeout(() => { b.textContent = "Copy"; }, 1500); };
    if (navigator.clipboard) navigator.clipboard.writeText(pre.textContent).then(done, () => {});
    const range = document.createRange();
    range.selectNodeContents(pre);
    const sel = getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  });
}
`;

const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** Escaped text in which `backtick spans` (as the contract writes them) become <code>. */
function prose(text: string): string {
  return h(text).replace(/`([^`\n]+)`/g, "<code>$1</code>");
}

function verdictClass(v: Verdict): string {
  return `v-${v.toLowerCase()}`;
}

function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "x"
  );
}

/** The verdict, and its waiver count when there is one: "CONFORMANT with 1 waiver". */
function verdictBadge(v: Verdict, label: string = v): string {
  return `<span class="verdict ${verdictClass(v)}" data-verdict="${h(v)}">${h(label)}</span>`;
}

function pill(o: ReportOutcome): string {
  return `<span class="pill o-${o}">${o}</span>`;
}

function tallyText(t: TargetResult): string {
  const c = countOutcomes(t.requirements);
  const parts = [
    c.passed > 0 ? `${c.passed} passed` : "",
    c.failed > 0 ? `${c.failed} MUST failed` : "",
    c.warning > 0 ? plural(c.warning, "warning") : "",
    c.skipped > 0 ? `${c.skipped} skipped` : "",
    c.inconclusive > 0 ? `${c.inconclusive} inconclusive` : "",
    c.waived > 0 ? `${c.waived} waived` : "",
  ].filter((p) => p !== "");
  return parts.length === 0 ? "no requirement checked" : parts.join(" · ");
}

function tally(t: TargetResult): string {
  const c = countOutcomes(t.requirements);
  const items: [ReportOutcome, number, string][] = [
    ["passed", c.passed, "passed"],
    ["failed", c.failed, "MUST failed"],
    ["warning", c.warning, c.warning === 1 ? "SHOULD warning" : "SHOULD warnings"],
    ["skipped", c.skipped, "skipped"],
    ["inconclusive", c.inconclusive, "inconclusive"],
    ["waived", c.waived, "waived"],
  ];
  return `<ul class="tally">${items
    .map(([o, n, label]) => `<li class="pill ${n === 0 ? "zero" : `o-${o}`}">${n} ${h(label)}</li>`)
    .join("")}</ul>`;
}

function references(r: RequirementResult): string {
  const refs = r.meta.references;
  const lines: string[] = [];
  if (refs.owasp.length > 0) {
    lines.push(
      `<b>OWASP</b> ${refs.owasp
        .map((o) => {
          const short = /\bAPI\d+:\d{4}\b/.exec(o)?.[0] ?? o;
          return `<span title="${h(o)}">${h(short)}</span>`;
        })
        .join(", ")}`,
    );
  }
  if (refs.cwe.length > 0) {
    lines.push(
      `<b>CWE</b> ${refs.cwe
        .map(
          (c) =>
            `<a href="https://cwe.mitre.org/data/definitions/${c}.html" rel="noreferrer">${c}</a>`,
        )
        .join(", ")}`,
    );
  }
  const asvs: string[] = [];
  if (refs.asvs4.length > 0) asvs.push(`4.0.3: ${h(refs.asvs4.join(", "))}`);
  if (refs.asvs5.length > 0) asvs.push(`5.0.0: ${h(refs.asvs5.join(", "))}`);
  if (asvs.length > 0) lines.push(`<b>ASVS</b> ${asvs.join("; ")}`);
  return lines.join("<br>");
}

function block(cls: string, text: string, copy = false): string {
  const button = copy ? '<button type="button" class="copy">Copy</button>' : "";
  return `<div class="block">${button}<pre class="${cls}">${h(text)}</pre></div>`;
}

function exchange(ex: Exchange): string {
  return `<div class="exchange">${block("mono", formatExchange(ex))}</div>`;
}

function findingDetails(
  r: RequirementResult,
  f: Finding,
  index: number,
  total: number,
  kind: ReportOutcome,
): string {
  const label = kind === "waived" ? "Waived" : kind === "warning" ? "Warning" : "Failure";
  const parts = [
    `<details class="failure f-${kind}" data-requirement="${h(r.id)}" data-finding="${h(f.key)}">`,
    `<summary>${label}: ${h(findingHeading(f, index, total))}</summary>`,
    '<div class="failure-body">',
    `<blockquote class="sentence">${prose(r.meta.sentence)}</blockquote>`,
    '<dl class="eah">',
    `<dt>Expected</dt><dd>${h(f.expected)}</dd>`,
    `<dt>Actual</dt><dd>${h(f.actual)}</dd>`,
    f.hint === "" ? "" : `<dt>Hint</dt><dd>${h(f.hint)}</dd>`,
    `<dt>Remediation</dt><dd>${prose(r.meta.remediation)}</dd>`,
    r.waiver === undefined ? "" : `<dt>Waiver</dt><dd>${h(r.waiver)}</dd>`,
    "</dl>",
  ];
  if (f.reproduction.counterexample !== undefined) {
    parts.push(
      "<h3>Shrunk counterexample</h3>",
      block("counterexample", f.reproduction.counterexample),
    );
  }
  parts.push(
    "<h3>Reproduce</h3>",
    block("reproduction", formatReproduction(f, { counterexample: false }), true),
    `<h3>Transcript (${plural(f.transcript.length, "exchange")}, credentials redacted)</h3>`,
    f.transcript.length === 0
      ? '<p class="meta">No exchanges recorded.</p>'
      : `<div class="exchanges">${f.transcript.map(exchange).join("")}</div>`,
    "</div>",
    "</details>",
  );
  return parts.join("");
}

/** Every finding of a failed requirement, each folded apart. */
function failureDetails(r: RequirementResult, kind: ReportOutcome): string {
  const findings = findingsOf(r);
  if (findings.length === 0) {
    return `<details class="failure f-${kind}" data-requirement="${h(r.id)}"><summary>${h(r.id)}: no failure details recorded</summary></details>`;
  }
  return `<div class="findings">${findings.map((f, i) => findingDetails(r, f, i, findings.length, kind)).join("")}</div>`;
}

function requirementRows(t: TargetResult, r: RequirementResult): string {
  const outcome = reportOutcomeOf(r);
  const found = foundReportOutcome(r);
  const rowId = `${slug(t.name)}-${slug(r.id)}`;
  const notes: string[] = [];
  if (r.waiver !== undefined) {
    notes.push(`<div class="reason">Waived (found: ${h(found)}): ${h(r.waiver)}</div>`);
  }
  if (found === "skipped" || found === "inconclusive") {
    notes.push(`<div class="reason">${h(reasonLine(r))}</div>`);
  }
  const findings = findingsOf(r).length;
  if (findings > 1) notes.push(`<div class="reason">${findings} distinct failures</div>`);
  const reason = notes.join("");
  const row = [
    `<tr id="${rowId}" data-requirement="${h(r.id)}" data-outcome="${outcome}">`,
    `<td class="id"><code>${h(r.id)}</code></td>`,
    `<td><span class="level ${r.meta.level.toLowerCase()}">${h(r.meta.level)}</span></td>`,
    `<td><div class="title">${h(r.meta.title)}</div>${reason}</td>`,
    `<td>${pill(outcome)}</td>`,
    `<td class="refs">${references(r)}</td>`,
    `<td class="num">${r.numRuns}</td>`,
    `<td class="num">${r.requests}</td>`,
    `<td class="num">${h(formatDuration(r.durationMs))}</td>`,
    "</tr>",
  ].join("");
  if (found !== "failed" && found !== "warning") return row;
  return `${row}<tr class="details"><td colspan="8">${failureDetails(r, outcome)}</td></tr>`;
}

function expectedFailuresFact(t: TargetResult): string {
  if (t.expectedFailures === undefined) return "";
  const actual = new Set(t.requirements.filter((r) => r.status === "failed").map((r) => r.id));
  const expected = new Set(t.expectedFailures);
  const missing = [...expected].filter((id) => !actual.has(id));
  const unexpected = [...actual].filter((id) => !expected.has(id));
  const verdict =
    missing.length === 0 && unexpected.length === 0
      ? "as built"
      : [
          missing.length > 0 ? `not failed: ${missing.join(", ")}` : "",
          unexpected.length > 0 ? `also failed: ${unexpected.join(", ")}` : "",
        ]
          .filter((s) => s !== "")
          .join("; ");
  return `<div><dt>Built to fail</dt><dd>${h(t.expectedFailures.join(", ") || "nothing")} (${h(verdict)})</dd></div>`;
}

function targetSection(t: TargetResult): string {
  const id = `target-${slug(t.name)}`;
  const facts = [
    `<div><dt>Source</dt><dd><code>${h(t.source)}</code></dd></div>`,
    t.bootMs === undefined ? "" : `<div><dt>Boot</dt><dd>${h(formatDuration(t.bootMs))}</dd></div>`,
    `<div><dt>Duration</dt><dd>${h(formatDuration(t.durationMs))}</dd></div>`,
    `<div><dt>Requests</dt><dd>${t.requests}</dd></div>`,
    expectedFailuresFact(t),
  ].join("");
  const error =
    t.error === undefined
      ? ""
      : `<div class="alert" role="alert"><strong>This target could not be exercised; verdict ${h(t.verdict)}.</strong><pre>${h(t.error)}</pre></div>`;
  const waivers = waiversOf(t);
  const waiverList =
    waivers.length === 0
      ? ""
      : `<div class="waivers" data-waivers="${waivers.length}"><strong>${h(plural(waivers.length, "waiver"))}</strong> (the manifest's; they do not count against the verdict):<ul>${waivers.map((w) => `<li>${h(waiverText(w))}</li>`).join("")}</ul></div>`;
  const excludedLines = excludedIdentityLines(t);
  const excluded =
    excludedLines.length === 0
      ? ""
      : `<div class="alert" data-excluded-identities="${excludedLines.length}"><strong>${h(plural(excludedLines.length, "identity", "identities"))} left out of the run</strong> (valid credentials did not authenticate; every other requirement ran without them):<ul>${excludedLines.map((l) => `<li>${h(l)}</li>`).join("")}</ul></div>`;
  const hasDetails = t.requirements.some((r) => r.status === "failed");
  const table =
    t.requirements.length === 0
      ? t.error === undefined
        ? '<p class="meta">No requirement was checked.</p>'
        : ""
      : [
          hasDetails
            ? `<div class="toolbar"><button type="button" data-expand="${id}" aria-pressed="false">Expand all failures</button></div>`
            : '<div class="toolbar"></div>',
          '<table class="reqs"><colgroup><col class="c-id"><col class="c-level"><col><col class="c-status"><col class="c-refs"><col class="c-num"><col class="c-num"><col class="c-num"></colgroup><thead><tr><th>ID</th><th>Level</th><th>Requirement</th><th>Status</th><th>References</th><th class="num">Cases</th><th class="num">Requests</th><th class="num">Time</th></tr></thead><tbody>',
          sortById(t.requirements)
            .map((r) => requirementRows(t, r))
            .join(""),
          "</tbody></table>",
        ].join("");
  return [
    `<section class="target" id="${id}" data-target="${h(t.name)}">`,
    `<h2>${verdictBadge(t.verdict, targetVerdictLabel(t))} <span>${h(t.name)}</span></h2>`,
    `<dl class="facts">${facts}</dl>`,
    t.requirements.length === 0 ? "" : tally(t),
    waiverList,
    excluded,
    error,
    table,
    "</section>",
  ].join("\n");
}

function card(t: TargetResult): string {
  return `<a class="card ${verdictClass(t.verdict)}" href="#target-${slug(t.name)}" data-target="${h(t.name)}">${verdictBadge(t.verdict, targetVerdictLabel(t))}<span class="name">${h(t.name)}</span><span class="counts">${h(t.error === undefined ? tallyText(t) : "not exercised")}</span></a>`;
}

function headline(run: RunResult): string {
  const counts = new Map<Verdict, number>();
  for (const t of run.targets) counts.set(t.verdict, (counts.get(t.verdict) ?? 0) + 1);
  const parts = (["NON-CONFORMANT", "INCONCLUSIVE", "CONFORMANT"] as const)
    .filter((v) => counts.has(v))
    .map((v) => `${counts.get(v)} ${v.toLowerCase()}`);
  return `${plural(run.targets.length, "target")}${parts.length > 0 ? `: ${parts.join(", ")}` : ""}`;
}

/** report.html for the run. */
export function toHtml(input: RunResult): string {
  const run = sanitizeRun(input);
  const elapsed = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
  const config = run.config;
  const meta = [
    `<span>${h(run.tool.name)} ${h(run.tool.version)}</span>`,
    `<span>started ${h(run.startedAt)}</span>`,
    `<span>${h(formatDuration(elapsed))}</span>`,
    `<span>seed <code>${config.seed}</code></span>`,
    `<span>${config.numRuns} cases per property</span>`,
    config.shard === undefined
      ? ""
      : `<span>shard ${config.shard.index + 1} of ${config.shard.count}</span>`,
    config.only === undefined ? "" : `<span>only ${h(config.only.join(", "))}</span>`,
    config.skip === undefined ? "" : `<span>skipping ${h(config.skip.join(", "))}</span>`,
  ].join("");
  const interrupted = run.interrupted
    ? '<p class="banner" role="alert"><strong>The run was interrupted.</strong> Results are incomplete; targets not fully checked are INCONCLUSIVE.</p>'
    : "";
  const title = `${run.profile} conformance: ${overallVerdictLabel(run)}, ${headline(run)}`;
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    `<title>${h(title)}</title>`,
    `<style>${CSS}</style>`,
    "</head>",
    `<body data-overall-verdict="${overallVerdict(run)}">`,
    '<div class="page">',
    "<header>",
    `<h1>${h(run.profile)} conformance report</h1>`,
    `<p class="meta">${meta}</p>`,
    interrupted,
    `<h3>${verdictBadge(overallVerdict(run), overallVerdictLabel(run))} ${h(headline(run))}</h3>`,
    `<nav class="cards">${run.targets.map(card).join("")}</nav>`,
    "</header>",
    "<main>",
    ...run.targets.map(targetSection),
    "</main>",
    `<footer>Generated by ${h(run.tool.name)} ${h(run.tool.version)} from a result of schema ${h(run.schemaVersion)}. Credentials in transcripts and reproductions are redacted; passwords come from the sources named in each reproduction's Credentials line.</footer>`,
    "</div>",
    `<script>${JS}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
