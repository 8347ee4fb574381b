import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { sampleRun } from "./testing/fixtures.ts";
import { REPORT_FILE_NAMES, renderReport, writeFileAtomic, writeReports } from "./writeReports.ts";

describe("writeReports", () => {
  test("writes every format under its file name and returns the paths", async () => {
    const dir = join(await mkdtemp(join(tmpdir(), "baip-write-")), "nested", "out");
    const run = sampleRun();
    const paths = await writeReports(run, dir);
    expect(paths).toEqual(
      ["conformance.json", "junit.xml", "conformance.sarif", "report.html", "summary.md"].map((f) =>
        join(dir, f),
      ),
    );
    for (const [format, name] of Object.entries(REPORT_FILE_NAMES)) {
      expect(await readFile(join(dir, name), "utf8")).toBe(
        renderReport(run, format as keyof typeof REPORT_FILE_NAMES),
      );
    }
    expect((await readdir(dir)).sort()).toEqual(Object.values(REPORT_FILE_NAMES).sort()); // no temp files left
  });

  test("writes only the formats asked for, once each", async () => {
    const dir = await mkdtemp(join(tmpdir(), "baip-write-"));
    const paths = await writeReports(sampleRun(), dir, ["md", "junit", "md"]);
    expect(paths).toEqual([join(dir, "summary.md"), join(dir, "junit.xml")]);
    expect((await readdir(dir)).sort()).toEqual(["junit.xml", "summary.md"]);
  });

  test("an unknown format fails before anything is written", async () => {
    const dir = await mkdtemp(join(tmpdir(), "baip-write-"));
    await expect(writeReports(sampleRun(), dir, ["json", "pdf" as "json"])).rejects.toThrow(
      /unknown report format "pdf"/,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  test("a writer that throws leaves no partial set", async () => {
    const dir = await mkdtemp(join(tmpdir(), "baip-write-"));
    const broken = sampleRun();
    (broken.targets[1]!.requirements[1]!.meta as { references: unknown }).references = null;
    await expect(writeReports(broken, dir)).rejects.toThrow();
    expect(await readdir(dir)).toEqual([]);
  });

  test("replaces an existing file whole", async () => {
    const dir = await mkdtemp(join(tmpdir(), "baip-write-"));
    const path = join(dir, "summary.md");
    await writeFile(path, "x".repeat(100_000), "utf8");
    await writeFileAtomic(path, "short\n");
    expect(await readFile(path, "utf8")).toBe("short\n");
    expect(await readdir(dir)).toEqual(["summary.md"]);
  });
});
