import { TargetClient as OldClient } from "/tmp/benchwork/base/harness/http/targetClient.ts";
import { sampleIdentities } from "../harness/arbitraries/identities.ts";
import { TargetClient as NewClient } from "../harness/http/targetClient.ts";
import { TransportError } from "../harness/http/transportError.ts";

const identities = sampleIdentities(20261128, { users: 3, admins: 1 });
const endpoints = {
  baseUrl: () => "https://127.0.0.1:33000",
  plaintextUrl: () => "http://127.0.0.1:33001",
  tlsEndpoint: () => ({ host: "127.0.0.1", port: 33000 }),
  caPem: () => "x",
};
const mk = (C: any) => new C(endpoints, { requestTimeoutMs: 10000, identities: () => identities });
const spec = {
  method: "GET",
  path: "/users/x",
  auth: { username: identities[0]!.username, password: identities[0]!.password, label: "l" },
};
const N = 20000;
for (let round = 0; round < 3; round++) {
  for (const [name, C] of [
    ["old", OldClient],
    ["new", NewClient],
  ] as const) {
    const c: any = mk(C);
    let t0 = performance.now();
    for (let i = 0; i < N; i++) c.redactor(spec);
    const red = ((performance.now() - t0) / N) * 1000;
    t0 = performance.now();
    for (let i = 0; i < N; i++) c.resolveOrigin("tls");
    const org = ((performance.now() - t0) / N) * 1000;
    console.log(
      round,
      name,
      "redactor",
      red.toFixed(1),
      "us/req; resolveOrigin",
      org.toFixed(2),
      "us/req",
    );
  }
}
const t0 = performance.now();
for (let i = 0; i < N; i++) new TransportError("TIMEOUT", `no complete response within ${i} ms`);
console.log("new TransportError", (((performance.now() - t0) / N) * 1000).toFixed(1), "us");
