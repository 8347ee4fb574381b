// Target folders the benchmark makes for itself, in temporary folders, from
// flask-reference:
// - a copy whose image sets environment variables (`ENV` appended to its Dockerfile):
//   the manifest has no key to pass an environment to a container, and the harness sets
//   only its own, so the variable is baked into a derived image instead;
// - a URL target pointing at a container the benchmark booted itself, listing that
//   container's accounts: runConformance boots what it is given, and a URL target is how
//   it runs against a container that is already up (shared with another client).
import { appendFile, cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { MANIFEST_FILE } from "../harness/manifest/load.ts";
import type { StartedTarget } from "../harness/target/startedTarget.ts";
import { writeUsersJson } from "../harness/target/usersJson.ts";

export interface BenchFolder {
  dir: string;
  remove(): Promise<void>;
}

async function tempFolder(prefix: string): Promise<BenchFolder> {
  const dir = await mkdtemp(join(os.tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

async function rewriteManifest(
  file: string,
  edit: (doc: ReturnType<typeof parseDocument>) => void,
): Promise<void> {
  const doc = parseDocument(await readFile(file, "utf8"));
  edit(doc);
  await writeFile(file, doc.toString());
}

/**
 * A copy of the target folder `source` named `name`, its image built with `env` set.
 * The name differs from the source's so that building it never prunes the source's
 * image (the harness keeps one tag per target name); the copy's content does not change
 * from one bench to the next, so its image is built once per machine.
 */
export async function withEnvironment(
  source: string,
  name: string,
  env: Record<string, string>,
): Promise<BenchFolder> {
  const folder = await tempFolder("baip-bench-env-");
  try {
    await cp(source, folder.dir, {
      recursive: true,
      filter: (path) => !path.includes("__pycache__"),
    });
    const lines = Object.entries(env).map(([key, value]) => `ENV ${key}=${JSON.stringify(value)}`);
    await appendFile(
      join(folder.dir, "Dockerfile"),
      `\n# Added by bench/benchTargets.ts.\n${lines.join("\n")}\n`,
    );
    await rewriteManifest(join(folder.dir, MANIFEST_FILE), (doc) => doc.set("name", name));
    return folder;
  } catch (error) {
    await folder.remove();
    throw error;
  }
}

export interface SharedTargetFolder extends BenchFolder {
  /** The run's CA (PEM): BAIP_CA_FILE for the URL target, CA for other clients. */
  caFile: string;
  /** users.json of the running container. */
  usersFile: string;
}

/**
 * A URL target for `target` (running), with the manifest of `manifestFile` (its
 * resource model) and the container's accounts listed. Its plaintext listener is left
 * out: the requirements run against it here do not use one.
 */
export async function urlTargetFor(
  target: StartedTarget,
  manifestFile: string,
  name: string,
): Promise<SharedTargetFolder> {
  const folder = await tempFolder("baip-bench-url-");
  try {
    const caFile = join(folder.dir, "ca.pem");
    const usersFile = join(folder.dir, "users.json");
    await writeFile(caFile, target.caPem());
    await writeUsersJson(target.identities(), usersFile);
    const manifest = join(folder.dir, MANIFEST_FILE);
    await cp(manifestFile, manifest);
    await rewriteManifest(manifest, (doc) => {
      doc.set("name", name);
      doc.set("boot", { url: target.baseUrl() });
      doc.delete("plaintext");
      doc.set("identities", {
        list: target.identities().map(({ username, password, role, email, display_name }) => ({
          username,
          password,
          role,
          email,
          display_name,
        })),
      });
    });
    return { ...folder, caFile, usersFile };
  } catch (error) {
    await folder.remove();
    throw error;
  }
}
