// `conformance boot <target>`: boot one target exactly as `conformance run` would (same
// manifest, identities generated from the seed, a CA made for the run, the hardened
// container of bootTarget), print how to reach it, and keep it up until Ctrl-C. For
// poking at a target by hand, or replaying a report's curl lines against the state the
// same --seed produced.
//
// Nothing printed carries a password: curl lines reference BAIP_USER_<NAME> and
// BAIP_PASS_<NAME> as reports do, and the passwords stay in two files of a private temp
// folder (users.json, and env.sh that sets the variables), removed on exit.
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { shellQuote, toCurl } from "../harness/http/curl.ts";
import type { Exchange } from "../harness/http/exchange.ts";
import type { Identity } from "../harness/identity/identity.ts";
import { loadManifest } from "../harness/manifest/load.ts";
import { configureSignalCleanup, track, untrack } from "../harness/target/cleanup.ts";
import type { StartedTarget } from "../harness/target/startedTarget.ts";
import { writeUsersJson } from "../harness/target/usersJson.ts";
import { credentialsOf, pathFor } from "../suites/lib/resourceApi.ts";
import { bootForRun, credentialsFromLabel, newSeed } from "../suites/runner/runConformance.ts";

export interface BootFlags {
  seed?: number;
}

/** How often the target's container is checked while we wait (a crash ends `boot`). */
const ALIVE_POLL_MS = 2_000;

/** Boot `source`, print its access, wait for SIGINT/SIGTERM, remove everything. */
export async function boot(source: string, flags: BootFlags): Promise<number> {
  const { manifest, dir, file } = await loadManifest(source);
  if ("url" in manifest.boot)
    throw new Error(
      `${source}: ${manifest.name} is a URL target, already running at ${manifest.boot.url}; boot starts container targets`,
    );
  // Signals are ours: the harness only removes what it tracks, then leaves exiting to us.
  configureSignalCleanup("cleanup-only");
  const stopped = new AbortController();
  const onSignal = () => stopped.abort();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const seed = flags.seed ?? newSeed();
  let target: StartedTarget | undefined;
  let files: string | undefined;
  try {
    process.stderr.write(`${manifest.name}: booting (seed ${seed})\n`);
    // Exactly as a run boots it: identities from the seed, a fresh run CA.
    const generate = !("list" in manifest.identities) || undefined;
    const booted = await bootForRun({ manifest, dir, file }, seed, { signal: stopped.signal });
    target = booted.target;
    const tls = booted.tls;
    files = await mkdtemp(join(tmpdir(), "baip-boot-"));
    track("dirs", files);
    await chmod(files, 0o700);
    const ca = join(files, "ca.pem");
    await writeFile(ca, tls.caCert);
    const usersJson = join(files, "users.json");
    await writeUsersJson(target.identities(), usersJson);
    await chmod(usersJson, 0o600); // Readable by the container is not needed here.
    const envFile = join(files, "env.sh");
    await writeFile(envFile, envScript(ca, target.identities()), { mode: 0o600 });
    process.stdout.write(
      readyText(target, { seed, ca, usersJson, envFile, generated: generate !== undefined }),
    );
    const outcome = await untilStopped(target, stopped.signal);
    if (outcome !== "signal") {
      process.stderr.write(`${manifest.name}: ${outcome}\n${await target.logTail(20)}\n`);
      return 2;
    }
    process.stderr.write(`${manifest.name}: stopping and removing its container\n`);
    return 0;
  } catch (error) {
    // Ctrl-C during the boot: interrupted, like an interrupted run.
    if (stopped.signal.aborted) return 2;
    throw error;
  } finally {
    await target?.stop().catch(() => undefined);
    if (files !== undefined) {
      await rm(files, { recursive: true, force: true });
      untrack("dirs", files);
    }
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** Resolves "signal" on Ctrl-C, or why the target stopped on its own. */
async function untilStopped(target: StartedTarget, signal: AbortSignal): Promise<string> {
  while (!signal.aborted) {
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", wake);
        resolve();
      };
      const timer = setTimeout(wake, ALIVE_POLL_MS);
      signal.addEventListener("abort", wake, { once: true });
    });
    if (!signal.aborted && !(await target.isAlive()))
      return (await target.exitReason?.()) ?? "the target stopped";
  }
  return "signal";
}

/**
 * The variable names reports use for an identity's credentials (BAIP_USER_<NAME>,
 * BAIP_PASS_<NAME>), taken from the reports' own mapping so the two cannot drift.
 */
function credentialVars(identity: Identity): { user: string; pass: string } {
  const [user = "", pass = ""] = credentialsFromLabel(credentialsOf(identity).label)
    .split(":")
    .map((v) => v.replace(/^\$/, ""));
  return { user, pass };
}

/** A POSIX sh script setting BAIP_CA and every identity's variables (holds passwords). */
function envScript(ca: string, identities: readonly Identity[]): string {
  const lines = [`export BAIP_CA=${shellQuote(ca)}`];
  for (const identity of identities) {
    const { user, pass } = credentialVars(identity);
    lines.push(`export ${user}=${shellQuote(identity.username)}`);
    lines.push(`export ${pass}=${shellQuote(identity.password)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** An owner's read of its own record (the manifest's snapshot read), as a curl line. */
function curlFor(target: StartedTarget, identity: Identity): string {
  const resource = target.manifest.resources[0];
  const read = resource?.reads[resource.snapshotRead] ?? resource?.reads[0];
  const id = String(
    (identity as unknown as Record<string, unknown>)[resource?.idField ?? "username"] ??
      identity.username,
  );
  const path = read === undefined ? "/" : pathFor(read.path, id);
  const label = credentialsOf(identity).label;
  const exchange: Exchange = {
    seq: 0,
    durationMs: 0,
    request: {
      method: read?.method ?? "GET",
      url: `${target.baseUrl()}${path}`,
      transport: "tls",
      headers: { authorization: label },
      authorization: { kind: "basic", label },
    },
  };
  return toCurl(exchange, { credentialsFrom: credentialsFromLabel });
}

function readyText(
  target: StartedTarget,
  paths: { seed: number; ca: string; usersJson: string; envFile: string; generated: boolean },
): string {
  const plaintext = target.plaintextUrl();
  const seeded = paths.generated
    ? ` (the identities \`conformance run --seed ${paths.seed}\` seeds)`
    : " (the manifest's identities.list)";
  return [
    `${target.manifest.name} is up, booted as a run boots it, in ${target.bootMs} ms.`,
    `  HTTPS       ${target.baseUrl()}`,
    ...(plaintext === undefined ? [] : [`  plaintext   ${plaintext}`]),
    `  CA          ${paths.ca}`,
    `  users.json  ${paths.usersJson}${seeded}`,
    "",
    "Credentials go in environment variables, as in reports; set them from users.json with:",
    `  . ${shellQuote(paths.envFile)}`,
    "",
    "One request per identity (its own record):",
    ...target.identities().map((identity) => `  ${curlFor(target, identity)}`),
    "",
    "Ctrl-C stops the target and removes its container and these files.",
    "",
  ].join("\n");
}
