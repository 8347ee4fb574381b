import { describe, expect, it } from "vitest";
import type { Exchange, Transport } from "../../harness/http/exchange.ts";
import {
  cacheControlForbidsStorage,
  requirement,
} from "./CACHE-01.authenticated-responses-not-cached.ts";

function exchange(
  transport: Transport,
  status: number,
  headers: Record<string, string>,
  authenticatedAs: string | null = "alice",
): Exchange {
  const origin = transport === "plaintext" ? "http://127.0.0.1:8080" : "https://127.0.0.1:8443";
  return {
    seq: 1,
    ...(authenticatedAs ? { authenticatedAs } : {}),
    request: { method: "GET", url: `${origin}/users/alice`, transport, headers: {} },
    response: { status, headers, body: "", bodyTruncated: false },
    durationMs: 1,
  };
}

const inspect = (e: Exchange) => requirement.inspect!(e);

describe("CACHE-01 scope (docs/SPEC.md: every response on the HTTPS port)", () => {
  it("leaves the plaintext port to TLS-01/-02/-06: a 308 to https:// without Cache-Control is not judged", () => {
    const redirect = exchange("plaintext", 308, { location: "https://127.0.0.1:8443/users/alice" });
    expect(inspect(redirect)).toEqual({ inScope: false });
    expect(inspect(exchange("plaintext", 200, {}))).toEqual({ inScope: false });
    expect(inspect(exchange("plaintext-to-tls-port", 400, {}))).toEqual({ inScope: false });
  });

  it("judges every HTTPS response to valid credentials, whatever its status", () => {
    expect(inspect(exchange("tls", 200, { "cache-control": "no-store" }))).toEqual({
      inScope: true,
    });
    for (const status of [200, 308, 403]) {
      const verdict = inspect(exchange("tls", status, {}));
      expect(verdict.inScope).toBe(true);
      expect(verdict.violation?.actual).toMatch(/no Cache-Control/);
    }
    expect(
      inspect(exchange("tls", 200, { "cache-control": "public, no-store" })).violation,
    ).toBeDefined();
  });

  it("does not judge responses to requests without an identity's credentials", () => {
    expect(inspect(exchange("tls", 401, {}, null))).toEqual({ inScope: false });
  });

  it("accepts no-store, or private with no-cache; never public", () => {
    expect(cacheControlForbidsStorage("no-store")).toBe(true);
    expect(cacheControlForbidsStorage("Private, No-Cache")).toBe(true);
    expect(cacheControlForbidsStorage("private")).toBe(false);
    expect(cacheControlForbidsStorage("no-cache")).toBe(false);
    expect(cacheControlForbidsStorage("public, no-store")).toBe(false);
    expect(cacheControlForbidsStorage("")).toBe(false);
  });
});
