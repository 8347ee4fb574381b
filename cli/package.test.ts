// The published package as a user gets it: `npm pack` (whose prepack compiles dist/),
// `npm install <tarball>` into an empty project, then `npx conformance` from there: help,
// the catalogue, and a real run of the bundled reference target, CONFORMANT. The project
// never has tsx or ajv (dev-only): the installed CLI runs the compiled JavaScript.
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { labelledContainers, ROOT, requireEngine } from "../reliability/helpers.ts";
import type { RunResult } from "../suites/result.ts";
import { type Ran, spawnCommand } from "./testing/spawnCommand.ts";

const NPM_FLAGS = ["--no-audit", "--no-fund", "--prefer-offline"];

function exec(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<Ran> {
  return spawnCommand(command, args, { cwd, env });
}

describe("the npm package, installed into another project", () => {
  let work: string;
  let project: string;
  let installed: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "baip-package-"));
    const packed = await exec("npm", ["pack", "--json", "--pack-destination", work], ROOT);
    expect(packed.code, packed.stderr).toBe(0);
    // npm prints the prepack build's output before the JSON array.
    const [{ filename }] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("\n[") + 1)) as [
      { filename: string },
    ];
    project = join(work, "project");
    await mkdir(project);
    await writeFile(
      join(project, "package.json"),
      `${JSON.stringify({ name: "uses-baip-conformance", private: true, version: "1.0.0" })}\n`,
    );
    const install = await exec("npm", ["install", join(work, filename), ...NPM_FLAGS], project);
    expect(install.code, install.stderr).toBe(0);
    installed = join(project, "node_modules", "baip-conformance");
  }, 600_000);

  afterAll(async () => {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it("ships compiled JavaScript, the reference target and the schemas, not the sources", () => {
    expect(existsSync(join(installed, "dist", "cli", "main.js"))).toBe(true);
    expect(existsSync(join(installed, "targets", "flask-reference", "Dockerfile"))).toBe(true);
    expect(existsSync(join(installed, "reports", "schemas", "run-result.schema.json"))).toBe(true);
    expect(existsSync(join(installed, "cli", "main.ts"))).toBe(false);
    expect(existsSync(join(installed, "dist", "cli", "package.test.js"))).toBe(false);
    // Dev-only dependencies stay out of a user's project.
    for (const dev of ["tsx", "ajv", "typescript", "vitest"])
      expect(existsSync(join(project, "node_modules", dev)), dev).toBe(false);
  });

  it("answers npx conformance --help and list", async () => {
    const help = await exec("npx", ["--no", "--", "conformance", "--help"], project);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^ {2}run \[options\] <targets\.\.\.>/m);
    expect(help.stdout).toMatch(/^ {2}boot \[options\] <target>/m);
    const list = await exec("npx", ["--no", "--", "conformance", "list"], project);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^AUTHZ-03\s+MUST\s+/m);
  });

  it("runs the bundled reference target: exit 0 and a CONFORMANT JSON report", async () => {
    requireEngine();
    const runId = `${inject("baipRunId")}-package`;
    const out = join(work, "reports");
    const reference = join(installed, "targets", "flask-reference");
    const args = ["--no", "--", "conformance", "run", reference, "--runs", "5", "-o", out];
    const run = await exec("npx", args, project, { BAIP_RUN_ID: runId });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, "conformance.json"), "utf8")) as RunResult;
    expect(report.targets.map((t) => [t.name, t.verdict])).toEqual([
      ["flask-reference", "CONFORMANT"],
    ]);
    expect(await labelledContainers(runId)).toEqual([]);
  }, 600_000);
});
