// README sections generated from the code, so docs cannot drift: the requirement
// catalogue (from the requirement modules), the CLI reference (from the command tree)
// and the kill matrix (from the last corpus run). `npm run docs` rewrites them;
// scripts/readmeSections.test.ts fails when the committed README is stale.
import { buildProgram } from "../cli/main.ts";
import { killMatrixMarkdown } from "../reports/killMatrix.ts";
import { CATALOGUE } from "../suites/catalogue.ts";
import type { RunResult } from "../suites/result.ts";

export function catalogueSection(): string {
  const rows = CATALOGUE.map((r) => {
    const refs = [
      ...r.meta.references.owasp.map((o) => o.split(" ")[0]),
      ...r.meta.references.cwe.map((c) => `CWE-${c}`),
    ];
    const file = `suites/${r.meta.family.toLowerCase()}/${r.meta.id}.*.ts`;
    return `| ${r.meta.id} | ${r.meta.level} | ${r.meta.title} | ${refs.join(", ")} | \`${file}\` |`;
  });
  return [
    "| ID | level | what is checked | references | module |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

export function cliSection(): string {
  const program = buildProgram();
  const parts = [program, ...program.commands].map((c) => {
    c.configureHelp({ helpWidth: 100 });
    const name = c === program ? "conformance" : `conformance ${c.name()}`;
    return `${name}\n${c.helpInformation().replace(/^Usage: /, "usage: ")}`;
  });
  return ["```text", parts.map((p) => p.trimEnd()).join("\n\n"), "```"].join("\n");
}

export function killMatrixSection(corpus: RunResult): string {
  return killMatrixMarkdown(corpus).trimEnd();
}

/** Replace the text between `<!-- NAME:start -->` and `<!-- NAME:end -->`. */
export function replaceSection(readme: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = readme.indexOf(start);
  const j = readme.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md has no ${start} ... ${end} markers`);
  return `${readme.slice(0, i + start.length)}\n${content}\n${readme.slice(j)}`;
}

export function sectionOf(readme: string, name: string): string | undefined {
  const m = new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(readme);
  return m?.[1];
}
