import { describe, expect, it } from "vitest";
import { parseBaselineLine } from "./hypothesisBaseline.ts";

describe("parseBaselineLine", () => {
  it("reads the count, the duration and the request rate, and recomputes examples/s", () => {
    const parsed = parseBaselineLine(
      "warming up\nhypothesis baseline: 500 examples in 4.42 s = 113 examples/s, 206 requests/s\n",
    );
    expect(parsed).toEqual({
      examples: 500,
      seconds: 4.42,
      examplesPerS: 500 / 4.42,
      requestsPerS: 206,
      line: "hypothesis baseline: 500 examples in 4.42 s = 113 examples/s, 206 requests/s",
    });
  });

  it("says what the script printed when it printed no figures", () => {
    expect(() => parseBaselineLine("Traceback ...\nKeyError: 'BASE'\n")).toThrow(
      /KeyError: 'BASE'/,
    );
  });
});
