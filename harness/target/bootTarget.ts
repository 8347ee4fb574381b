// Boot any target into a StartedTarget: a Dockerfile (built once per content), a pinned
// image, or a URL. Suites see only the StartedTarget.
//
//   const { manifest, dir } = await loadManifest("targets/flask-reference");
//   const tls = await createRunCertificates({ runId });
//   await using target = await bootTarget({ manifest, dir, identities, runId, tls });
import { ensureEngine } from "../engine/ensureEngine.ts";
import type { Identity } from "../identity/identity.ts";
import type { TargetManifest } from "../manifest/schema.ts";
import { createRunCertificates, type RunCertificates } from "../tls/certificates.ts";
import { ContainerTarget } from "./containerTarget.ts";
import { PROCESS_RUN_ID } from "./labels.ts";
import { listedIdentities, TargetConfigError, withLogin } from "./listedIdentities.ts";
import type { StartedTarget } from "./startedTarget.ts";
import { resolveTargetImage } from "./targetImage.ts";
import { UrlTarget } from "./urlTarget.ts";

export interface BootTargetOptions {
  manifest: TargetManifest;
  /** Folder of the manifest: Dockerfile paths are relative to it. */
  dir?: string;
  /** The manifest file (from loadManifest), for messages. */
  file?: string;
  /**
   * Accounts to seed into a container target (users.json). Empty or absent: the
   * manifest's `identities.list`. URL targets always use the manifest's list.
   */
  identities?: readonly Identity[];
  /** Labels the containers (`baip.run`), for cleanup. Default: this process's run id. */
  runId?: string;
  /** The run's certificates; made for this target if absent (share one CA per run). */
  tls?: RunCertificates;
  /** Aborts the boot (image build excepted): the container is removed, the promise rejects. */
  signal?: AbortSignal;
}

export async function bootTarget(options: BootTargetOptions): Promise<StartedTarget> {
  const startedAt = Date.now();
  const { manifest, dir, signal } = options;
  const runId = options.runId ?? PROCESS_RUN_ID;
  signal?.throwIfAborted();
  if ("url" in manifest.boot)
    return UrlTarget.start(manifest, dir, process.env, startedAt, signal, options.identities);

  if (manifest.plaintext !== undefined && "url" in manifest.plaintext) {
    throw new TargetConfigError(
      `target ${manifest.name}: plaintext.url is for URL targets; a container target declares plaintext.port`,
    );
  }
  const identities =
    options.identities !== undefined && options.identities.length > 0
      ? withLogin(manifest, options.identities)
      : listedIdentities(manifest);
  if (identities === undefined || identities.length === 0) {
    throw new TargetConfigError(
      `target ${manifest.name}: no identities to seed: pass generated identities to bootTarget or list them in identities.list`,
    );
  }
  if ("dockerfile" in manifest.boot && dir === undefined) {
    throw new Error(`target ${manifest.name}: a Dockerfile target needs its folder (dir)`);
  }
  await ensureEngine();
  const image = await resolveTargetImage(manifest, dir ?? process.cwd());
  const tls = options.tls ?? (await createRunCertificates({ runId }));
  signal?.throwIfAborted();
  return ContainerTarget.start(
    {
      manifest,
      ...(dir === undefined ? {} : { dir }),
      image: image.tag,
      identities,
      runId,
      certs: tls,
      ...(signal === undefined ? {} : { signal }),
    },
    startedAt,
  );
}
