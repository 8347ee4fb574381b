import { describe, expect, it } from "vitest";
import type { Exchange } from "../../harness/http/exchange.ts";
import { findingKey, operationOf } from "./findings.ts";

const scope = {
  ids: ["alice-x1", "bob-22"],
  endpoints: [
    { method: "GET", path: "/users/{id}" },
    { method: "GET", path: "/profile?username={id}" },
    { method: "PATCH", path: "/users/{id}" },
  ],
};

function exchange(method: string, path: string, transport: "tls" | "plaintext" = "tls"): Exchange {
  return {
    seq: 1,
    request: { method, url: `https://127.0.0.1:1234${path}`, transport, headers: {} },
    durationMs: 1,
  };
}

describe("operationOf names the declared operation a request attempts", () => {
  it("replaces identity names and drops generated claims", () => {
    expect(operationOf(exchange("PATCH", "/users/alice-x1?role=admin&as=bob-22"), scope)).toBe(
      "PATCH /users/{id}",
    );
  });

  it("keeps a query parameter the manifest's path declares", () => {
    expect(operationOf(exchange("GET", "/profile?username=bob-22&as=alice-x1"), scope)).toBe(
      "GET /profile?username={id}",
    );
  });

  it("names every path variant of one record by the same operation", () => {
    for (const variant of [
      "/users/ALICE-X1",
      "/users/%61lice-x1/",
      "//users/./alice-x1",
      "/x/../users/alice-x1",
    ])
      expect(operationOf(exchange("GET", variant), scope)).toBe("GET /users/{id}");
  });

  it("names an undocumented method by its normalised path, and the plaintext port apart", () => {
    expect(operationOf(exchange("POST", "/users/bob-22"), scope)).toBe("POST /users/{id}");
    expect(operationOf(exchange("GET", "/users/bob-22", "plaintext"), scope)).toBe(
      "GET /users/{id} (plaintext)",
    );
  });
});

describe("findingKey", () => {
  it("is the operation and the kind, without generated values", () => {
    const a = { title: "bob-22 patched alice-x1", expected: "", actual: "", kind: "state changed" };
    expect(findingKey({ ...a, exchange: exchange("PATCH", "/users/alice-x1?x=1") }, scope)).toBe(
      "PATCH /users/{id}: state changed",
    );
    expect(findingKey(a, scope)).toBe("state changed");
    expect(findingKey({ ...a, kind: undefined }, scope)).toBe("bob-22 patched alice-x1");
  });
});
