// `npm run bench [-- --quick] [-- --json FILE] [-- --wait-load 1.5] [-- --seed N]
//   [-- --hypothesis-script FILE]`:
// how fast the suite runs against flask-reference on this machine, next to the target's
// own limit on the same transport and to a hand-written Hypothesis property. Prints
// Markdown tables, the first with the project's goals beside the figures; measures,
// never asserts.
//
// What it measures, in order:
//   1. image: the target's image built cold (a copy of the folder under a fresh name and a
//      nonce in the copied code, so no tag and no layer can be reused; the base image is
//      kept) and resolved from cache;
//   2. boot: bootTarget to TLS readiness, several times, and stop();
//   3. raw capacity: wrk (Debian) against a fresh container, GET /users/<own> as its
//      owner over HTTPS keep-alive, 1 and 4 connections; then the suite's TargetClient
//      in a loop of the same request;
//   4. on one container booted here: the Hypothesis baseline (shared/bench/
//      hypothesis_baseline.py, AUTHZ-02-style, 500 examples), then the suite's AUTHZ-02
//      alone with 500 runs through a URL target naming that container;
//   5. a full run (runConformance, 25 cases per property, one target) in a child process
//      (bench/runProbe.ts) that samples its own RSS every 100 ms and counts connections,
//      while this process samples the container's memory through the engine;
//   6. the same full run against flask-reference answering every request 50 ms late
//      (BAIP_DELAY_MS=50, baked into a derived image: see benchTargets.ts); not with --quick;
//   7. 1, 4 and 8 copies of the target in one run with --parallel = copies;
//   8. the suite's peak RSS at 10, 25 and 100 runs.
// Every container is labelled with this bench's run id and removed (stop(), or the
// harness's exit handler).
import { spawn } from "node:child_process";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sampleIdentities } from "../harness/arbitraries/identities.ts";
import { ensureEngine, getDocker } from "../harness/engine/ensureEngine.ts";
import type { Identity } from "../harness/identity/identity.ts";
import { ensureBaseImage } from "../harness/images/baseImage.ts";
import { type LoadedManifest, loadManifest } from "../harness/manifest/load.ts";
import { bootTarget } from "../harness/target/bootTarget.ts";
import { removeLabelledContainers } from "../harness/target/cleanup.ts";
import { resolveTargetImage } from "../harness/target/targetImage.ts";
import { createRunCertificates, type RunCertificates } from "../harness/tls/certificates.ts";
import { type SharedTargetFolder, urlTargetFor, withEnvironment } from "./benchTargets.ts";
import { sampleContainerMemory } from "./containerMemory.ts";
import {
  type BaselineFigures,
  defaultBaselineScript,
  ensureHypothesisPython,
  runBaseline,
} from "./hypothesisBaseline.ts";
import { clientLoad, ensureWrk, type LoadFigures, wrkLoad } from "./rawCapacity.ts";
import {
  type BenchFigures,
  formatReport,
  type Machine,
  type PeerFigures,
  type ProbeFigures,
} from "./report.ts";
import type { ProbeInput, ProbeOutput } from "./runProbe.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const REFERENCE = resolve(HERE, "../targets/flask-reference");
const PROBE = join(HERE, "runProbe.ts");
/** The goals are stated for 25 cases per property (the CLI's default today). */
const FULL_RUN_CASES = 25;
const PEER_REQUIREMENT = "AUTHZ-02";
const PEER_EXAMPLES = 500;
/** The stand-in for a service behind a database or a network hop (latency.py). */
const DELAY_MS = 50;
const BENCH_RUN_ID = `bench-${process.pid}-${Date.now().toString(36)}`;

interface Flags {
  quick: boolean;
  json?: string;
  waitLoad?: number;
  seed: number;
  hypothesisScript: string | undefined;
}

