// docs/SPEC.md is the profile; the requirement modules quote it. These tests keep the two
// from drifting: every module's sentence and level equal the spec's for its ID, and every
// ID of the spec is implemented or listed below as not implemented yet.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGUE } from "./catalogue.ts";

/**
 * IDs of the spec that have no module yet. Adding a module means removing its ID here,
 * so that the change is visible in review.
 */
const NOT_IMPLEMENTED: string[] = [];

const SPEC_FILE = "docs/SPEC.md";
/** `- **AUTHZ-03 MUST** <sentence>`: one requirement, one line (section 3 says so). */
const REQUIREMENT_LINE = /^- \*\*([A-Z]+-\d{2}) (MUST|SHOULD)\*\* (.+)$/;

interface SpecRequirement {
  id: string;
  level: string;
  sentence: string;
}

function specRequirements(text: string): SpecRequirement[] {
  const lines = text.split("\n");
  return lines.flatMap((line, i) => {
    const m = REQUIREMENT_LINE.exec(line);
    if (!m) return [];
    // A wrapped item would be cut short here: refuse it rather than quote half a sentence.
    const next = lines[i + 1] ?? "";
    if (/^\s+\S/.test(next)) throw new Error(`${SPEC_FILE}: ${m[1]} continues onto a second line`);
    return [{ id: m[1]!, level: m[2]!, sentence: m[3]! }];
  });
}

describe("the requirement modules quote docs/SPEC.md", () => {
  const spec = specRequirements(readFileSync(SPEC_FILE, "utf8"));
  const byId = new Map(spec.map((r) => [r.id, r]));

  it("the spec states each ID once", () => {
    expect(spec.length).toBeGreaterThan(0);
    expect(byId.size).toBe(spec.length);
  });

  it.each(CATALOGUE.map((r) => [r.meta.id, r.meta] as const))(
    "%s: sentence and level as in the spec",
    (id, meta) => {
      const stated = byId.get(id);
      expect(stated, `${id} is in the catalogue but not in ${SPEC_FILE}`).toBeDefined();
      expect(meta.sentence).toBe(stated!.sentence);
      expect(meta.level).toBe(stated!.level);
      expect(id.startsWith(`${meta.family}-`)).toBe(true);
    },
  );

  it("every ID of the spec is in the catalogue or known as not implemented", () => {
    const implemented = new Set(CATALOGUE.map((r) => r.meta.id));
    const missing = spec.map((r) => r.id).filter((id) => !implemented.has(id));
    expect(missing).toEqual(NOT_IMPLEMENTED);
  });
});

// Folders of the machine the project was built on, and the brief the spec was written
// from: users of the package have neither. Built from parts, so that this file does not
// match itself.
const FORBIDDEN = [
  ["..", "shared", ""].join("/"),
  ["", "work", ""].join("/"),
  ["CONTRACT", "md"].join("."),
];

/** Tracked and untracked-but-not-ignored files; a plain walk where git is unavailable. */
function repositoryFiles(): string[] {
  try {
    return execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    })
      .split("\0")
      .filter(Boolean);
  } catch {
    const skip = new Set(["node_modules", ".git", "conformance-reports", "coverage", ".cache"]);
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        skip.has(e.name)
          ? []
          : e.isDirectory()
            ? walk(join(dir, e.name))
            : e.isFile()
              ? [join(dir, e.name)]
              : [],
      );
    return walk(".");
  }
}

describe("the repository is self-contained", () => {
  it("no file points outside it (the build machine's folders, the brief)", () => {
    const offenders = repositoryFiles().flatMap((file) => {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        return []; // deleted in the working tree but still in the index
      }
      return text
        .split("\n")
        .flatMap((line, i) =>
          FORBIDDEN.some((f) => line.includes(f)) ? [`${file}:${i + 1}: ${line.trim()}`] : [],
        );
    });
    expect(offenders, "point to docs/SPEC.md or a path inside the repository instead").toEqual([]);
  });
});
