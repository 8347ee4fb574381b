import { describeOperation, grantedOperationCases, requestOf } from "../lib/operations.ts";
import { expectPlaintextRefused } from "../lib/plaintext.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

export const requirement: Requirement = {
  meta: {
    id: "TLS-06",
    level: "SHOULD",
    family: "TLS",
    title: "The plaintext port refuses credentialed requests instead of redirecting",
    sentence:
      "The plaintext port does not transparently redirect API requests that carry credentials: the credentials already crossed the network in clear, so it refuses them (4xx) or is closed (ASVS 5.0 4.1.2).",
    references: referencesFor("TLS"),
    remediation:
      "Answer credentialed requests on the plaintext port with a 4xx (and rotate credentials that were sent), never a redirect.",
  },
  preconditions: ["plaintext-port"],
  async check(ctx) {
    // Reads and lists: the credentials are what is judged, and these change nothing even
    // where the port serves them (TLS-01 and TLS-02 judge the rest).
    const reads = grantedOperationCases(ctx, (op) => op.kind === "read" || op.kind === "list");
    await ctx.property([reads], async (c) => {
      const exchange = await ctx.send(requestOf(c, c.actor, { transport: "plaintext" }));
      expectPlaintextRefused(
        exchange,
        `${c.actor.username}'s credentialed ${describeOperation(c.op)} on the plaintext port was not refused`,
        this.meta.remediation,
        false,
      );
    });
  },
};
