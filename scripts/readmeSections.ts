// README sections generated from the code, so docs cannot drift: the requirement
// catalogue (from the requirement modules), the CLI reference (from the command tree)
// and the kill matrix (from the last corpus run). `npm run docs` rewrites them;
// scripts/readmeSections.test.ts fails when the committed README is stale.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { buildProgram } from "../cli/main.ts";
import { loadManifest } from "../harness/manifest/load.ts";
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

/** targets/README.md's table: every corpus target, its planted defect, what it must fail. */
export async function targetsSection(targetsDir = "targets"): Promise<string> {
  const level = new Map(CATALOGUE.map((r) => [r.meta.id, r.meta.level]));
  const folders = readdirSync(targetsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(targetsDir, d.name, "target.yaml")))
    .map((d) => d.name)
    .sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  const rows: string[] = [];
  for (const folder of folders) {
    const { manifest } = await loadManifest(join(targetsDir, folder));
    const fails = manifest.expect?.fails ?? [];
    const what = (manifest.expect?.defect ?? manifest.description ?? "")
      .replace(/\s+/g, " ")
      .replace(/\|/g, "\\|");
    const ids = fails.map((id) => (level.get(id) === "SHOULD" ? `${id} (SHOULD)` : id)).join(", ");
    rows.push(`| \`${folder}\` | ${what} | ${ids || "(none)"} |`);
  }
  return [
    "| folder | planted defect, or what it is | `expect.fails` |",
    "|---|---|---|",
    ...rows,
  ].join("\n");
}

/** Reference first, then compliant variants, the seed example, broken targets. */
function order(folder: string): number {
  if (folder === "flask-reference") return 0;
  if (!folder.startsWith("broken-") && folder !== "flask-seed-example") return 1;
  return folder === "flask-seed-example" ? 2 : 3;
}
