// `run --baseline` end to end: two corpus targets that differ by one planted defect
// (broken-idor-get-user fails AUTHZ-01, the reference does not), each the other's baseline.
// Worse exits 1 and names the newly failed requirement; better exits 0 and lists it as
// fixed; a baseline of another schema is refused before anything boots.
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeDir, requireEngine, runCli, runIdFor, tempDir } from "../reliability/helpers.ts";
import { sarifValidator } from "../reports/testing/schemaValidators.ts";
import { baselineExitCode } from "./baseline.ts";

const SEED = "424242";
const ONLY = "AUTHZ-01,AUTHZ-05,AUTHN-01";

/** [ruleId, baselineState] of every result of a run's conformance.sarif, validated. */
function sarifStates(outDir: string): string[][] {
  const sarif = JSON.parse(readFileSync(join(outDir, "conformance.sarif"), "utf8"));
  expect(sarifValidator()(sarif)).toEqual([]);
  return sarif.runs[0].results.map((r: { ruleId: string; baselineState?: string }) => [
    r.ruleId,
    r.baselineState,
  ]);
}

describe("baselineExitCode", () => {
  it("is 1 if anything got worse, interrupted or not", () => {
    expect(baselineExitCode({ worse: true, notCompared: [] }, { interrupted: true })).toBe(1);
    expect(baselineExitCode({ worse: true, notCompared: ["x"] }, { interrupted: false })).toBe(1);
  });
  it("is 2 when nothing got worse but the run could not judge everything", () => {
    expect(baselineExitCode({ worse: false, notCompared: [] }, { interrupted: true })).toBe(2);
    expect(baselineExitCode({ worse: false, notCompared: ["x"] }, { interrupted: false })).toBe(2);
  });
  it("is 0 otherwise, whatever the verdict", () => {
    expect(baselineExitCode({ worse: false, notCompared: [] }, { interrupted: false })).toBe(0);
  });
});

describe("npx conformance run --baseline", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await tempDir("baseline");
  });
  afterAll(async () => {
    await removeDir(dir);
  });

  /** One run of `target` writing JSON and SARIF into `dir/out`, with its own run id. */
  function run(target: string, out: string, ...extra: string[]) {
    return runCli(
      [
        "run",
        `targets/${target}`,
        "--runs",
        "5",
        "--seed",
        SEED,
        "--only",
        ONLY,
        "-f",
        "json,sarif",
        "-q",
        "-o",
        join(dir, out),
        ...extra,
      ],
      { env: { BAIP_RUN_ID: runIdFor(`baseline-${out}`) } },
    );
  }

  it("refuses a baseline of another schema in one line, before booting (exit 2)", async () => {
    const old = join(dir, "old.json");
    await writeFile(
      old,
      JSON.stringify({ schemaVersion: "1.0.0", profile: "BAIP/1", targets: [] }),
    );
    const r = await run("flask-reference", "refused", "--baseline", old);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        /^conformance: --baseline .*old\.json: a report of result schema 1\.0\.0 \(profile BAIP\/1\).*; re-run the baseline/,
      ),
    ]);
    expect(existsSync(join(dir, "refused"))).toBe(false);
  });

  it("exits 1 naming AUTHZ-01 newly failed, and 0 listing it fixed the other way", async () => {
    requireEngine();
    const reference = await run("flask-reference", "reference");
    expect(reference.code, reference.stderr).toBe(0);
    const broken = await run(
      "broken-idor-get-user",
      "broken",
      "--baseline",
      join(dir, "reference", "conformance.json"),
    );
    expect(broken.code, broken.stderr).toBe(1);
    expect(broken.stdout).toMatch(/^WORSE broken-idor-get-user: CONFORMANT -> NON-CONFORMANT/m);
    expect(broken.stdout).toMatch(/newly failed:\n {4}AUTHZ-01 passed -> failed\n/);
    expect(broken.stdout).toContain("worse than the baseline: broken-idor-get-user");
    const md = readFileSync(join(dir, "broken", "baseline.md"), "utf8");
    expect(md).toContain("AUTHZ-01 passed -\\> failed");
    const newStates = sarifStates(join(dir, "broken"));
    expect(newStates.length).toBeGreaterThan(0);
    expect(newStates).toEqual(newStates.map(() => ["AUTHZ-01", "new"]));

    const fixed = await run(
      "flask-reference",
      "fixed",
      "--baseline",
      join(dir, "broken", "conformance.json"),
    );
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stdout).toMatch(/^NO WORSE flask-reference: NON-CONFORMANT -> CONFORMANT/m);
    expect(fixed.stdout).toMatch(/fixed:\n {4}AUTHZ-01 failed -> passed\n/);
    expect(fixed.stdout).toContain("nothing got worse than the baseline");
    expect(existsSync(join(dir, "fixed", "baseline.md"))).toBe(true);
    expect(sarifStates(join(dir, "fixed"))).toEqual(newStates.map(() => ["AUTHZ-01", "absent"]));
  });
});
