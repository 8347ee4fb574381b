// The "Judging" rule every check shares (docs/SPEC.md section 3): a 5xx where a refusal
// was due is neither a refusal nor a breach, so the case is not judged; where a success
// was due, or where the sentence says "never 5xx", it fails.
import { describe, expect, it } from "vitest";
import type { Exchange } from "../../harness/http/exchange.ts";
import { RequirementFailure } from "../failure.ts";
import { expectOutcome, expectStatus } from "./assertions.ts";
import { judgingCase } from "./judging.ts";

function answered(status: number): Exchange {
  return {
    seq: 1,
    request: {
      method: "GET",
      url: "https://127.0.0.1:1/users/bob-22",
      transport: "tls",
      headers: {},
    },
    response: { status, headers: {}, body: "", bodyTruncated: false },
    durationMs: 1,
  };
}

async function judge(check: () => void): Promise<{ notJudged?: string; error?: unknown }> {
  let notJudged: string | undefined;
  try {
    await judgingCase({ notJudged: (r) => (notJudged ??= r) }, async () => check());
  } catch (error) {
    return { error };
  }
  return notJudged === undefined ? {} : { notJudged };
}

describe("a 5xx where a refusal was due", () => {
  it("is not judged: neither a refusal nor a breach", async () => {
    const r = await judge(() => expectOutcome(answered(500), ["refusal"], "read", "hint"));
    expect(r.error).toBeUndefined();
    expect(r.notJudged).toMatch(/500: a 5xx is an ERR-01 finding/);
    const s = await judge(() => expectStatus(answered(502), [401], "login", "hint"));
    expect(s.error).toBeUndefined();
    expect(s.notJudged).toBeDefined();
  });

  it("fails where the requirement's sentence says never 5xx", async () => {
    const r = await judge(() =>
      expectStatus(answered(500), [400, 415, 422], "body", "hint", { serverErrorFails: true }),
    );
    expect(r.error).toBeInstanceOf(RequirementFailure);
  });

  it("fails where a success was due (a positive control)", async () => {
    const r = await judge(() => expectOutcome(answered(500), ["success"], "own read", "hint"));
    expect(r.error).toBeInstanceOf(RequirementFailure);
    expect((r.error as RequirementFailure).detail.kind).toBe("answered server-error");
  });

  it("leaves other wrong answers failing, named by operation and kind", async () => {
    const r = await judge(() => expectOutcome(answered(200), ["refusal"], "read", "hint"));
    expect(r.error).toBeInstanceOf(RequirementFailure);
    expect((r.error as RequirementFailure).detail.kind).toBe("answered success");
  });
});
