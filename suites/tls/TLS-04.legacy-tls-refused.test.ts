// TLS-04 judged on real handshakes with local servers: a server that accepts TLS 1.0
// fails, one that refuses it passes, and a version the client itself cannot offer makes
// the requirement INCONCLUSIVE, never passed.
import type tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  makeTestPki,
  startTlsServer,
  type TestPki,
} from "../../harness/http/testing/localServer.ts";
import { tlsHandshake } from "../../harness/http/tlsHandshake.ts";
import type { SuiteContext } from "../context.ts";
import { Inconclusive, RequirementFailure } from "../failure.ts";
import { checkVersions, judgeHandshake, requirement } from "./TLS-04.legacy-tls-refused.ts";

let pki: TestPki;
const servers: tls.Server[] = [];

beforeAll(async () => {
  pki = await makeTestPki();
}, 30_000);

afterAll(() => {
  for (const s of servers) s.close();
});

async function contextFor(options: tls.TlsOptions): Promise<SuiteContext> {
  const { server, port } = await startTlsServer(pki, options);
  servers.push(server);
  // TLS-04 needs only the TLS endpoint and the CA of the target.
  return {
    target: { tlsEndpoint: () => ({ host: "127.0.0.1", port }), caPem: () => pki.caPem },
  } as unknown as SuiteContext;
}

const check = (ctx: SuiteContext) => requirement.check!.call(requirement, ctx);

describe("TLS-04", () => {
  it("fails a server that accepts TLS 1.0 and 1.1", async () => {
    const ctx = await contextFor({ minVersion: "TLSv1", ciphers: "DEFAULT@SECLEVEL=0" });
    const error = await check(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequirementFailure);
    expect((error as RequirementFailure).detail.title).toBe("a TLSv1 handshake was accepted");
  });

  it("passes a server that refuses them and speaks TLS 1.2", async () => {
    await expect(check(await contextFor({ minVersion: "TLSv1.2" }))).resolves.toBeUndefined();
  });

  it("fails a server without TLS 1.2", async () => {
    const ctx = await contextFor({ minVersion: "TLSv1.3" });
    await expect(check(ctx)).rejects.toThrow(/a TLS 1.2 handshake failed/);
  });

  it("is inconclusive, not passed, when the client could not offer a legacy version", () => {
    const refusedByClient = {
      ok: false,
      error: "the client could not offer TLSv1 (it sent no ClientHello): no protocols available",
      refusedBy: "client" as const,
    };
    expect(judgeHandshake("TLSv1", refusedByClient, "hint")).toMatch(/cannot offer TLSv1/);
    expect(judgeHandshake("TLSv1", { ok: false, refusedBy: "server" }, "hint")).toBeUndefined();
    // A ServerHello choosing TLS 1.0 is acceptance, however the client's side ended.
    expect(() =>
      judgeHandshake(
        "TLSv1",
        { ok: false, refusedBy: "client", serverVersion: "TLSv1", error: "legacy sigalg" },
        "hint",
      ),
    ).toThrow(RequirementFailure);
  });

  it("turns a client-side refusal into Inconclusive from the check itself", async () => {
    // A client that cannot offer TLS 1.0/1.1 (an OpenSSL built without them): stood in
    // for by pinning those handshakes to a version pair no client can offer, so the
    // ClientHello is never written.
    const ctx = await contextFor({ minVersion: "TLSv1.2" });
    const withoutLegacy: typeof tlsHandshake = (endpoint, ca, options) =>
      tlsHandshake(
        endpoint,
        ca,
        options.maxVersion === "TLSv1" || options.maxVersion === "TLSv1.1"
          ? { minVersion: "TLSv1.3", maxVersion: "TLSv1.2" }
          : options,
      );
    const error = await checkVersions(ctx, withoutLegacy, "hint").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Inconclusive);
    expect((error as Inconclusive).kind).toBe("client-limitation");
    expect((error as Inconclusive).reason).toMatch(/this client cannot offer TLSv1,.*TLSv1\.1/);
    // The same client against a legacy-accepting server still cannot prove a pass.
    const legacy = await contextFor({ minVersion: "TLSv1", ciphers: "DEFAULT@SECLEVEL=0" });
    await expect(checkVersions(legacy, withoutLegacy, "hint")).rejects.toBeInstanceOf(Inconclusive);
  });
});
