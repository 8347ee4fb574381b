// Docs must not name commands the CLI lacks: every `conformance <command>` in a code span
// or code block of any Markdown file of the repository is a command of the CLI's tree.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { buildProgram } from "./main.ts";

const ROOT = join(import.meta.dirname, "..");
/** Folders that are not the repository's own docs (installed, built or generated). */
const SKIPPED = new Set(["node_modules", ".git", "dist", "coverage", "conformance-reports"]);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith(".md") ? [path] : [];
  });
}

/** Text of fenced code blocks and inline code spans. */
function codeOf(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/^ *(```|~~~)[^\n]*\n([\s\S]*?)^ *\1/gm)].map((m) => m[2]!);
  const prose = markdown.replace(/^ *(```|~~~)[^\n]*\n[\s\S]*?^ *\1/gm, "");
  const spans = [...prose.matchAll(/(`+)([^`][\s\S]*?)\1/g)].map((m) => m[2]!);
  return [...blocks, ...spans];
}

/**
 * The subcommand of each invocation of `conformance`: where a command starts (line or
 * span start, after `npx`, `$`, `;`, `&&` or `|`), so that `baip-conformance`,
 * `conformance-reports/` and help text ("conformance suite for ...") are not taken.
 */
function commandsNamed(code: string): string[] {
  return [...code.matchAll(/(?:^|npx[ \t]+|[$;&|][ \t]*)conformance[ \t]+([a-z][a-z-]*)\b/gm)].map(
    (m) => m[1]!,
  );
}

describe("conformance commands named in Markdown", () => {
  it("finds commands only in code, after the command name", () => {
    const doc = [
      "Run `npx conformance run targets/x` or:",
      "```sh",
      "npm i -D baip-conformance",
      "npx conformance merge a.json b.json",
      "ls conformance-reports/",
      "Property-based conformance suite for ...",
      "```",
      "A conformance suite (prose), `conformance --help`, `conformance list`.",
    ].join("\n");
    expect(codeOf(doc).flatMap(commandsNamed).sort()).toEqual(["list", "merge", "run"]);
  });

  it("names only commands the CLI registers", () => {
    const registered = new Set(["help", ...buildProgram().commands.map((c) => c.name())]);
    const unknown: string[] = [];
    let found = 0;
    for (const file of markdownFiles(ROOT)) {
      for (const command of codeOf(readFileSync(file, "utf8")).flatMap(commandsNamed)) {
        found++;
        if (!registered.has(command))
          unknown.push(`${relative(ROOT, file)}: conformance ${command}`);
      }
    }
    expect(found, "the scan finds the README's commands").toBeGreaterThan(0);
    expect(unknown).toEqual([]);
  });
});
