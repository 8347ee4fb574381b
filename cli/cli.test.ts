// The CLI end to end, as a user runs it: exit codes, every report format written and
// valid against its schema, replay of a reported failure, and no credential anywhere.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sampleIdentities } from "../harness/arbitraries/identities.ts";
import { scanForSecrets } from "../reports/testing/scanForSecrets.ts";
import {
  runResultValidator,
  SCHEMA_DIR,
  sarifValidator,
} from "../reports/testing/schemaValidators.ts";
import type { RunResult } from "../suites/result.ts";
import { pickFinding } from "./main.ts";
import { type Ran, spawnCommand } from "./testing/spawnCommand.ts";

const SEED = 424242;
const RUNS = "5";

function cli(args: string[]): Promise<Ran> {
  return spawnCommand(process.execPath, ["bin/conformance.mjs", ...args]);
}

const FILES = ["conformance.json", "junit.xml", "conformance.sarif", "report.html", "summary.md"];

async function expectValidReports(dir: string, output: string): Promise<RunResult> {
  for (const f of FILES) expect(existsSync(join(dir, f)), `${f} written`).toBe(true);
  const run = JSON.parse(readFileSync(join(dir, "conformance.json"), "utf8")) as RunResult;
  expect(runResultValidator()(run)).toEqual([]);
  expect(
    sarifValidator()(JSON.parse(readFileSync(join(dir, "conformance.sarif"), "utf8"))),
  ).toEqual([]);
  const xsd = spawnSync(
    "xmllint",
    ["--noout", "--schema", join(SCHEMA_DIR, "junit-10-baip.xsd"), join(dir, "junit.xml")],
    {
      encoding: "utf8",
    },
  );
  expect(xsd.status, xsd.stderr).toBe(0);
  // The generated identities of this seed are the run's real credentials.
  const passwords = sampleIdentities(SEED, { users: 3, admins: 1 }).map((i) => i.password);
  expect(await scanForSecrets(dir, passwords)).toEqual([]);
  for (const p of passwords) expect(output.includes(p)).toBe(false);
  return run;
}

describe("npx conformance", () => {
  it("list prints the whole catalogue", async () => {
    const { code, stdout } = await cli(["list"]);
    expect(code).toBe(0);
    expect(stdout.trim().split("\n")).toHaveLength(30);
    expect(stdout).toMatch(/^AUTHZ-03\s+MUST\s+/m);
  });

  it("exits 0 on the reference and writes every report, valid and free of credentials", async () => {
    const out = mkdtempSync(join(tmpdir(), "baip-cli-ok-"));
    const r = await cli([
      "run",
      "targets/flask-reference",
      "--runs",
      RUNS,
      "--seed",
      String(SEED),
      "-o",
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^CONFORMANT\s+flask-reference/m);
    const run = await expectValidReports(out, r.stdout + r.stderr);
    expect(run.targets[0]?.verdict).toBe("CONFORMANT");
  });

  it("exits 1 on a broken target, and `replay` reproduces the failure from the report", async () => {
    const out = mkdtempSync(join(tmpdir(), "baip-cli-broken-"));
    const r = await cli([
      "run",
      "targets/broken-idor-get-user",
      "--runs",
      RUNS,
      "--seed",
      String(SEED),
      "-o",
      out,
    ]);
    expect(r.code, r.stderr).toBe(1);
    const run = await expectValidReports(out, r.stdout + r.stderr);
    const failed = run.targets[0]?.requirements.find((x) => x.id === "AUTHZ-01");
    expect(failed?.status).toBe("failed");
    expect(failed?.failures?.[0]?.reproduction.command).toContain("--only AUTHZ-01");

    const replayOut = join(out, "replay");
    const replay = await cli([
      "replay",
      join(out, "conformance.json"),
      "--requirement",
      "AUTHZ-01",
      "--finding",
      "1",
      "-o",
      replayOut,
    ]);
    expect(replay.code, replay.stderr).toBe(1);
    const replayed = JSON.parse(
      readFileSync(join(replayOut, "conformance.json"), "utf8"),
    ) as RunResult;
    const again = replayed.targets[0]?.requirements.find((x) => x.id === "AUTHZ-01");
    expect(again?.failures?.[0]?.key).toBe(failed?.failures?.[0]?.key);
    expect(readdirSync(replayOut)).toContain("conformance.json");
  });

  it("rejects an unknown requirement ID before booting anything, in one line", async () => {
    const r = await cli(["run", "targets/flask-reference", "--only", "AUTHZ-99"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("unknown requirement ID AUTHZ-99");
  });
});

describe("replay --finding", () => {
  const findings = [
    { key: "PATCH /users/{id}: state changed" },
    { key: "PUT /users/{id}: answered success" },
  ];
  it("picks the first finding by default, else by number or by key", () => {
    expect(pickFinding(findings, undefined)).toBe(findings[0]);
    expect(pickFinding(findings, "2")).toBe(findings[1]);
    expect(pickFinding(findings, "PUT /users/{id}: answered success")).toBe(findings[1]);
    expect(pickFinding(findings, "3")).toBeUndefined();
    expect(pickFinding(findings, "0")).toBeUndefined();
    expect(pickFinding(findings, "DELETE /users/{id}: gone")).toBeUndefined();
  });
});

describe("npx conformance merge", () => {
  it("merges shard reports into one set, with the exit code of the merged verdict", async () => {
    const a = mkdtempSync(join(tmpdir(), "baip-shard-a-"));
    const b = mkdtempSync(join(tmpdir(), "baip-shard-b-"));
    const targets = ["targets/flask-reference", "targets/broken-idor-get-user"];
    const common = [
      "--runs",
      "3",
      "--seed",
      String(SEED),
      "--only",
      "AUTHN-01,AUTHZ-05,AUTHZ-01",
      "-q",
    ];
    expect((await cli(["run", ...targets, "--shard", "1/2", "-o", a, ...common])).code).toBe(0);
    expect((await cli(["run", ...targets, "--shard", "2/2", "-o", b, ...common])).code).toBe(1);
    const out = mkdtempSync(join(tmpdir(), "baip-merged-"));
    const merged = await cli([
      "merge",
      join(a, "conformance.json"),
      join(b, "conformance.json"),
      "-o",
      out,
    ]);
    expect(merged.code, merged.stderr).toBe(1);
    const run = await expectValidReports(out, merged.stdout + merged.stderr);
    expect(run.targets.map((t) => [t.name, t.verdict])).toEqual([
      ["flask-reference", "CONFORMANT"],
      ["broken-idor-get-user", "NON-CONFORMANT"],
    ]);
  });
});
