import { describe, expect, test } from "vitest";
import { toMarkdown } from "./markdown.ts";
import { formatReproduction } from "./reproduction.ts";
import { sampleRun } from "./testing/fixtures.ts";
import { golden } from "./testing/goldenFile.ts";

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
    expect(md.split("\n")[0]).toBe("## ❌ BAIP/2 conformance: NON-CONFORMANT with 1 waiver");
    expect(md).toMatch(
      /\| `reference-flask` \| ✅ \*\*CONFORMANT with 1 waiver\*\* \| 0 \| 0 \| 0 \| 0 \| 1 \| 5 \|/,
    );
    expect(md).toMatch(
      /\| `broken-bola` \| ❌ \*\*NON-CONFORMANT\*\* \| 2 \| 1 \| 1 \| 1 \| 0 \| 1 \|/,
    );
    expect(md).toContain(
      "- `reference-flask` AUTHN-02 (found: failed): The health check at GET /healthz answers 200",
    );
    expect(md).toContain("- `broken-bola` carol-x3 (user): AUTHN-01:");
    expect(md).toMatch(/\| `broken-no-boot` \| ⚠️ \*\*INCONCLUSIVE\*\* \|/);
    expect(md).toContain("### ❌ Failed MUST requirements (2)");
    // every finding of AUTHZ-02 has its own row and its own reproduction
    expect(md).toContain("Finding 2 of 2 \\[PUT /users/{id}: answered success\\]");
    for (const f of sampleRun().targets[1]!.requirements[2]!.failures!) {
      expect(md).toContain(formatReproduction(f));
    }
    expect(md).toContain(
      "`npx conformance run targets/broken-bola --only AUTHZ-01 --seed 1739204611 --runs 100 --path 16:0:1`",
    );
    expect(md).toContain("### ⚠️ SHOULD warnings (1)");
    expect(md).toContain("- `broken-no-boot`: did not boot: container 3f9c2a7d41b0");
    const failure = sampleRun().targets[1]!.requirements[1]!.failures![0]!;
    expect(md).toContain(formatReproduction(failure));
  });

  test("hostile strings cannot break the tables or inject markup", () => {
    const md = toMarkdown(sampleRun({ hostile: true }));
    const rows = md.split("\n").filter((l) => l.startsWith("| `broken-bola` | **"));
    expect(rows.length).toBe(5); // AUTHZ-01, AUTHZ-02 twice, INPUT-03, TLS-05
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
    expect(md.split("\n")[0]).toBe("## ✅ BAIP/2 conformance: CONFORMANT with 1 waiver");
    expect(md).toContain("### Waivers (1)");
    expect(md).not.toContain("Failed MUST");
  });
});
