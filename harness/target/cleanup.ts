// Removal of what the harness made: by label (tests, `conformance cleanup`), and for this
// process on exit and on SIGINT/SIGTERM/SIGHUP. There is no Ryuk reaper (no registry to
// pull it from, ENVIRONMENT.md): this module is the reaper.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { getDocker } from "../engine/ensureEngine.ts";
import { LABEL, LABEL_RUN } from "./labels.ts";

export interface RemovedResources {
  containers: number;
  volumes: number;
  networks: number;
}

/** Remove every container (with its anonymous volumes), volume and network we labelled. */
export async function removeLabelledContainers(runId?: string): Promise<RemovedResources> {
  const docker = await getDocker();
  const label = [`${LABEL}=1`, ...(runId === undefined ? [] : [`${LABEL_RUN}=${runId}`])];
  const filters = JSON.stringify({ label });
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(
    containers.map((c) => removeContainer(c.Id).then(() => tracked.containers.delete(c.Id))),
  );
  const { Volumes: volumes } = await docker.listVolumes({ filters });
  await Promise.all(
    (volumes ?? []).map((v) =>
      docker
        .getVolume(v.Name)
        .remove()
        .catch(ignoreMissing)
        .then(() => tracked.volumes.delete(v.Name)),
    ),
  );
  const networks = await docker.listNetworks({ filters });
  await Promise.all(networks.map((n) => docker.getNetwork(n.Id).remove().catch(ignoreMissing)));
  return {
    containers: containers.length,
    volumes: (volumes ?? []).length,
    networks: networks.length,
  };
}

/**
 * Force-remove a container and its anonymous volumes; a missing one is fine. When another
 * removal of it is already in progress (a signal handler and the run racing), wait for
 * that one to finish (bounded), so that "removed" means gone when this resolves.
 */
export async function removeContainer(id: string): Promise<void> {
  const docker = await getDocker();
  const container = docker.getContainer(id);
  try {
    await container.remove({ force: true, v: true });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 409) return ignoreMissing(error);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      try {
        await container.inspect();
      } catch (inspectError) {
        if ((inspectError as { statusCode?: number }).statusCode === 404) return;
      }
    }
  }
}

function ignoreMissing(error: unknown): void {
  const status = (error as { statusCode?: number }).statusCode;
  // 404: gone; 409: removal already in progress.
  if (status === 404 || status === 409) return;
  throw error;
}

// What this process made and has not removed yet, for the exit and signal handlers.
const tracked = {
  containers: new Set<string>(),
  volumes: new Set<string>(),
  dirs: new Set<string>(),
};
let handlersInstalled = false;

export function track(kind: keyof typeof tracked, id: string): void {
  tracked[kind].add(id);
  installHandlers();
}

export function untrack(kind: keyof typeof tracked, id: string): void {
  tracked[kind].delete(id);
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // Synchronous last resort: the docker CLI, if present, removes what is left.
  process.on("exit", () => {
    removeDirs();
    const ids = [...tracked.containers];
    if (ids.length > 0)
      spawnSync("docker", ["rm", "-f", "-v", ...ids], { stdio: "ignore", timeout: 10_000 });
    const volumes = [...tracked.volumes];
    if (volumes.length > 0)
      spawnSync("docker", ["volume", "rm", "-f", ...volumes], { stdio: "ignore", timeout: 10_000 });
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const handler = async () => {
      if (signalMode === "off") return;
      const containers = [...tracked.containers].map((id) =>
        removeContainer(id).then(() => tracked.containers.delete(id)),
      );
      const cleanup = Promise.all(containers).catch(() => undefined);
      // Bounded, and the bound's timer is unref'd: a pending timer would keep the process
      // (a CLI that exits once its work is done) alive for the whole 5 s.
      await Promise.race([cleanup, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      removeDirs();
      if (signalMode === "cleanup-only") return;
      // Then die of the same signal, as if we had not been listening.
      process.removeListener(signal, handler);
      process.kill(process.pid, signal);
    };
    process.on(signal, handler);
  }
}

let signalMode: "exit" | "cleanup-only" | "off" = "exit";

/**
 * What the harness does on SIGINT, SIGTERM and SIGHUP once it has made a container:
 * `exit` (default): remove this process's containers and files, then die of the signal;
 * `cleanup-only`: remove them and leave exiting to the caller's own handler (a CLI that
 * writes a partial report); `off`: nothing (the caller stops its targets itself). The
 * "exit" event always removes what is left, through the docker CLI.
 */
export function configureSignalCleanup(mode: "exit" | "cleanup-only" | "off"): void {
  signalMode = mode;
}

function removeDirs(): void {
  for (const dir of tracked.dirs) rmSync(dir, { recursive: true, force: true });
  tracked.dirs.clear();
}

/**
 * Remove resources of test sessions (run ids `test-<pid>-...`, see
 * harness/testing/globalSetup.ts) whose process is gone: leftovers of a killed run.
 */
export async function removeDeadTestRuns(): Promise<number> {
  const docker = await getDocker();
  const containers = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`${LABEL}=1`] }),
  });
  const dead = new Set<string>();
  for (const c of containers) {
    const run = c.Labels?.[LABEL_RUN] ?? "";
    const pid = /^test-(\d+)-/.exec(run)?.[1];
    if (pid !== undefined && !processAlive(Number(pid))) dead.add(run);
  }
  for (const run of dead) await removeLabelledContainers(run);
  return dead.size;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
