import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { oversizedJsonBodies } from "./oversizedJsonBodies.ts";

const valid = fc.record({
  email: fc.constant("a@example.com"),
  display_name: fc.constantFrom("A", "é 😀"),
});

describe("oversizedJsonBodies", () => {
  it("same seed, same values", () => {
    const a = fc.sample(oversizedJsonBodies(valid), { seed: 5, numRuns: 5 }).map(String);
    const b = fc.sample(oversizedJsonBodies(valid), { seed: 5, numRuns: 5 }).map(String);
    expect(a).toEqual(b);
  });

  it("every value is a JSON object over 64 KiB and at most 1 MiB (+ a few bytes)", () => {
    fc.assert(
      fc.property(oversizedJsonBodies(valid, { inflate: "display_name" }), (body) => {
        const bytes = Buffer.byteLength(body.data, "utf8");
        expect(bytes).toBeGreaterThan(64 * 1024);
        expect(bytes).toBeLessThanOrEqual(1024 * 1024 + 16);
        const parsed = JSON.parse(body.data);
        expect(typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)).toBe(true);
        // Whitespace padding leaves the valid object itself intact.
        if (body.shape === "whitespace") expect(parsed).toEqual(body.valid);
      }),
      { numRuns: 20, seed: 1 },
    );
  });

  it("keeps the generated value small (the text is built on demand)", () => {
    const [body] = fc.sample(oversizedJsonBodies(valid), { seed: 3, numRuns: 1 });
    expect(JSON.stringify(body).length).toBeLessThan(300);
  });
});
