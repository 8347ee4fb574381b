import { describe, expect, it } from "vitest";
import { escapeInvisible } from "./visible.ts";

describe("escapeInvisible", () => {
  it("escapes a no-break space, zero-width and bidi characters, combining marks", () => {
    expect(escapeInvisible('"\u00a0"')).toBe('"\\u00a0"');
    expect(escapeInvisible("a\u200bb\u202ec")).toBe("a\\u200bb\\u202ec");
    expect(escapeInvisible("e\u0301")).toBe("e\\u0301");
    expect(escapeInvisible("\u2028\u3000\ufeff")).toBe("\\u2028\\u3000\\ufeff");
    expect(escapeInvisible("\u{e0041}")).toBe("\\u{e0041}");
  });

  it("leaves printable text, the ASCII space and visible non-ASCII alone", () => {
    const text = 'fc: ["bob", "pass word", "Zoë 日本 🙂", {"email":"a@b.co"}]';
    expect(escapeInvisible(text)).toBe(text);
  });
});
