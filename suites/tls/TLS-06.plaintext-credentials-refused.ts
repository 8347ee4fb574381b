import fc from "fast-check";
import { authorisedWriters } from "../lib/pairs.ts";
import { expectPlaintextRefused } from "../lib/plaintext.ts";
import { readAs } from "../lib/resourceApi.ts";
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
    await ctx.property([authorisedWriters(ctx), fc.nat()], async ({ actor, record }, n) => {
      const exchange = await readAs(ctx, actor, record, n % record.resource.reads.length, {
        transport: "plaintext",
      });
      expectPlaintextRefused(
        exchange,
        `${actor.username}'s credentialed request on the plaintext port was not refused`,
        this.meta.remediation,
        false,
      );
    });
  },
};
