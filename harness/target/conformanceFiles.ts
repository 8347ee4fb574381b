// The files of docs/SPEC.md 2 for one container: TLS certificate and key, users.json.
// Written to a host temp folder readable by any uid (the target runs unprivileged) and
// bind-mounted read-only. An engine on another machine cannot see that folder: there they
// go into a labelled named volume, filled through a created-but-never-started helper
// container (the engine refuses copies into a read-only rootfs, ENVIRONMENT.md).
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ensureEngine, getDocker } from "../engine/ensureEngine.ts";
import type { Identity } from "../identity/identity.ts";
import { type RunCertificates, writeCertificates } from "../tls/certificates.ts";
import { removeContainer, track, untrack } from "./cleanup.ts";
import { CONFORMANCE_DIR, type ConformanceFilesMount } from "./hardenedContainer.ts";
import { writeUsersJson } from "./usersJson.ts";

const execFileP = promisify(execFile);

export interface ConformanceFiles {
  mount: ConformanceFilesMount;
  /** Remove the folder and volume. Idempotent. */
  remove(): Promise<void>;
}

export async function prepareConformanceFiles(options: {
  certs: RunCertificates;
  identities: readonly Identity[];
  labels: Record<string, string>;
  /** Image used for the helper container when a volume is needed. */
  image: string;
}): Promise<ConformanceFiles> {
  const dir = await mkdtemp(join(tmpdir(), "baip-files-"));
  track("dirs", dir);
  await chmod(dir, 0o755);
  const tls = join(dir, "tls");
  await mkdir(tls);
  await writeCertificates({ ...options.certs }, tls);
  await rm(join(tls, "ca.pem")); // The target needs only its own certificate and key.
  await writeUsersJson(options.identities, join(dir, "users.json"));
  const removeDir = async () => {
    await rm(dir, { recursive: true, force: true });
    untrack("dirs", dir);
  };

  const engine = await ensureEngine();
  if (engine.local && process.env.BAIP_FILES_VIA !== "volume") {
    return { mount: { bind: dir }, remove: removeDir };
  }
  try {
    const volume = await fillVolume(dir, options.image, options.labels);
    await removeDir();
    let removed = false;
    return {
      mount: { volume },
      remove: async () => {
        if (removed) return;
        removed = true;
        const docker = await getDocker();
        await docker
          .getVolume(volume)
          .remove()
          .catch(() => undefined);
        untrack("volumes", volume);
      },
    };
  } catch (error) {
    await removeDir();
    throw error;
  }
}

async function fillVolume(
  dir: string,
  image: string,
  labels: Record<string, string>,
): Promise<string> {
  const docker = await getDocker();
  const name = `baip-files-${randomBytes(6).toString("hex")}`;
  await docker.createVolume({ Name: name, Labels: labels });
  track("volumes", name);
  const helper = await docker.createContainer({
    Image: image,
    Labels: labels,
    Entrypoint: ["/bin/true"],
    Cmd: [],
    HostConfig: { Mounts: [{ Type: "volume", Source: name, Target: CONFORMANCE_DIR }] },
  });
  track("containers", helper.id);
  try {
    const { stdout } = await execFileP("tar", ["-C", dir, "-cf", "-", "."], {
      encoding: "buffer",
      maxBuffer: 16 * 1024 * 1024,
    });
    await helper.putArchive(stdout, { path: CONFORMANCE_DIR });
  } finally {
    await removeContainer(helper.id);
    untrack("containers", helper.id);
  }
  return name;
}
