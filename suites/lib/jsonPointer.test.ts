import { describe, expect, it } from "vitest";
import { getPointer, setPointer } from "./jsonPointer.ts";

describe("JSON pointers (RFC 6901)", () => {
  it("reads the whole document, envelopes, array items and escaped keys", () => {
    const doc = { task: { id: 7, "a/b": 1, "m~n": 2 }, list: [{ id: 1 }] };
    expect(getPointer(doc, "")).toEqual({ found: true, value: doc });
    expect(getPointer(doc, "/task/id")).toEqual({ found: true, value: 7 });
    expect(getPointer(doc, "/task/a~1b")).toEqual({ found: true, value: 1 });
    expect(getPointer(doc, "/task/m~0n")).toEqual({ found: true, value: 2 });
    expect(getPointer(doc, "/list/0/id")).toEqual({ found: true, value: 1 });
  });

  it("tells a missing key from a null value, and never walks the prototype", () => {
    expect(getPointer({ a: null }, "/a")).toEqual({ found: true, value: null });
    expect(getPointer({ a: 1 }, "/b").found).toBe(false);
    expect(getPointer({}, "/constructor").found).toBe(false);
    expect(getPointer([1], "/01").found).toBe(false);
    expect(getPointer(undefined, "").found).toBe(false);
  });

  it("writes at depth, making the objects on the way", () => {
    const doc: Record<string, unknown> = {};
    setPointer(doc, "/contact/email", "a@b.example");
    setPointer(doc, "/__proto__", 1);
    expect(doc).toEqual({ contact: { email: "a@b.example" }, ["__proto__"]: 1 });
    expect(Object.hasOwn(doc, "__proto__")).toBe(true);
  });
});
