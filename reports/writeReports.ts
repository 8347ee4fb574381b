// Writing the reports of a run to a folder. The writers are pure; this is the only module of
// reports/ that touches the file system. Every file is written atomically (temporary file
// in the same folder, fsync, rename, then fsync of the folder), and all formats are
// rendered before the first is written, so a writer that throws leaves no partial set.
import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { RunResult } from "../suites/result.ts";
import { toHtml } from "./html.ts";
import { toJson } from "./json.ts";
import { type JunitOptions, toJunit } from "./junit.ts";
import { toMarkdown } from "./markdown.ts";
import { type SarifOptions, toSarif } from "./sarif.ts";

export { mergeRuns } from "./mergeRuns.ts";

export type ReportFormat = "json" | "junit" | "sarif" | "html" | "md";

export const REPORT_FORMATS: readonly ReportFormat[] = ["json", "junit", "sarif", "html", "md"];

export const REPORT_FILE_NAMES: Readonly<Record<ReportFormat, string>> = {
  json: "conformance.json",
  junit: "junit.xml",
  sarif: "conformance.sarif",
  html: "report.html",
  md: "summary.md",
};

export interface ReportOptions {
  junit?: JunitOptions;
  sarif?: SarifOptions;
}

/** The text of one report: a pure function of the run. */
export function renderReport(
  run: RunResult,
  format: ReportFormat,
  options: ReportOptions = {},
): string {
  switch (format) {
    case "json":
      return toJson(run);
    case "junit":
      return toJunit(run, options.junit);
    case "sarif":
      return toSarif(run, options.sarif);
    case "html":
      return toHtml(run);
    case "md":
      return toMarkdown(run);
  }
}

/** Writes `data` to `path` so that readers see the old file or the new one, never a part. */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const tmp = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`,
  );
  const fh = await open(tmp, "wx", 0o644);
  try {
    try {
      await fh.writeFile(data, "utf8");
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch {
    // Not every platform can open or fsync a directory (Windows); the renames stand.
  } finally {
    await fh?.close();
  }
}

/**
 * Writes the chosen reports of `run` into `outDir` (created if needed) as
 * conformance.json, junit.xml, conformance.sarif, report.html and summary.md.
 * Returns the absolute paths written, in the order of `formats` (duplicates ignored).
 */
export async function writeReports(
  run: RunResult,
  outDir: string,
  formats: readonly ReportFormat[] = REPORT_FORMATS,
  options: ReportOptions = {},
): Promise<string[]> {
  const unique = [...new Set(formats)];
  for (const f of unique) {
    if (!(f in REPORT_FILE_NAMES)) throw new Error(`writeReports: unknown report format "${f}"`);
  }
  const rendered = unique.map((f) => [f, renderReport(run, f, options)] as const);
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const [format, text] of rendered) {
    const path = join(dir, REPORT_FILE_NAMES[format]);
    await writeFileAtomic(path, text);
    paths.push(path);
  }
  await syncDirectory(dir);
  return paths;
}
