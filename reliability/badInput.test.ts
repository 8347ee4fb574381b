// Bad input to the CLI: each case ends with exit 2 and one line that names the cause and
// the fix (no stack trace), and leaves nothing behind: no container, no temporary files,
// and no report folder when the run never started.
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../cli/main.ts";
import {
  cliEnv,
  cliTempDir,
  harnessTempFiles,
  labelledContainers,
  lines,
  REFERENCE,
  removeDir,
  runCli,
  runIdFor,
  tempDir,
} from "./helpers.ts";

const RESOURCES = `resources:
  - name: user
    reads:
      - { method: GET, path: "/users/{id}", who: owner-or-privileged }
    merge: { method: PATCH, path: "/users/{id}" }
    writable:
      email: { kind: email }
      display_name: { kind: display_name }
`;

const LISTED = `identities:
  list:
    - { username: alice, password: "pw-alice", role: user }
    - { username: bobby, password: "pw-bobby", role: user }
    - { username: carol, password: "pw-carol", role: admin }
`;

const dirs: string[] = [];
const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) server.close();
  for (const dir of dirs) await removeDir(dir);
});

/** A target folder holding `yaml` as its target.yaml. */
async function targetFolder(name: string, yaml: string): Promise<string> {
  const root = await tempDir(`bad-${name}`);
  dirs.push(root);
  const folder = join(root, name);
  await mkdir(folder);
  await writeFile(join(folder, "target.yaml"), yaml);
  return folder;
}

/** Runs the CLI; returns its result and what it left behind. */
async function cli(name: string, args: string[], env: Record<string, string> = {}) {
  const runId = runIdFor(`bad-${name}`);
  const tmp = await cliTempDir(`bad-${name}-tmp`);
  const outParent = await tempDir(`bad-${name}-out`);
  dirs.push(tmp, outParent);
  const out = join(outParent, "reports");
  const run = await runCli(["run", ...args, "-o", out], {
    env: { ...cliEnv(runId, tmp), ...env },
    killAfterMs: 60_000,
  });
  const leftTemp = await harnessTempFiles(tmp);
  return { run, runId, out, leftTemp };
}

/**
 * The CLI's main() in this process, its output captured: the validation cases never reach
 * the engine, so a child process (seconds of CPU to start) would add nothing.
 */
async function mainInProcess(args: string[]) {
  const out = join(await tempDir("bad-main"), "reports");
  dirs.push(dirname(out));
  let stdout = "";
  let stderr = "";
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(["run", ...args, "-o", out]);
    return { code, stdout, stderr, out };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
}

/** Exit 2, one stderr line matching `message`, no stack trace, no report folder. */
async function expectRefusedInProcess(args: string[], message: RegExp) {
  const run = await mainInProcess(args);
  console.log(`${args.join(" ")}: exit ${run.code}: ${run.stderr.trim()}`);
  expect(run.code, run.stderr).toBe(2);
  expect(lines(run.stderr), run.stderr).toHaveLength(1);
  expect(run.stderr.trim()).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stdout).toBe("");
  expect(existsSync(run.out), "a report folder for a run that never started").toBe(false);
}

/** Exit 2, exactly one stderr line, matching `message`, no stack trace, nothing left. */
async function expectRefused(name: string, args: string[], message: RegExp, env = {}) {
  const { run, runId, out, leftTemp } = await cli(name, args, env);
  console.log(`${name}: exit ${run.code} in ${Math.round(run.ms)} ms: ${run.stderr.trim()}`);
  expect(run.code, run.stderr).toBe(2);
  expect(lines(run.stderr), run.stderr).toHaveLength(1);
  expect(run.stderr.trim()).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stdout).toBe("");
  expect(existsSync(out), "a report folder for a run that never started").toBe(false);
  expect(leftTemp).toEqual([]);
  if (!("DOCKER_HOST" in env)) expect(await labelledContainers(runId)).toEqual([]);
}

