import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { sampleIdentities } from "../harness/arbitraries/identities.ts";
import { TargetClient } from "../harness/http/targetClient.ts";
import { loadManifest } from "../harness/manifest/load.ts";
import { bootTarget } from "../harness/target/bootTarget.ts";

const { manifest, dir } = await loadManifest("targets/flask-reference");
const identities = sampleIdentities(1, { users: 3, admins: 1 });
const owner = identities.find((i) => i.role !== "admin")!;
const target = await bootTarget({ manifest, dir, identities, runId: `scratch-${process.pid}` });
const N = Number(process.argv[2] ?? 2000);
const path = `/users/${owner.username}`;
try {
  const client = TargetClient.forTarget(target, { maxRecorded: 1 });
  const a = { username: owner.username, password: owner.password, label: "x" };
  for (let i = 0; i < 300; i++) await client.send({ method: "GET", path, auth: a });
  const s = new Session();
  s.connect();
  await s.post("Profiler.enable");
  await s.post("Profiler.setSamplingInterval", { interval: 100 });
  await s.post("Profiler.start");
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await client.send({ method: "GET", path, auth: a });
  const el = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const { profile } = await s.post("Profiler.stop");
  writeFileSync("/tmp/benchwork/client.cpuprofile", JSON.stringify(profile));
  console.log(
    "TargetClient",
    N,
    (el / N).toFixed(2),
    "ms/req",
    (cpu.user / 1000 / N).toFixed(3),
    "user cpu ms/req",
    (cpu.system / 1000 / N).toFixed(3),
    "sys cpu ms/req",
  );
  await client.close();
} finally {
  await target.stop();
}
