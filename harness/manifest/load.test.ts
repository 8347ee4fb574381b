import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadManifest, ManifestError, parseManifest } from "./load.ts";

const valid = `
name: echo-target
boot:
  dockerfile: Dockerfile
plaintext:
  port: 8080
resources:
  - name: users
    reads:
      - { method: GET, path: "/users/{id}", who: owner-or-privileged }
    merge: { method: PATCH, path: "/users/{id}" }
    writable:
      email: { kind: email }
      display_name: { kind: display_name }
    readOnly: { role: role }
`;

/** The one-line message parseManifest throws for `text`. */
function errorOf(text: string): string {
  try {
    parseManifest(text, "targets/x/target.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error("expected a ManifestError");
}

describe("parseManifest", () => {
  it("accepts a valid manifest and fills defaults", () => {
    const m = parseManifest(valid);
    expect(m.name).toBe("echo-target");
    expect(m.tlsPort).toBe(8443);
    // No profile: BAIP/2, which reads a BAIP/1 manifest the same way.
    expect(m.profile).toBe("BAIP/2");
    expect(m.waivers).toEqual([]);
    expect(m.limits.bootTimeoutMs).toBe(60_000);
    expect(m.identities).toEqual({ generate: { users: 3, admins: 1 } });
  });

  it("names file, key path and expectation for an unpinned image", () => {
    expect(errorOf(valid.replace("dockerfile: Dockerfile", "image: python:latest"))).toBe(
      "targets/x/target.yaml: boot.image: an image with a pinned tag (not :latest)",
    );
  });

  it("explains a boot mapping of none of the three forms", () => {
    expect(errorOf(valid.replace("dockerfile: Dockerfile", "docker: Dockerfile"))).toBe(
      "targets/x/target.yaml: boot: unknown key `docker`; expected a mapping with one of the keys `dockerfile`, `image` or `url`",
    );
    expect(errorOf(valid.replace("boot:\n  dockerfile: Dockerfile", "boot: 3"))).toBe(
      "targets/x/target.yaml: boot: expected a mapping with one of the keys `dockerfile`, `image` or `url`",
    );
  });

  it("rejects plaintext URLs as boot URLs", () => {
    expect(errorOf(valid.replace("dockerfile: Dockerfile", "url: http://example.test"))).toBe(
      "targets/x/target.yaml: boot.url: an https:// URL",
    );
  });

  it("names unknown top-level keys", () => {
    expect(errorOf(`${valid}colour: blue\n`)).toBe("targets/x/target.yaml: unknown key `colour`");
  });

  it("names a missing required key", () => {
    expect(errorOf(valid.replace("name: echo-target\n", ""))).toBe(
      "targets/x/target.yaml: name: required: a string",
    );
  });

  it("indexes into lists and counts further problems", () => {
    const text = valid.replace(
      "resources:",
      "identities:\n  list:\n    - { username: Alice, password: pw, role: user }\nresources:",
    );
    expect(errorOf(text)).toBe(
      "targets/x/target.yaml: identities.list[0].username: a user name matching ^[a-z][a-z0-9_-]{2,31}$ (and 1 more problem)",
    );
  });

  it("reports refinements on nested paths", () => {
    expect(errorOf(valid.replace('"/users/{id}", who', '"/users/me", who'))).toBe(
      "targets/x/target.yaml: resources[0].reads[0]: a path containing {id}, an `id: { in: query|body, key }`, or `self: true` (and no {id})",
    );
  });

  it("reports wrong types", () => {
    expect(errorOf(`${valid}tlsPort: "8443"\n`)).toBe(
      "targets/x/target.yaml: tlsPort: expected number, received string",
    );
  });

  it("reports YAML syntax errors with line and column", () => {
    expect(errorOf("name: [x\nboot: {}\n")).toMatch(
      /^targets\/x\/target\.yaml:2:1: YAML syntax error: Flow sequence/,
    );
    expect(errorOf("name: a\nname: b\n")).toMatch(
      /^targets\/x\/target\.yaml:2:1: YAML syntax error: Map keys must be unique/,
    );
  });

  it("rejects an empty or non-mapping document", () => {
    expect(errorOf("")).toBe(
      "targets/x/target.yaml: expected a YAML mapping of manifest keys at the top level",
    );
    expect(errorOf("- a\n- b\n")).toBe(
      "targets/x/target.yaml: expected a YAML mapping of manifest keys at the top level",
    );
  });
});

describe("loadManifest", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "baip-manifest-test-"));
    await mkdir(join(dir, "good"));
    await writeFile(join(dir, "good", "target.yaml"), valid);
    await writeFile(join(dir, "other.yml"), valid);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("loads a folder's target.yaml and returns its folder", async () => {
    const loaded = await loadManifest(join(dir, "good"));
    expect(loaded.manifest.name).toBe("echo-target");
    expect(loaded.dir).toBe(join(dir, "good"));
    expect(loaded.file).toBe(join(dir, "good", "target.yaml"));
  });

  it("loads a manifest file given directly", async () => {
    const loaded = await loadManifest(join(dir, "other.yml"));
    expect(loaded.dir).toBe(dir);
  });

  it("names the missing file", async () => {
    await expect(loadManifest(join(dir, "absent"))).rejects.toThrow(
      `${join(dir, "absent")}: file not found (expected a target folder holding target.yaml, or the path of a manifest)`,
    );
    const empty = join(dir, "empty");
    await mkdir(empty);
    await expect(loadManifest(empty)).rejects.toThrow(
      `${join(empty, "target.yaml")}: file not found`,
    );
  });

  it("takes the keys of the manifest it extends, its own winning key by key", async () => {
    await mkdir(join(dir, "child"));
    await writeFile(
      join(dir, "child", "target.yaml"),
      "extends: ../good/target.yaml\nname: child-target\nboot: { dockerfile: Dockerfile, context: .. }\nexpect: { fails: [AUTHZ-01] }\n",
    );
    const { manifest } = await loadManifest(join(dir, "child"));
    expect(manifest.name).toBe("child-target");
    expect(manifest.boot).toEqual({ dockerfile: "Dockerfile", context: ".." });
    expect(manifest.plaintext).toEqual({ port: 8080 });
    expect(manifest.resources[0]?.name).toBe("users");
    expect(manifest.expect?.fails).toEqual(["AUTHZ-01"]);
  });

  it("names a missing or cyclic parent in one line", async () => {
    await mkdir(join(dir, "orphan"));
    await writeFile(join(dir, "orphan", "target.yaml"), "extends: ../nowhere.yaml\nname: orphan\n");
    await expect(loadManifest(join(dir, "orphan"))).rejects.toThrow(
      /extends: an existing file \(.*nowhere\.yaml not found\)/,
    );
    await mkdir(join(dir, "loop"));
    await writeFile(join(dir, "loop", "target.yaml"), "extends: ./target.yaml\nname: loop\n");
    await expect(loadManifest(join(dir, "loop"))).rejects.toThrow(
      /extends: a manifest that does not extend itself/,
    );
  });
});

