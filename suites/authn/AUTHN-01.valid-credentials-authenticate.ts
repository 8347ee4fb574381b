import fc from "fast-check";
import { expectOutcome } from "../lib/assertions.ts";
import { grantedOperations, ownRecordPairs } from "../lib/pairs.ts";
import { perform } from "../lib/resourceApi.ts";
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
    // Every identity must get through, not a sample: run them all, then sample the reads
    // the owner may make of its own record (its snapshot read, self reads such as /me).
    // The credentials carry the login the manifest names (the e-mail, where it says so).
    const pairs = ownRecordPairs(ctx);
    await ctx.property(
      [pairs, fc.nat()],
      async ({ actor, record }, n) => {
        const reads = grantedOperations(ctx, { actor, record }, ["read"]);
        const op = reads[n % reads.length];
        if (op === undefined) return;
        const exchange = await perform(ctx, actor, op, record);
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
