// Memory of the target containers of one run, sampled through the engine while the run
// goes on: every container labelled `baip.run=<runId>` (a run replaces its container when
// a read-only field changed, and runs several targets at once: each is followed).
// cgroup v1 reports `max_usage` (the cgroup's peak since it started, page cache
// included), so a sample every half second still catches the peak; cgroup v2 has no
// max_usage and the peak is that of the samples.
import { getDocker } from "../harness/engine/ensureEngine.ts";
import { LABEL_RUN } from "../harness/target/labels.ts";

export interface ContainerMemory {
  /** Distinct containers seen. */
  containers: number;
  /** Most containers running at once. */
  maxConcurrent: number;
  /** Highest peak of one container: cgroup max_usage, or the highest usage sampled. */
  peakBytes: number | undefined;
  /** Highest resident set (stats.total_rss or rss) sampled in one container. */
  peakRssBytes: number | undefined;
  /** Sum over containers of each one's peak (an upper bound of the run's total). */
  sumPeakBytes: number | undefined;
}

export interface ContainerSampler {
  stop(): Promise<ContainerMemory>;
}

export function sampleContainerMemory(runId: string, everyMs = 500): ContainerSampler {
  const peaks = new Map<string, { peak: number; rss: number }>();
  let maxConcurrent = 0;
  let stopped = false;
  const sampleOnce = async () => {
    const docker = await getDocker();
    const running = await docker.listContainers({
      filters: JSON.stringify({ label: [`${LABEL_RUN}=${runId}`] }),
    });
    maxConcurrent = Math.max(maxConcurrent, running.length);
    await Promise.all(
      running.map(async (info) => {
        const stats = await docker
          .getContainer(info.Id)
          .stats({ stream: false, "one-shot": true })
          .catch(() => undefined); // removed between the listing and the stats call
        const memory = stats?.memory_stats;
        if (memory?.usage === undefined) return;
        const peak = Math.max(memory.max_usage ?? 0, memory.usage);
        const rss = memory.stats?.total_rss ?? memory.stats?.rss ?? 0;
        const seen = peaks.get(info.Id) ?? { peak: 0, rss: 0 };
        peaks.set(info.Id, { peak: Math.max(seen.peak, peak), rss: Math.max(seen.rss, rss) });
      }),
    );
  };
  const loop = (async () => {
    while (!stopped) {
      const next = Date.now() + everyMs;
      await sampleOnce().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      const values = [...peaks.values()];
      const defined = values.length > 0;
      return {
        containers: peaks.size,
        maxConcurrent,
        peakBytes: defined ? Math.max(...values.map((v) => v.peak)) : undefined,
        peakRssBytes: defined ? Math.max(...values.map((v) => v.rss)) : undefined,
        sumPeakBytes: defined ? values.reduce((sum, v) => sum + v.peak, 0) : undefined,
      };
    },
  };
}
