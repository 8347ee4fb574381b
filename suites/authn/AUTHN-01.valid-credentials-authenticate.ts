import fc from "fast-check";
import { expectOutcome } from "../lib/assertions.ts";
import { ownRecordPairs } from "../lib/pairs.ts";
import { readAs } from "../lib/resourceApi.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

// Positive control: every other AUTHN check means nothing unless real credentials work,
// including the RFC 7617 corner cases (':' inside the password, spaces, UTF-8).
export const requirement: Requirement = {
  meta: {
    id: "AUTHN-01",
    level: "MUST",
    family: "AUTHN",
    title: "Valid credentials of every identity authenticate",
    sentence:
      "Valid credentials of every identity authenticate, including passwords with `:`, spaces and non-ASCII (UTF-8) characters (RFC 7617).",
    references: referencesFor("AUTHN"),
    remediation:
      "Decode the Basic credentials as UTF-8 and split at the first ':' only (RFC 7617 section 2); compare the whole password.",
  },
  async check(ctx) {
    // Every identity must get through, not a sample: run them all, then sample endpoints.
    const pairs = ownRecordPairs(ctx);
    await ctx.property(
      [pairs, fc.nat()],
      async ({ actor, record }, n) => {
        const readIndex = n % record.resource.reads.length;
        const exchange = await readAs(ctx, actor, record, readIndex);
        expectOutcome(
          exchange,
          ["success"],
          `${actor.username} (${actor.role}) could not read its own record with its real password`,
          this.meta.remediation,
          "2xx (authenticated and allowed: it is the owner's own record)",
        );
      },
      { numRuns: Math.max(ctx.numRuns, ctx.identities.all.length * 4) },
    );
  },
};
