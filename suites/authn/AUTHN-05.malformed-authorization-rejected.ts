import { malformedAuthorizationHeaders } from "../../harness/arbitraries/malformedAuthorizationHeaders.ts";
import { loginOf } from "../../harness/identity/identity.ts";
import { expectStatus } from "../lib/assertions.ts";
import { describeOperation, everyOperation, sendChangingNothing } from "../lib/operations.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

export const requirement: Requirement = {
  meta: {
    id: "AUTHN-05",
    level: "MUST",
    family: "AUTHN",
    title: "Malformed Authorization headers are rejected, never 2xx or 5xx",
    sentence:
      "Malformed `Authorization` headers (invalid base64, no colon, other schemes, including other schemes carrying a valid user's base64 credentials such as `Bearer <base64(user:password)>`, empty, oversized, non-UTF-8 bytes) answer 401, or 400 or 431 where the server rejects the header itself as malformed or too large; never 2xx or 5xx; no state change. (The scheme name itself is case-insensitive: `basic` is Basic.)",
    references: referencesFor("AUTHN"),
    remediation:
      "Accept only the scheme `Basic` (in any case) followed by base64 of UTF-8 `user:password`; treat anything else, including other schemes carrying valid credentials, as no credentials (401), catching decode errors.",
  },
  dependsOn: ["AUTHN-01"],
  async check(ctx) {
    // Half the headers carry a real identity's credentials under another scheme (Bearer,
    // Token, a made-up word...): a server that reads any scheme as Basic refuses every
    // made-up credential, so only real ones show the defect. Real ones are the logins the
    // service knows (the e-mail where the manifest logs in by e-mail).
    const headers = malformedAuthorizationHeaders({
      identities: ctx.identities.all.map((i) => ({ username: loginOf(i), password: i.password })),
    });
    await ctx.property([headers, everyOperation(ctx)], async (header, c) => {
      const exchange = await sendChangingNothing(
        ctx,
        c,
        { rawAuthorization: header },
        "a malformed Authorization header",
      );
      expectStatus(
        exchange,
        [401, 400, 431],
        `malformed Authorization (${header.label}) was not rejected by ${describeOperation(c.op)}`,
        this.meta.remediation,
        // The sentence says "never 2xx or 5xx": a 5xx fails it, not only ERR-01.
        { serverErrorFails: true },
      );
    });
  },
};
