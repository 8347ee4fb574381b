import { describe, expect, it } from "vitest";
import { basicAuthorization, basicToken } from "./basicAuth.ts";

function decode(header: string): string {
  expect(header.startsWith("Basic ")).toBe(true);
  return Buffer.from(header.slice("Basic ".length), "base64").toString("utf8");
}

describe("basicAuthorization (RFC 7617)", () => {
  it("matches the RFC 7617 section 2 example", () => {
    expect(basicAuthorization("Aladdin", "open sesame")).toBe("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  });

  it.each([
    ["colon in password", "alice-x1", "pa:ss:word"],
    ["spaces", "bob_2", "  two  spaces "],
    ["non-ASCII", "carol", "pässwörd-ß-日本"],
    ["emoji (non-BMP)", "dave", "🔑🙂 key"],
  ])("round-trips %s", (_case, user, pass) => {
    const decoded = decode(basicAuthorization(user, pass));
    const colon = decoded.indexOf(":");
    expect(decoded.slice(0, colon)).toBe(user);
    expect(decoded.slice(colon + 1)).toBe(pass);
  });

  it("encodes UTF-8, not Latin-1", () => {
    // "test:123£" from RFC 7617 section 2.1: UTF-8 gives dGVzdDoxMjPCow==
    expect(basicToken("test", "123£")).toBe("dGVzdDoxMjPCow==");
  });
});