describe("waivers", () => {
  it("take a requirement ID and a written reason", () => {
    const m = parseManifest(
      `${valid}\nwaivers:\n  - { id: AUTHN-02, reason: "a deliberate 403 for clients behind the SSO gateway" }\n`,
    );
    expect(m.waivers).toEqual([
      { id: "AUTHN-02", reason: "a deliberate 403 for clients behind the SSO gateway" },
    ]);
  });

  it("refuse a waiver without a reason, in one line naming the key", () => {
    const message = errorOf(`${valid}\nwaivers:\n  - { id: AUTHN-02, reason: "" }\n`);
    expect(message).toContain("waivers");
  });
});

describe("the BAIP/2 resource model", () => {
  const resource = (lines: string) => `
name: todo
boot: { dockerfile: . }
privilegedRoles: []
identities: { generate: { users: 3, admins: 0 } }
resources:
  - name: task
    reads: [{ method: GET, path: "/todos/{id}", who: owner }]
${lines}`;

  it("accepts creates, lists, deletes and actions with ids in path, query and body", () => {
    const m = parseManifest(
      resource(`    create: { method: POST, path: /todos, id: { pointer: /id } }
    idField: id
    record: /task
    lists: [{ path: /todos, items: /todos }]
    deletes: [{ method: POST, path: /todos/delete, who: owner, id: { in: body, key: id } }]
    actions: [{ name: done, method: POST, path: /todos/done, id: { in: query, key: id }, changes: [done] }]
    writable: { title: { kind: string, min: 1, max: 100 }, n: { kind: integer, min: 1, max: 5 } }
    readOnly: { id: id, done: done }
`),
    );
    const r = m.resources[0]!;
    expect(r.create).toMatchObject({ method: "POST", who: "authenticated", perOwner: 1 });
    expect(r.lists[0]).toMatchObject({ method: "GET", who: "authenticated", items: "/todos" });
    expect(r.deletes[0]?.id).toEqual({ in: "body", key: "id" });
    expect(r.actions[0]).toMatchObject({ who: "owner-or-privileged", body: {}, changes: ["done"] });
    expect(m.privilegedRoles).toEqual([]);
    expect(m.login).toEqual({ field: "username", caseInsensitive: false });
  });

  it("names what is missing or wrong in one line", () => {
    expect(errorOf(resource("    create: { method: POST, path: /todos }\n"))).toBe(
      "targets/x/target.yaml: resources[0].create.id: expected a mapping with one of the keys `pointer` or `location`",
    );
    expect(errorOf(resource("    deletes: [{ method: DELETE, path: /todos }]\n"))).toBe(
      "targets/x/target.yaml: resources[0].deletes[0]: a path containing {id}, an `id: { in: query|body, key }`, or `self: true` (and no {id})",
    );
    expect(errorOf(resource("    private: [secret]\n"))).toBe(
      "targets/x/target.yaml: resources[0].private[0]: a field declared under writable or readOnly (secret is neither)",
    );
    expect(
      errorOf(resource("    create: { method: POST, path: /todos, id: { location: true } }\n")),
    ).toBe(
      "targets/x/target.yaml: resources[0].idField: the field holding the server-assigned id, declared under readOnly (e.g. idField: id with readOnly: { id: id }); username is not",
    );
  });
});
