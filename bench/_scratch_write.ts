import tls from "node:tls";
import { sampleIdentities } from "../harness/arbitraries/identities.ts";
import { basicAuthorization } from "../harness/http/basicAuth.ts";
import { loadManifest } from "../harness/manifest/load.ts";
import { bootTarget } from "../harness/target/bootTarget.ts";

const { manifest, dir } = await loadManifest("targets/flask-reference");
const identities = sampleIdentities(1, { users: 3, admins: 1 });
const owner = identities.find((i) => i.role !== "admin")!;
const target = await bootTarget({ manifest, dir, identities, runId: `scratch-${process.pid}` });
try {
  const { port } = target.tlsEndpoint();
  const sock = tls.connect({ host: "127.0.0.1", port, ca: target.caPem() });
  sock.setNoDelay(true);
  await new Promise((r) => sock.once("secureConnect", r));
  const req = `GET /users/${owner.username} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nconnection: keep-alive\r\nAuthorization: ${basicAuthorization(owner.username, owner.password)}\r\n\r\n`;
  let buf = "";
  let waiter: (() => void) | undefined;
  sock.setEncoding("latin1");
  sock.on("data", (d: string) => {
    buf += d;
    const m = /content-length: (\d+)/i.exec(buf);
    const h = buf.indexOf("\r\n\r\n");
    if (m && h >= 0 && buf.length >= h + 4 + Number(m[1])) {
      buf = "";
      waiter?.();
    }
  });
  let writeMs = 0;
  const N = 1000;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const done = new Promise<void>((r) => (waiter = r));
    const w0 = performance.now();
    sock.write(req, "latin1");
    writeMs += performance.now() - w0;
    await done;
  }
  const cpu = process.cpuUsage(cpu0);
  console.log(
    "raw tls keep-alive loop:",
    ((performance.now() - t0) / N).toFixed(2),
    "ms/req; write() sync",
    (writeMs / N).toFixed(3),
    "ms; cpu user",
    (cpu.user / 1000 / N).toFixed(3),
    "sys",
    (cpu.system / 1000 / N).toFixed(3),
    "ms/req",
  );
  sock.destroy();
} finally {
  await target.stop();
}
