// `conformance boot` as a user runs it: the CLI prints the target's URLs, CA, users.json
// and curl lines (never a password), the target answers an owner's read through the
// printed URL and CA, and Ctrl-C ends the command with 0 and leaves no container or file.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { Agent, request } from "undici";
import { describe, expect, inject, it } from "vitest";
import { basicAuthorization } from "../harness/http/basicAuth.ts";
import type { UsersJson } from "../harness/target/usersJson.ts";
import { labelledContainers, ROOT, requireEngine } from "../reliability/helpers.ts";

function field(output: string, name: string): string {
  const value = new RegExp(`^ {2}${name} +(\\S+)`, "m").exec(output)?.[1];
  if (value === undefined) throw new Error(`no ${name} line in:\n${output}`);
  return value;
}

describe("conformance boot", () => {
  it("boots the reference, prints how to reach it without passwords, and cleans up on Ctrl-C", async () => {
    requireEngine();
    const runId = `${inject("baipRunId")}-boot`;
    const child = spawn(
      process.execPath,
      ["bin/conformance.mjs", "boot", "targets/flask-reference", "--seed", "11"],
      { cwd: ROOT, env: { ...process.env, BAIP_RUN_ID: runId }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (d) => {
          stdout += d;
          if (stdout.includes("Ctrl-C stops")) resolve();
        });
        void exited.then((code) => reject(new Error(`boot exited with ${code}: ${stderr}`)));
      });

      const usersFile = field(stdout, "users.json");
      const ca = readFileSync(field(stdout, "CA"), "utf8");
      const { users } = JSON.parse(readFileSync(usersFile, "utf8")) as UsersJson;
      expect(users.length).toBeGreaterThan(1);
      for (const u of users) {
        expect(stdout).not.toContain(u.password);
        expect(stdout).toMatch(/curl .*-u "\$BAIP_USER_\w+:\$BAIP_PASS_\w+"/);
      }
      expect(field(stdout, "plaintext")).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const me = users[0]!;
      const agent = new Agent({ connect: { ca } });
      try {
        const res = await request(`${field(stdout, "HTTPS")}/users/${me.username}`, {
          dispatcher: agent,
          headers: { authorization: basicAuthorization(me.username, me.password) },
        });
        expect(res.statusCode).toBe(200);
        expect(await res.body.json()).toMatchObject({ username: me.username });
      } finally {
        await agent.close();
      }

      child.kill("SIGINT");
      expect(await exited, stderr).toBe(0);
      expect(existsSync(usersFile), "the temp files are removed").toBe(false);
      expect(await labelledContainers(runId)).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 300_000);
});
