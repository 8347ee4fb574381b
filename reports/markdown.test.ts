import { describe, expect, test } from "vitest";
import { sampleRun } from "./fixtures.ts";
import { golden } from "./goldenFile.ts";
import { toMarkdown } from "./markdown.ts";
import { formatReproduction } from "./reproduction.ts";

/** Cells of a GFM table row: split on pipes that are not escaped. */
function cells(row: string): string[] {
  return row.split(/(?<!\\)\|/).slice(1, -1);
}

describe("toMarkdown", () => {
  test("matches the golden file", async () => {
    const md = toMarkdown(sampleRun());
    expect(md).toBe(await golden("summary.md", md));
  });

  test("headline, verdict per target, failed MUSTs and SHOULD warnings with replay commands", () => {
    const md = toMarkdown(sampleRun());
    expect(md.split("\n")[0]).toBe("## ❌ BAIP/1 conformance: NON-CONFORMANT");
    expect(md).toMatch(/\| `reference-flask` \| ✅ \*\*CONFORMANT\*\* \|/);
    expect(md).toMatch(/\| `broken-bola` \| ❌ \*\*NON-CONFORMANT\*\* \| 1 \| 1 \| 1 \| 1 \| 1 \|/);
    expect(md).toMatch(/\| `broken-no-boot` \| ⚠️ \*\*INCONCLUSIVE\*\* \|/);
    expect(md).toContain("### ❌ Failed MUST requirements (1)");
    expect(md).toContain(
      "`npx conformance run targets/broken-bola --only AUTHZ-01 --seed 1739204611 --runs 100 --path 16:0:1`",
    );
    expect(md).toContain("### ⚠️ SHOULD warnings (1)");
    expect(md).toContain("- `broken-no-boot`: did not boot: container 3f9c2a7d41b0");
    const failure = sampleRun().targets[1]!.requirements[1]!.failure!;
    expect(md).toContain(formatReproduction(failure));
  });

  test("hostile strings cannot break the tables or inject markup", () => {
    const md = toMarkdown(sampleRun({ hostile: true }));
    const rows = md.split("\n").filter((l) => l.startsWith("| `broken-bola` | **"));
    expect(rows.length).toBe(3);
    for (const row of rows) expect(cells(row)).toHaveLength(4);
    // Outside fenced code blocks (where GitHub shows it as text), no raw markup survives.
    const outsideFences = md.replace(/^(`{3,})text\n[\s\S]*?\n\1$/gm, "");
    expect(outsideFences).not.toContain("<script>");
    expect(md).toContain("\\<script\\>alert(1)\\</script\\>");
    expect(md).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    // every table row is one line
    for (const line of md.split("\n").filter((l) => l.startsWith("|"))) {
      expect(line.endsWith("|")).toBe(true);
    }
  });

  test("an all-conformant run says so", () => {
    const run = sampleRun();
    run.targets = [run.targets[0]!];
    const md = toMarkdown(run);
    expect(md.split("\n")[0]).toBe("## ✅ BAIP/1 conformance: CONFORMANT");
    expect(md).not.toContain("Failed MUST");
  });
});
