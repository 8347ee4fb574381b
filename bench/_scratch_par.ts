import { sampleIdentities } from "../harness/arbitraries/identities.ts";
import { TargetClient } from "../harness/http/targetClient.ts";
import { loadManifest } from "../harness/manifest/load.ts";
import { bootTarget } from "../harness/target/bootTarget.ts";

const { manifest, dir } = await loadManifest("targets/flask-reference");
const identities = sampleIdentities(1, { users: 3, admins: 1 });
const target = await bootTarget({ manifest, dir, identities, runId: `scratch-${process.pid}` });
try {
  const client = TargetClient.forTarget(target, { maxRecorded: 1 });
  const specs = identities.map((i) => ({
    method: "GET",
    path: `/users/${i.username}`,
    auth: { username: i.username, password: i.password, label: "x" },
  }));
  const serial = async () => {
    for (const s of specs) await client.send(s);
  };
  const par = async () => {
    await Promise.all(specs.map((s) => client.send(s)));
  };
  for (let round = 0; round < 6; round++) {
    for (const [name, fn] of [
      ["serial", serial],
      ["parallel", par],
    ] as const) {
      const t0 = performance.now();
      const N = 100;
      for (let i = 0; i < N; i++) await fn();
      console.log(
        round,
        name,
        ((performance.now() - t0) / N).toFixed(2),
        "ms per 4-record snapshot",
      );
    }
  }
  await client.close();
} finally {
  await target.stop();
}