function parseFlags(argv: string[]): Flags {
  const flags: Flags = {
    quick: false,
    seed: 20261128,
    hypothesisScript: defaultBaselineScript(),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === "--quick") flags.quick = true;
    else if (arg === "--json") flags.json = value();
    else if (arg === "--wait-load") flags.waitLoad = Number(value());
    else if (arg === "--seed") flags.seed = Number(value());
    else if (arg === "--hypothesis-script") flags.hypothesisScript = resolve(value());
    else if (arg === "--help" || arg === "-h") {
      process.stdout.write(
        "usage: npm run bench -- [--quick] [--json FILE] [--wait-load LOAD1] [--seed N] [--hypothesis-script FILE]\n" +
          "  --quick skips the full run against the target delayed by BAIP_DELAY_MS and repeats less\n",
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (see --help)`);
  }
  if (flags.waitLoad !== undefined && !(flags.waitLoad > 0))
    throw new Error("--wait-load takes a positive number (a 1-minute load average)");
  if (!Number.isInteger(flags.seed)) throw new Error("--seed takes a whole number");
  return flags;
}

const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
const load1 = () => os.loadavg()[0] ?? Number.NaN;
const round2 = (n: number) => Math.round(n * 100) / 100;

async function waitForLoad(below: number): Promise<NonNullable<Machine["loadWait"]>> {
  const started = Date.now();
  const limitMs = 10 * 60_000;
  while (load1() >= below && Date.now() - started < limitMs) {
    progress(`1-min load ${load1().toFixed(2)} >= ${below}: waiting (up to 10 min)`);
    await new Promise((r) => setTimeout(r, 15_000));
  }
  return { below, waitedS: Math.round((Date.now() - started) / 1000), reached: load1() < below };
}

/** Builds flask-reference under a fresh name with a nonce in its copied code: no cache hit. */
async function coldBuild(): Promise<number> {
  const work = await mkdtemp(join(os.tmpdir(), "baip-bench-build-"));
  const nonce = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  try {
    const copy = join(work, "flask-reference");
    await cp(REFERENCE, copy, { recursive: true });
    // Inside the folder the Dockerfile COPYs: its layer and all after it are rebuilt.
    await writeFile(join(copy, "baip_reference", ".bench-nonce"), `${nonce}\n`);
    const { manifest, dir } = await loadManifest(copy);
    const renamed = { ...manifest, name: `bench-cold-${nonce}` };
    const image = await resolveTargetImage(renamed, dir);
    const docker = await getDocker();
    await docker
      .getImage(image.tag)
      .remove({ force: true })
      .catch(() => undefined);
    if (image.origin !== "built") throw new Error(`cold build was ${image.origin}, not built`);
    return image.ms;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Runs bench/runProbe.ts in a child process while sampling its containers' memory. */
async function probe(
  label: string,
  input: Omit<ProbeInput, "runId" | "seed">,
  seed: number,
  env: Record<string, string> = {},
): Promise<ProbeFigures> {
  const runId = `${BENCH_RUN_ID}-${label.replace(/[^a-z0-9]+/gi, "-")}`;
  const full: ProbeInput = { ...input, seed, runId };
  const startLoad = load1();
  progress(
    `${label}: ${input.targets.length} target(s), ${input.numRuns} runs, parallel ${input.parallel} (load ${startLoad.toFixed(2)})`,
  );
  const sampler = sampleContainerMemory(runId);
  const stdout: string[] = [];
  const code = await new Promise<number | null>((resolvePromise, reject) => {
    const args = [...process.execArgv, "--expose-gc", PROBE, JSON.stringify(full)];
    const child = spawn(process.execPath, args, {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, ...env },
    });
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => stdout.push(chunk));
    child.on("error", reject);
    child.on("exit", resolvePromise);
  });
  const containers = await sampler.stop();
  // Whatever the child left behind (it removes its own; this is the backstop).
  await removeLabelledContainers(runId).catch(() => undefined);
  const line = stdout
    .join("")
    .split("\n")
    .find((l) => l.startsWith("BENCH_PROBE "));
  if (line === undefined) throw new Error(`${label}: the probe exited with ${code} and no result`);
  const output = JSON.parse(line.slice("BENCH_PROBE ".length)) as ProbeOutput;
  const requests = output.targets.reduce((sum, t) => sum + t.requests, 0);
  progress(
    `${label}: ${(output.wallMs / 1000).toFixed(1)} s, ${requests} requests, ${output.targets.map((t) => t.verdict + (t.error ? ` (${t.error})` : "")).join(" ")}`,
  );
  return {
    label,
    targets: input.targets.length,
    parallel: input.parallel,
    numRuns: input.numRuns,
    load1: round2(startLoad),
    probe: output,
    containers,
  };
}

/**
 * The Hypothesis baseline, then the suite's `PEER_REQUIREMENT` alone, against one
 * container booted here (the suite reaches it as a URL target).
 */
async function peerComparison(
  loaded: LoadedManifest,
  identities: readonly Identity[],
  tls: RunCertificates,
  flags: Flags,
): Promise<PeerFigures> {
  const { manifest, dir, file } = loaded;
  const target = await bootTarget({ manifest, dir, identities, tls, runId: BENCH_RUN_ID });
  let shared: SharedTargetFolder | undefined;
  try {
    shared = await urlTargetFor(target, file, `${manifest.name}-shared`);
    let hypothesis: BaselineFigures | { error: string };
    try {
      const script = flags.hypothesisScript;
      if (script === undefined)
        throw new Error(
          "no peer script: pass --hypothesis-script FILE or set BAIP_HYPOTHESIS_BASELINE (a hand-written Hypothesis property, see README: Speed)",
        );
      const python = await ensureHypothesisPython();
      progress(`peer: Hypothesis baseline, ${PEER_EXAMPLES} examples (${script})`);
      hypothesis = await runBaseline({
        script,
        python,
        baseUrl: target.baseUrl(),
        caFile: shared.caFile,
        usersFile: shared.usersFile,
        examples: PEER_EXAMPLES,
        cwd: shared.dir,
      });
      progress(`peer: ${hypothesis.line}`);
    } catch (error) {
      // The suite's side is still worth measuring; the table says why the ratio is missing.
      const message = (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
      progress(`peer: Hypothesis baseline failed: ${message}`);
      hypothesis = { error: message };
    }
    const suite = await probe(
      `${PEER_REQUIREMENT} alone`,
      // The bench booted this container and owns it: batches as for a container target
      // (a URL target runs serially by default, since nothing could reset it).
      {
        targets: [shared.dir],
        numRuns: PEER_EXAMPLES,
        parallel: 1,
        only: [PEER_REQUIREMENT],
        serial: false,
      },
      flags.seed,
      { BAIP_CA_FILE: shared.caFile },
    );
    return { requirement: PEER_REQUIREMENT, examples: PEER_EXAMPLES, hypothesis, suite };
  } finally {
    await shared?.remove();
    await target.stop();
  }
}

/** A full run against flask-reference answering `DELAY_MS` late (a derived image). */
async function delayedRun(seed: number): Promise<NonNullable<BenchFigures["delayedRun"]>> {
  const folder = await withEnvironment(REFERENCE, `flask-reference-delay-${DELAY_MS}ms`, {
    BAIP_DELAY_MS: String(DELAY_MS),
  });
  try {
    // Built (once per machine) before the timed run: a build is not a run's cost.
    const { manifest, dir } = await loadManifest(folder.dir);
    await resolveTargetImage(manifest, dir);
    const run = await probe(
      `full run, BAIP_DELAY_MS=${DELAY_MS}`,
      { targets: [folder.dir], numRuns: FULL_RUN_CASES, parallel: 1 },
      seed,
    );
    return { delayMs: DELAY_MS, run };
  } finally {
    await folder.remove();
  }
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const reps = flags.quick
    ? { cold: 1, cached: 3, boots: 3, loadS: 3 }
    : { cold: 2, cached: 5, boots: 5, loadS: 5 };
  const startedAt = new Date().toISOString();
  const loadWait = flags.waitLoad === undefined ? undefined : await waitForLoad(flags.waitLoad);
  const loadStart = os.loadavg().map(round2);
  const cpus = os.cpus();

  await ensureEngine();
  await ensureWrk();
  const base = await ensureBaseImage();
  const loaded = await loadManifest(REFERENCE);
  const { manifest, dir } = loaded;
  const generate = "generate" in manifest.identities ? manifest.identities.generate : undefined;
  const identities = sampleIdentities(flags.seed, generate ?? { users: 3, admins: 1 });
  const privileged = new Set(manifest.privilegedRoles);
  const owner = identities.find((i) => !privileged.has(i.role)) ?? identities[0]!;

  // 1. Images.
  progress("image: cold builds and cached resolutions");
  const coldMs: number[] = [];
  for (let i = 0; i < reps.cold; i++) coldMs.push(await coldBuild());
  const cachedMs: number[] = [];
  await resolveTargetImage(manifest, dir); // builds it once if this machine has none yet
  for (let i = 0; i < reps.cached; i++) cachedMs.push((await resolveTargetImage(manifest, dir)).ms);

  // 2. Boots.
  progress(`boot: ${reps.boots} boots`);
  const tls = await createRunCertificates({ runId: BENCH_RUN_ID });
  const boot = { bootMs: [] as number[], stopMs: [] as number[] };
  for (let i = 0; i < reps.boots; i++) {
    const target = await bootTarget({ manifest, dir, identities, tls, runId: BENCH_RUN_ID });
    boot.bootMs.push(target.bootMs);
    const stopping = performance.now();
    await target.stop();
    boot.stopMs.push(Math.round(performance.now() - stopping));
  }

  // 3. Raw capacity, on a fresh container.
  progress("raw capacity: wrk and the suite's client");
  const raw: LoadFigures[] = [];
  {
    const target = await bootTarget({ manifest, dir, identities, tls, runId: BENCH_RUN_ID });
    try {
      await wrkLoad(target, owner, 1, 1); // warm-up: first connections, Python caches
      raw.push(await wrkLoad(target, owner, 1, reps.loadS));
      raw.push(await wrkLoad(target, owner, 4, reps.loadS));
      raw.push(await clientLoad(target, owner, 1, reps.loadS));
      raw.push(await clientLoad(target, owner, 4, reps.loadS));
    } finally {
      await target.stop();
    }
  }

  // 4. The Hypothesis baseline and the suite's AUTHZ-02, on one container.
  progress(`peer: Hypothesis baseline and the suite's ${PEER_REQUIREMENT} on one container`);
  const peer = await peerComparison(loaded, identities, tls, flags);

  // 5-8. Runs, each in a process of its own.
  const one = (numRuns: number) => ({ targets: [REFERENCE], numRuns, parallel: 1 });
  const fullRun = await probe("full run", one(FULL_RUN_CASES), flags.seed);
  const delayed = flags.quick ? undefined : await delayedRun(flags.seed);
  const scalingRuns = 10;
  const scaling: ProbeFigures[] = [];
  const flatness: ProbeFigures[] = [];
  const single = await probe(`1 target x${scalingRuns}`, one(scalingRuns), flags.seed);
  scaling.push(single);
  for (const n of [4, 8]) {
    const targets = Array.from({ length: n }, () => REFERENCE);
    scaling.push(
      await probe(`${n} targets`, { targets, numRuns: scalingRuns, parallel: n }, flags.seed),
    );
  }
  flatness.push(single, fullRun, await probe("runs 100", one(100), flags.seed));

  const figures: BenchFigures = {
    tool: "baip-bench",
    startedAt,
    quick: flags.quick,
    seed: flags.seed,
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? "unknown",
      memoryBytes: os.totalmem(),
      node: process.versions.node,
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      loadStart,
      loadEnd: os.loadavg().map(round2),
      ...(loadWait ? { loadWait } : {}),
    },
    images: { base: { source: base.source, ms: base.ms }, coldMs, cachedMs },
    boot,
    raw,
    peer,
    fullRun,
    ...(delayed ? { delayedRun: delayed } : {}),
    scaling,
    flatness,
  };
  process.stdout.write(`${formatReport(figures)}\n`);
  if (flags.json !== undefined) {
    await writeFile(flags.json, `${JSON.stringify(figures, null, 2)}\n`);
    progress(`figures written to ${flags.json}`);
  }
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await removeLabelledContainers(BENCH_RUN_ID).catch(() => undefined);
}
