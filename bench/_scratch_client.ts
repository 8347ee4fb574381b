import { execFileSync } from "node:child_process";
import { Agent } from "undici";
import { sampleIdentities } from "../harness/arbitraries/identities.ts";
import { basicAuthorization } from "../harness/http/basicAuth.ts";
import { TargetClient } from "../harness/http/targetClient.ts";
import { loadManifest } from "../harness/manifest/load.ts";
import { bootTarget } from "../harness/target/bootTarget.ts";

const { manifest, dir } = await loadManifest("targets/flask-reference");
const identities = sampleIdentities(1, { users: 3, admins: 1 });
const owner = identities.find((i) => i.role !== "admin")!;
const target = await bootTarget({ manifest, dir, identities, runId: `scratch-${process.pid}` });
const D = Number(process.argv[2] ?? 3000);
const path = `/users/${owner.username}`;
const auth = basicAuthorization(owner.username, owner.password);
try {
  const url = target.baseUrl();
  console.log(
    execFileSync("wrk", [
      "-t1",
      "-c1",
      "-d3s",
      "-H",
      `Authorization: ${auth}`,
      url + path,
    ]).toString(),
  );
  const loop = async (name: string, fn: () => Promise<unknown>) => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < D) {
      await fn();
      n++;
    }
    const el = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    console.log(
      name,
      n,
      ((n / el) * 1000).toFixed(0),
      "rps",
      (el / n).toFixed(2),
      "ms/req",
      ((cpu.user + cpu.system) / 1000 / n).toFixed(2),
      "cpu ms/req",
    );
  };
  const agent = new Agent({ connect: { ca: target.caPem() }, connections: 4 });
  await loop("undici bare", async () => {
    const r = await agent.request({
      origin: url,
      path,
      method: "GET",
      headers: { authorization: auth },
    });
    await r.body.text();
  });
  const client = TargetClient.forTarget(target, { maxRecorded: 1 });
  const a = { username: owner.username, password: owner.password, label: "x" };
  await loop("TargetClient", () => client.send({ method: "GET", path, auth: a }));
  await loop("undici bare", async () => {
    const r = await agent.request({
      origin: url,
      path,
      method: "GET",
      headers: { authorization: auth },
    });
    await r.body.text();
  });
  await loop("TargetClient", () => client.send({ method: "GET", path, auth: a }));
  await client.close();
  await agent.close();
} finally {
  await target.stop();
}
