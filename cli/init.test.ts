// `conformance init` drafts manifests that the loader accepts as they are, that point
// editors at the manifest's JSON Schema, and that never overwrite a file unasked.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { MANIFEST_JSON_SCHEMA_FILE } from "../harness/manifest/jsonSchema.ts";
import { loadManifest } from "../harness/manifest/load.ts";
import { InitError, initManifest } from "./init.ts";
import { main } from "./main.ts";

const OPENAPI = "cli/testdata/tasks.openapi.yaml";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "baip-init-"));
}

/** The first line names the schema by a path that resolves from the manifest's folder. */
function expectSchemaLine(file: string): void {
  const first = readFileSync(file, "utf8").split("\n")[0]!;
  const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
  expect(m, first).not.toBeNull();
  expect(resolve(dirname(file), m![1]!)).toBe(MANIFEST_JSON_SCHEMA_FILE);
  expect(existsSync(MANIFEST_JSON_SCHEMA_FILE)).toBe(true);
}

describe("conformance init", () => {
  it("--url drafts a URL target with listed identities whose passwords come from env vars", async () => {
    const out = join(tempDir(), "target.yaml");
    await initManifest({ url: "https://127.0.0.1:9443", out });
    expectSchemaLine(out);
    const { manifest } = await loadManifest(out);
    expect(manifest.boot).toEqual({ url: "https://127.0.0.1:9443" });
    expect(manifest.name).toBe("127-0-0-1");
    expect("list" in manifest.identities && manifest.identities.list.length).toBe(3);
    expect(
      "list" in manifest.identities && manifest.identities.list.every((i) => i.passwordEnv),
    ).toBe(true);
    // No resource given: the reference API of the spec, flagged for replacement.
    expect(manifest.resources.map((r) => r.name)).toEqual(["user"]);
    expect(readFileSync(out, "utf8")).toMatch(/# TODO: .*describe your service's resources/);
  });

  it("--openapi drafts a resource per path ending in an id parameter", async () => {
    const dir = tempDir();
    await initManifest({ dockerfile: dir, openapi: OPENAPI, out: dir, name: "tasks" });
    const file = join(dir, "target.yaml");
    expectSchemaLine(file);
    const { manifest } = await loadManifest(file);
    expect(manifest.boot).toEqual({ dockerfile: "." });
    const [user, task] = manifest.resources;
    expect(user).toMatchObject({
      name: "user",
      idField: "username",
      roleField: "role",
      reads: [{ method: "GET", path: "/api/users/{id}" }],
      replace: { method: "PUT", path: "/api/users/{id}" },
      merge: { method: "PATCH", path: "/api/users/{id}" },
      writable: { email: { kind: "email" }, display_name: { kind: "display_name" } },
      readOnly: { username: "username", role: "role" },
    });
    expect(task).toMatchObject({
      name: "task",
      idField: "id",
      ownerField: "owner",
      reads: [{ method: "GET", path: "/api/tasks/{id}" }],
      merge: { method: "PATCH", path: "/api/tasks/{id}" },
      writable: { title: { kind: "display_name" }, notify: { kind: "email" } },
    });
    const text = readFileSync(file, "utf8");
    // What the manifest cannot say yet is left visible, not dropped.
    expect(text).toContain("# TODO: done: boolean");
    expect(text).toContain("# TODO: DELETE /api/tasks/{taskId}");
    expect(text).toContain("# TODO: GET /api/tasks (list)");
    expect(text).toContain("# TODO: POST /api/tasks (create)");
    expect(text).toMatch(/ownerField: owner # TODO/);
    expect(text).toMatch(/who: owner-or-privileged \} # TODO/);
  });

  it("--resource flags describe resources by hand", async () => {
    const dir = tempDir();
    const out = join(dir, "t.yaml");
    await initManifest({
      dockerfile: join(dir, "svc", "Dockerfile"),
      resource: ["name=note,read=GET:/notes/{id},merge=patch:/notes/{id},field=body:display_name"],
      out,
    });
    const { manifest } = await loadManifest(out);
    expect(manifest.boot).toEqual({ dockerfile: "svc/Dockerfile" });
    expect(manifest.resources[0]).toMatchObject({
      name: "note",
      idField: "id",
      ownerField: "id",
      merge: { method: "PATCH", path: "/notes/{id}" },
      writable: { body: { kind: "display_name" } },
    });
  });

  it("refuses bad input with one line naming the fix", async () => {
    const out = join(tempDir(), "target.yaml");
    await expect(initManifest({ out })).rejects.toThrow(
      /--url https:\/\/host:port or --dockerfile/,
    );
    await expect(initManifest({ url: "http://x:80", out })).rejects.toThrow(/https:\/\//);
    await expect(
      initManifest({ url: "https://x:1", resource: ["name=a,read=GET:/a"], out }),
    ).rejects.toThrow(/placeholder \{id\}/);
    await expect(
      initManifest({ url: "https://x:1", openapi: "package.json", out }),
    ).rejects.toBeInstanceOf(InitError);
    expect(existsSync(out)).toBe(false);
  });

  it("never overwrites a file without --force", async () => {
    const out = join(tempDir(), "target.yaml");
    writeFileSync(out, "mine\n");
    await expect(initManifest({ url: "https://x:1", out })).rejects.toThrow(/--force/);
    expect(readFileSync(out, "utf8")).toBe("mine\n");
    await initManifest({ url: "https://x:1", out, force: true });
    expect((await loadManifest(out)).manifest.name).toBe("x");
  });

  it("is a command of the CLI (exit 0, then 2 on an existing file)", async () => {
    const out = join(tempDir(), "target.yaml");
    const args = ["init", "--url", "https://127.0.0.1:9443", "--out", out];
    expect(await main(args)).toBe(0);
    expect(await main(args)).toBe(2);
  });
});
