// One run: for each target, load its manifest, boot it (hardened container or URL), run
// the selected requirements, stop it, and fold everything into a versioned RunResult.
// Targets run concurrently up to `parallel`; one target's failure never touches another.
import { randomBytes } from "node:crypto";
import { sampleIdentities } from "../../harness/arbitraries/identities.ts";
import { toCurl } from "../../harness/http/curl.ts";
import { TargetClient } from "../../harness/http/targetClient.ts";
import { loadManifest } from "../../harness/manifest/load.ts";
import type { TargetManifest } from "../../harness/manifest/schema.ts";
import { bootTarget } from "../../harness/target/bootTarget.ts";
import type { StartedTarget } from "../../harness/target/startedTarget.ts";
import { createRunCertificates, type RunCertificates } from "../../harness/tls/certificates.ts";
import { selectRequirements } from "../catalogue.ts";
import { SuiteError } from "../failure.ts";
import type { Requirement } from "../requirement.ts";
import {
  RESULT_PROFILE,
  RESULT_SCHEMA_VERSION,
  type RunResult,
  type TargetResult,
} from "../result.ts";
import { targetVerdict } from "../verdict.ts";
import { runTarget } from "./runTarget.ts";

export const TOOL = { name: "baip-conformance", version: "0.1.0" };

export interface ConformanceOptions {
  /** Target folders or target.yaml paths. */
  targets: string[];
  numRuns: number;
  seed: number;
  only?: string[];
  skip?: string[];
  /** Replay one failure: its fast-check path (use with one `only`). */
  path?: string;
  /** Targets booted and run at the same time. */
  parallel?: number;
  /**
   * Every case one at a time (true), or concurrent batches on the passing path (false).
   * Default: batches for container targets, serial for URL targets (runTarget.ts).
   */
  serial?: boolean;
  shard?: { index: number; count: number };
  /** Bound on one target's run (boot excluded), ms; then it is INCONCLUSIVE. */
  targetTimeoutMs?: number;
  signal?: AbortSignal;
  /** One line per event, for progress output. */
  log?: (line: string) => void;
  /** How to invoke the CLI in replay commands (default `npx conformance`). */
  command?: string;
  /**
   * Labels the run's containers (`baip.run`), so that they can be told from those of
   * concurrent runs and removed. Default: this process's run id (env BAIP_RUN_ID).
   */
  runId?: string;
}

export const DEFAULT_NUM_RUNS = 25;

export function newSeed(): number {
  return randomBytes(4).readInt32LE(0);
}

/** Targets this shard owns: round-robin over the sorted list, so shards never overlap. */
export function shardTargets(
  targets: string[],
  shard?: { index: number; count: number },
): string[] {
  if (!shard) return targets;
  return targets.filter((_, i) => i % shard.count === shard.index - 1);
}

export async function runConformance(options: ConformanceOptions): Promise<RunResult> {
  const startedAt = new Date();
  const requirements = selectRequirements(options.only, options.skip);
  const targets = shardTargets(options.targets, options.shard);
  const results: TargetResult[] = new Array(targets.length);
  const parallel = Math.max(1, options.parallel ?? 1);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const i = next++;
      results[i] = await runOneTarget(targets[i]!, requirements, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, targets.length) }, worker));
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    profile: RESULT_PROFILE,
    tool: TOOL,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    interrupted: options.signal?.aborted ?? false,
    config: {
      numRuns: options.numRuns,
      seed: options.seed,
      ...(options.only?.length ? { only: options.only } : {}),
      ...(options.skip?.length ? { skip: options.skip } : {}),
      ...(options.shard ? { shard: options.shard } : {}),
    },
    targets: results,
  };
}

/**
 * The identities a run makes for a target: `generate` writes them to users.json, `signUp`
 * registers them through the API at the start of the run (no privileged role: a sign-up
 * grants none); none for a listed target.
 */
export function generatedIdentities(manifest: TargetManifest, seed: number) {
  const ids = manifest.identities;
  if ("generate" in ids) return sampleIdentities(seed, ids.generate);
  if ("signUp" in ids) return sampleIdentities(seed, { users: ids.signUp.users, admins: 0 });
  return [];
}

/**
 * Boot one target as a run does: identities generated from the run's seed (so `--seed`
 * regenerates the same users.json), a CA made for this run. `conformance boot` uses it
 * too, so that what a user pokes at by hand is what the suite ran against.
 */
export async function bootForRun(
  loaded: { manifest: TargetManifest; dir: string; file: string },
  seed: number,
  options: { signal?: AbortSignal; runId?: string } = {},
): Promise<{ target: StartedTarget; tls: RunCertificates }> {
  const { manifest } = loaded;
  const identities = generatedIdentities(manifest, seed);
  const tls = await createRunCertificates({ runId: manifest.name });
  const target = await bootTarget({
    manifest,
    dir: loaded.dir,
    file: loaded.file,
    identities,
    tls,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.runId === undefined ? {} : { runId: options.runId }),
  });
  return { target, tls };
}

function replayCommand(options: ConformanceOptions, source: string) {
  const cli = options.command ?? "npx conformance run";
  return (id: string, _propertySeed: number, path: string | undefined) =>
    `${cli} ${source} --only ${id} --seed ${options.seed} --runs ${options.numRuns}${path ? ` --path ${path}` : ""}`;
}

