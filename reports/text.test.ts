import { describe, expect, test } from "vitest";
import {
  escapeHtml,
  escapeXmlAttr,
  escapeXmlText,
  formatDuration,
  mdCode,
  mdFence,
  mdInline,
  visibleControls,
} from "./text.ts";

describe("escaping", () => {
  test("visibleControls shows what XML 1.0 cannot carry and what cannot be seen", () => {
    expect(visibleControls("a\u0000b\u0007c\u001bd\u007fe\u0085f")).toBe(
      "a\\u0000b\\u0007c\\u001Bd\\u007Fe\\u0085f",
    );
    expect(visibleControls("tab\tlf\ncr\r")).toBe("tab\tlf\ncr\r");
    expect(visibleControls("lone \ud800 and \udc00, pair 😀, \ufffe")).toBe(
      "lone \\uD800 and \\uDC00, pair 😀, \\uFFFE",
    );
  });
  test("XML text and attributes", () => {
    expect(escapeXmlText("<a>&]]>\r\n")).toBe("&lt;a&gt;&amp;]]&gt;&#13;\n");
    expect(escapeXmlAttr('"x"\n\ty')).toBe("&quot;x&quot;&#10;&#9;y");
  });
  test("HTML", () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe(
      "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;",
    );
  });
  test("Markdown", () => {
    expect(mdInline("a | b `c` *d* <e>\nf", 100)).toBe("a \\| b \\`c\\` \\*d\\* \\<e\\> f");
    expect(mdInline("x".repeat(50), 10)).toBe(`${"x".repeat(9)}…`);
    expect(mdCode("a `b` | c")).toBe("``a `b` \\| c``");
    expect(mdFence("```\nx")).toBe("````text\n```\nx\n````");
  });
  test("durations", () => {
    expect(formatDuration(850.4)).toBe("850 ms");
    expect(formatDuration(12_340)).toBe("12.3 s");
    expect(formatDuration(107_531)).toBe("1 min 47.5 s");
  });
});
