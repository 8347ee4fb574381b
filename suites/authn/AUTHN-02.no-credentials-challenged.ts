import { expectBasicChallenge } from "../lib/challenge.ts";
import { describeOperation, everyOperation, sendChangingNothing } from "../lib/operations.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

export const requirement: Requirement = {
  meta: {
    id: "AUTHN-02",
    level: "MUST",
    family: "AUTHN",
    title: "No credentials: 401 with a Basic challenge, no state change",
    sentence:
      "No credentials: every operation answers 401 with a `WWW-Authenticate: Basic ...` challenge, and no state changes.",
    references: referencesFor("AUTHN"),
    remediation:
      'Require authentication on every route and answer 401 with `WWW-Authenticate: Basic realm="..."` before any handler runs.',
  },
  dependsOn: ["AUTHN-01"],
  async check(ctx) {
    // Every declared operation but those open to anyone: lists, creates, deletes and
    // actions are as much behind the credentials as reads and updates.
    await ctx.property([everyOperation(ctx)], async (c) => {
      const exchange = await sendChangingNothing(ctx, c, {}, "a request without credentials");
      expectBasicChallenge(
        exchange,
        `${describeOperation(c.op)} without credentials was not challenged`,
        this.meta.remediation,
      );
    });
  },
};