async function runOneTarget(
  source: string,
  requirements: Requirement[],
  options: ConformanceOptions,
): Promise<TargetResult> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  let name = source;
  let manifest: TargetManifest | undefined;
  let target: StartedTarget | undefined;
  let client: TargetClient | undefined;
  let deadlineTimer: NodeJS.Timeout | undefined;
  const inconclusive = (error: string): TargetResult => ({
    name,
    source,
    verdict: "INCONCLUSIVE",
    error,
    durationMs: Math.round(performance.now() - started),
    requests: 0,
    requirements: [],
    ...(manifest?.expect ? { expectedFailures: manifest.expect.fails } : {}),
  });
  try {
    const loaded = await loadManifest(source);
    manifest = loaded.manifest;
    name = manifest.name;
    if (options.signal?.aborted) return inconclusive("run interrupted before boot");
    log(`${name}: booting`);
    const generate = !("list" in manifest.identities) || undefined;
    ({ target } = await bootForRun(loaded, options.seed, {
      signal: options.signal,
      ...(options.runId === undefined ? {} : { runId: options.runId }),
    }));
    log(`${name}: ready in ${target.bootMs} ms at ${target.baseUrl()}`);
    client = new TargetClient(target, {
      requestTimeoutMs: manifest.limits.requestTimeoutMs,
      identities: () => target!.identities(),
      maxRecorded: 1,
    });
    // Not AbortSignal.timeout(): Node 20 lets a timeout signal that only AbortSignal.any()
    // refers to be garbage-collected, and then the deadline never fires. The timer here
    // holds its controller until it fires or is cleared.
    const expiry = new AbortController();
    if (options.targetTimeoutMs)
      deadlineTimer = setTimeout(() => expiry.abort(), options.targetTimeoutMs);
    const deadline = AbortSignal.any([...(options.signal ? [options.signal] : []), expiry.signal]);
    const outcome = await runTarget(target, client, requirements, {
      numRuns: options.numRuns,
      seed: options.seed,
      path: options.path,
      ...(options.serial !== undefined ? { serial: options.serial } : {}),
      signal: deadline,
      replayCommand: replayCommand(options, source),
      toCurl: (e) => toCurl(e, { credentialsFrom: credentialsFromLabel }),
      credentialSources: [
        generate
          ? `users.json of the run, regenerated by --seed ${options.seed}: set BAIP_USER_<NAME>/BAIP_PASS_<NAME> from it, and BAIP_CA to the run's CA`
          : "the manifest's identities (password env vars named there)",
      ],
      onProgress: (e) => log(`${name}: ${e.requirement} ${e.status} (${e.durationMs} ms)`),
    });
    const interrupted = options.signal?.aborted;
    const timedOut = !interrupted && deadline.aborted;
    const error = interrupted
      ? "run interrupted"
      : timedOut
        ? `the target's run exceeded ${options.targetTimeoutMs} ms (--target-timeout)`
        : outcome.unavailable;
    // A waived requirement ran and reports what it found, marked with the manifest's
    // written reason; the verdict does not count it (docs/SPEC.md section 5).
    const waived = new Map(manifest.waivers.map((w) => [w.id, w.reason]));
    const judged = outcome.requirements.map((r) =>
      waived.has(r.id) ? { ...r, waiver: waived.get(r.id)! } : r,
    );
    // A MUST failed before the run stopped is proof and stands (as when shards merge).
    const verdict = targetVerdict(
      { requirements: judged, ...(error !== undefined ? { error } : {}) },
      { interrupted: interrupted === true },
    );
    if (outcome.unavailable !== undefined && !interrupted && !timedOut)
      log(`${name}: ${verdict}: ${outcome.unavailable.split("\n")[0]}`);
    return {
      name,
      source,
      verdict,
      ...(error !== undefined ? { error } : {}),
      bootMs: target.bootMs,
      durationMs: Math.round(performance.now() - started),
      requests: outcome.requests,
      requirements: judged,
      ...(manifest.expect ? { expectedFailures: manifest.expect.fails } : {}),
      ...(manifest.waivers.length > 0 ? { waivers: manifest.waivers } : {}),
      ...(outcome.excludedIdentities ? { excludedIdentities: outcome.excludedIdentities } : {}),
    };
  } catch (error) {
    // A bug of the suite is not a verdict about this target: it ends the whole run.
    if (error instanceof SuiteError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    log(`${name}: INCONCLUSIVE: ${message.split("\n")[0]}`);
    return inconclusive(message);
  } finally {
    clearTimeout(deadlineTimer);
    // Requests still in flight (an interrupt, a deadline) are failed, not waited for.
    await client?.destroy();
    await target?.stop().catch(() => undefined);
  }
}

/**
 * Reproductions name where credentials come from, never the credentials: a label
 * `Basic <alice-x1: ...>` becomes `$BAIP_USER_ALICE_X1:$BAIP_PASS_ALICE_X1`, which the
 * user sets from the run's users.json (regenerated by the same --seed).
 */
export function credentialsFromLabel(label: string): string {
  const user = /^Basic <"?([^:">]+)"?:/.exec(label)?.[1];
  if (!user) return "$BAIP_RAW_AUTHORIZATION";
  const v = user.toUpperCase().replace(/[^A-Z0-9]/g, "_");
  return `$BAIP_USER_${v}:$BAIP_PASS_${v}`;
}
