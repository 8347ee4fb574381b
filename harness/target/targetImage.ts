// The image a container target runs: its pinned `boot.image`, or its Dockerfile built once
// per content. The tag carries a hash of the build context and of the base image, so an
// unchanged target reuses its cached image and any edit rebuilds it.
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import type Dockerode from "dockerode";
import { getDocker } from "../engine/ensureEngine.ts";
import { withFileLock } from "../engine/fileLock.ts";
import { BASE_IMAGE, ensureBaseImage, followBuild, imageExists } from "../images/baseImage.ts";
import type { TargetManifest } from "../manifest/schema.ts";

/** Context entries never sent to the engine nor hashed. */
const IGNORED = new Set([".git", "__pycache__", "node_modules", ".pytest_cache", ".DS_Store"]);

export interface TargetImage {
  tag: string;
  /** `cached`: found under its content tag; `built`: built now; `given`: manifest image. */
  origin: "cached" | "built" | "given";
  ms: number;
}

export class TargetImageError extends Error {
  override readonly name = "TargetImageError";
}

/** Ensure the image of a container target exists; returns its tag. */
export async function resolveTargetImage(
  manifest: TargetManifest,
  dir: string,
): Promise<TargetImage> {
  const started = Date.now();
  const docker = await getDocker();
  const boot = manifest.boot;
  if ("url" in boot)
    throw new TargetImageError(`target ${manifest.name} is a URL target: it has no image`);
  if ("image" in boot) {
    await ensureImagePresent(docker, boot.image, manifest.name);
    return { tag: boot.image, origin: "given", ms: Date.now() - started };
  }

  // `boot.dockerfile` names the Dockerfile, or the folder holding one (`.` is usual);
  // `boot.context` widens the build context (the corpus builds from targets/).
  const given = resolve(dir, boot.dockerfile);
  const isFolder = await stat(given).then(
    (s) => s.isDirectory(),
    () => false,
  );
  const dockerfile = isFolder ? join(boot.dockerfile, "Dockerfile") : boot.dockerfile;
  const dockerfilePath = resolve(dir, dockerfile);
  const contextDir = resolve(dir, boot.context ?? (isFolder ? boot.dockerfile : "."));
  if (relative(contextDir, dockerfilePath).startsWith("..")) {
    throw new TargetImageError(
      `${dir}: boot.dockerfile ${dockerfile} is outside the build context ${boot.context ?? "."}`,
    );
  }
  const dockerfileText = await readFile(dockerfilePath, "utf8").catch(() => {
    throw new TargetImageError(`${dir}: boot.dockerfile ${dockerfile} not found`);
  });
  const usesBase = dockerfileText.includes("BASE_IMAGE") || dockerfileText.includes("baip-base");
  let baseId = "";
  if (usesBase) {
    await ensureBaseImage();
    baseId = (await docker.getImage(BASE_IMAGE).inspect()).Id;
  }
  const files = await contextFiles(contextDir);
  const inContext = relative(contextDir, dockerfilePath).split(sep).join("/");
  const tag = `localhost/baip-target-${manifest.name}:${await contentHash(contextDir, files, inContext, baseId)}`;
  if (await imageExists(docker, tag)) return { tag, origin: "cached", ms: Date.now() - started };

  return withFileLock(`image-${tag.replace(/[^A-Za-z0-9_.-]/g, "_")}`, async () => {
    if (await imageExists(docker, tag))
      return { tag, origin: "cached" as const, ms: Date.now() - started };
    const stream = await docker.buildImage(
      { context: contextDir, src: files },
      {
        t: tag,
        dockerfile: inContext,
        // TARGET_DIR: the manifest's folder inside the context, so that one Dockerfile can
        // serve several targets (the corpus' broken targets share one).
        buildargs: {
          ...(usesBase ? { BASE_IMAGE } : {}),
          ...(dockerfileText.includes("TARGET_DIR")
            ? { TARGET_DIR: relative(contextDir, dir).split(sep).join("/") || "." }
            : {}),
        },
        labels: { "baip.image": "1", "baip.target": manifest.name },
        rm: true,
        forcerm: true,
      },
    );
    try {
      await followBuild(docker, stream, `build of target ${manifest.name} (${dockerfilePath})`);
    } catch (error) {
      throw new TargetImageError((error as Error).message);
    }
    if (!(await imageExists(docker, tag))) {
      throw new TargetImageError(`build of target ${manifest.name} produced no image ${tag}`);
    }
    const ms = Date.now() - started;
    process.stderr.write(
      `baip: built image ${tag} for target ${manifest.name} in ${(ms / 1000).toFixed(1)} s\n`,
    );
    await pruneOlderTags(docker, tag);
    return { tag, origin: "built" as const, ms };
  });
}

/** Fail clearly when an image target's image is neither local nor pullable. */
async function ensureImagePresent(docker: Dockerode, image: string, name: string): Promise<void> {
  if (await imageExists(docker, image)) return;
  try {
    const stream = await docker.pull(image);
    await followBuild(docker, stream, `pull of ${image}`);
  } catch (error) {
    const cause = (error as Error).message.split("\n")[0];
    throw new TargetImageError(
      `target ${name}: image ${image} is not present locally and could not be pulled (${cause}): build or load it first (docker build -t ${image} / docker load)`,
    );
  }
}

/** Files of the build context, relative, sorted, with `/` separators. */
export async function contextFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (sub: string) => {
    const entries = await readdir(join(dir, sub), { withFileTypes: true });
    for (const entry of entries) {
      if (IGNORED.has(entry.name) || entry.name.endsWith(".pyc")) continue;
      const rel = sub === "" ? entry.name : `${sub}/${entry.name}`;
      if (entry.isDirectory()) await walk(rel);
      else if (entry.isFile() || entry.isSymbolicLink()) out.push(rel);
    }
  };
  await walk("");
  return out.sort();
}

/** 16 hex digits of SHA-256 over paths, exec bits, contents, Dockerfile name and base id. */
export async function contentHash(
  dir: string,
  files: readonly string[],
  dockerfile: string,
  baseId: string,
): Promise<string> {
  const hash = createHash("sha256");
  hash.update(`baip-target-v1\0${dockerfile}\0${baseId}\0`);
  for (const file of files) {
    const path = join(dir, file);
    const mode = (await stat(path)).mode & 0o111 ? "x" : "-";
    hash.update(`${file}\0${mode}\0`);
    hash.update(await readFile(path));
    hash.update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/** Keep one image per target: remove the same repository's other tags (best effort). */
async function pruneOlderTags(docker: Dockerode, tag: string): Promise<void> {
  const repo = tag.slice(0, tag.lastIndexOf(":"));
  const images = await docker
    .listImages({ filters: JSON.stringify({ reference: [repo] }) })
    .catch(() => []);
  for (const image of images) {
    for (const old of image.RepoTags ?? []) {
      if (old !== tag && old.startsWith(`${repo}:`)) {
        await docker
          .getImage(old)
          .remove()
          .catch(() => undefined); // In use by a running container: keep it.
      }
    }
  }
}
