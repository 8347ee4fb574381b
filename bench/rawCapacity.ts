// The target's own limit on the suite's transport (HTTPS, keep-alive, 127.0.0.1 through
// the engine's port publishing): `wrk` sending the cheapest authenticated request of the
// contract, GET /users/<own> as its owner, for a few seconds. And, for comparison, the
// suite's own client (TargetClient: recording, redaction) sending the same request in a
// loop: the gap between the two is the client's cost, not the target's.
import { execFile } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { aptInstall, hasCommand } from "../harness/engine/ensureEngine.ts";
import { basicAuthorization } from "../harness/http/basicAuth.ts";
import { TargetClient } from "../harness/http/targetClient.ts";
import type { Identity } from "../harness/identity/identity.ts";
import type { StartedTarget } from "../harness/target/startedTarget.ts";

const execFileP = promisify(execFile);

export interface LoadFigures {
  tool: "wrk" | "TargetClient";
  connections: number;
  durationS: number;
  requests: number;
  rps: number;
  /** Mean time per request on one connection: connections / (requests per second). */
  latencyAvgMs: number;
  /** Responses other than 200 (wrk: non-2xx/3xx; TargetClient: anything but 200). */
  errors: number;
}

/** Install Debian's wrk when missing (ENVIRONMENT.md: it is in Debian). */
export async function ensureWrk(): Promise<void> {
  if (await hasCommand("wrk")) return;
  await aptInstall(["wrk"], join(tmpdir(), "baip-bench-apt.log"));
}

export async function wrkLoad(
  target: StartedTarget,
  owner: Identity,
  connections: number,
  durationS: number,
): Promise<LoadFigures> {
  const url = `${target.baseUrl()}/users/${encodeURIComponent(owner.username)}`;
  const { stdout } = await execFileP(
    "wrk",
    [
      "-t1",
      `-c${connections}`,
      `-d${durationS}s`,
      "--timeout",
      "10s",
      "-H",
      `Authorization: ${basicAuthorization(owner.username, owner.password)}`,
      url,
    ],
    { timeout: (durationS + 30) * 1000 },
  );
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? Number.NaN);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? Number.NaN);
  // Not wrk's "Latency Avg": it is an average of per-thread samples that a few stalls on
  // a busy machine skew. Connections over throughput is the mean a client waits.
  const latencyAvgMs = (connections / rps) * 1000;
  const errors =
    Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0) +
    Number(/Socket errors:.*?timeout (\d+)/.exec(stdout)?.[1] ?? 0);
  return { tool: "wrk", connections, durationS, requests, rps, latencyAvgMs, errors };
}

/** The suite's client in `concurrency` loops of the same GET for `durationS` seconds. */
export async function clientLoad(
  target: StartedTarget,
  owner: Identity,
  concurrency: number,
  durationS: number,
): Promise<LoadFigures> {
  const client = TargetClient.forTarget(target, { maxRecorded: 1, connections: 4 });
  const path = `/users/${encodeURIComponent(owner.username)}`;
  const auth = {
    username: owner.username,
    password: owner.password,
    label: `Basic <${owner.username}: password from ${owner.passwordSource}>`,
  };
  let requests = 0;
  let errors = 0;
  const started = performance.now();
  const until = started + durationS * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      const exchange = await client.send({ method: "GET", path, auth });
      requests++;
      if (exchange.response?.status !== 200) errors++;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, loop));
  } finally {
    await client.close();
  }
  const elapsedS = (performance.now() - started) / 1000;
  return {
    tool: "TargetClient",
    connections: concurrency,
    durationS,
    requests,
    rps: requests / elapsedS,
    latencyAvgMs: (concurrency * elapsedS * 1000) / Math.max(1, requests),
    errors,
  };
}