// Sequential: output is captured by replacing process.stdout/stderr.write for a moment.
describe("bad manifests and flags (the CLI's main(), in this process)", () => {
  it("malformed YAML in the manifest", async () => {
    const folder = await targetFolder("bad-yaml", "name: [unclosed\nboot: { dockerfile: . }\n");
    await expectRefusedInProcess(
      [folder],
      /^conformance: \S*bad-yaml\/target\.yaml:\d+:\d+: YAML syntax error: .+/,
    );
  });

  it("a manifest pinning an image to :latest", async () => {
    const folder = await targetFolder(
      "latest",
      `name: latest\nboot: { image: "example/api:latest" }\n${RESOURCES}`,
    );
    await expectRefusedInProcess(
      [folder],
      /^conformance: \S*latest\/target\.yaml: boot\.image: an image with a pinned tag \(not :latest\)$/,
    );
  });

  it("a manifest listing fewer than 3 identities", async () => {
    const folder = await targetFolder(
      "one-identity",
      `name: one-identity\nboot: { url: "https://127.0.0.1:1" }\nidentities:\n  list:\n    - { username: alice, password: pw, role: user }\n${RESOURCES}`,
    );
    await expectRefusedInProcess(
      [folder],
      /^conformance: \S*one-identity\/target\.yaml: identities\.list: .*3/,
    );
  });

  it("an unknown requirement ID in --only", async () => {
    await expectRefusedInProcess(
      [REFERENCE, "--only", "AUTHN-01,AUTHN-99"],
      /^conformance: unknown requirement ID AUTHN-99: run `conformance list` for the catalogue$/,
    );
  });

  it("a target folder that does not exist", async () => {
    await expectRefusedInProcess(
      ["targets/no-such-target"],
      /^conformance: targets\/no-such-target: file not found \(expected a target folder holding target\.yaml, or the path of a manifest\)$/,
    );
  });

  it("flags out of range", async () => {
    await expectRefusedInProcess(
      [REFERENCE, "--runs", "0"],
      /--runs takes a whole number from 1 to 10000/,
    );
    await expectRefusedInProcess(
      [REFERENCE, "--format", "json,pdf"],
      /unknown report format pdf \(choose from json, junit, sarif, html, md\)/,
    );
  });
});

describe.concurrent("bad input through the real CLI: exit 2 and one line naming cause and fix", () => {
  it("malformed YAML in the manifest", async () => {
    const folder = await targetFolder("bad-yaml", "name: [unclosed\nboot: { dockerfile: . }\n");
    await expectRefused(
      "yaml",
      [folder],
      /^conformance: \S*bad-yaml\/target\.yaml:\d+:\d+: YAML syntax error: .+/,
    );
  });

  it("no Docker engine: names DOCKER_HOST", async () => {
    await expectRefused(
      "no-engine",
      [REFERENCE],
      /^conformance: Docker engine at DOCKER_HOST=unix:\/\/\/nonexistent\.sock not reachable \(no such socket\): start it, or unset DOCKER_HOST to use the local engine$/,
      { DOCKER_HOST: "unix:///nonexistent.sock", BAIP_NO_ENGINE_START: "1" },
    );
  });

  /** A URL target that cannot be reached is a run: INCONCLUSIVE (exit 2) with the reason. */
  async function expectUnreachable(name: string, url: string, reason: RegExp) {
    const folder = await targetFolder(
      name,
      `name: ${name}\nboot: { url: "${url}" }\n${LISTED}${RESOURCES}limits: { bootTimeoutMs: 2000, requestTimeoutMs: 1000 }\n`,
    );
    const { run, out, leftTemp } = await cli(name, [folder, "--runs", "3"]);
    console.log(`${name}: exit ${run.code} in ${Math.round(run.ms)} ms: ${run.stdout.trim()}`);
    expect(run.code, run.stderr).toBe(2);
    // bootTimeoutMs is 2 s; the rest is starting the CLI, slow on a busy 2-core machine.
    expect(run.ms).toBeLessThan(60_000);
    const errors = lines(run.stderr).filter((l) => l.startsWith(`${name}: INCONCLUSIVE: `));
    expect(errors, run.stderr).toHaveLength(1);
    expect(errors[0]).toMatch(reason);
    const verdict = lines(run.stdout).filter((l) => l.startsWith("INCONCLUSIVE"));
    expect(verdict, run.stdout).toHaveLength(1);
    expect(verdict[0]).toMatch(reason);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    // A run that started writes its (INCONCLUSIVE) report.
    expect(existsSync(join(out, "conformance.json"))).toBe(true);
    expect(leftTemp).toEqual([]);
  }

  it("a URL target where nothing listens", async () => {
    await expectUnreachable(
      "unreachable",
      "https://127.0.0.1:1",
      /did not boot: https:\/\/127\.0\.0\.1:1 did not answer over TLS within 2000 ms \(ECONNREFUSED: .*\): nothing listens there: start the service, or correct boot\.url/,
    );
  });

  it("a URL target whose port is held by a plaintext HTTP listener", async () => {
    const server = createServer((_req, res) => res.end("plain HTTP here\n"));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await expectUnreachable(
      "plaintext-port",
      `https://127.0.0.1:${port}`,
      /did not boot: https:\/\/127\.0\.0\.1:\d+ did not answer over TLS within 2000 ms \(EPROTO: wrong version number\): something answers on that port, but not with TLS \(a plaintext HTTP listener\?\): point boot\.url at the service's HTTPS port/,
    );
  });
});
