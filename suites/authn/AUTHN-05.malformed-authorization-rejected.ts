import { malformedAuthorizationHeaders } from "../../harness/arbitraries/malformedAuthorizationHeaders.ts";
import { expectStatus, withNoStateChange } from "../lib/expect.ts";
import { operations, perform } from "../lib/operations.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

export const requirement: Requirement = {
  meta: {
    id: "AUTHN-05",
    level: "MUST",
    family: "AUTHN",
    title: "Malformed Authorization headers are rejected, never 2xx or 5xx",
    sentence:
      "Malformed `Authorization` headers (invalid base64, no colon, other schemes, empty, oversized, non-UTF-8 bytes) answer 401, or 400 or 431 where the server rejects the header itself as malformed or too large; never 2xx or 5xx; no state change.",
    references: referencesFor("AUTHN"),
    remediation:
      "Treat any Authorization header that does not decode to UTF-8 `user:password` as no credentials (401), catching decode errors.",
  },
  dependsOn: ["AUTHN-01"],
  async check(ctx) {
    await ctx.property([malformedAuthorizationHeaders(), operations(ctx)], async (header, op) => {
      const exchange = await withNoStateChange(
        ctx,
        `a ${op.kind} with a malformed Authorization header`,
        () => perform(ctx, op, { rawAuthorization: header }),
      );
      expectStatus(
        exchange,
        [401, 400, 431],
        `malformed Authorization (${header.label}) was not rejected`,
        this.meta.remediation,
      );
    });
  },
};
