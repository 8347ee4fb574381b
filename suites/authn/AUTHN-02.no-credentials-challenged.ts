import { withNoStateChange } from "../lib/assertions.ts";
import { expectBasicChallenge } from "../lib/challenge.ts";
import { operations, perform } from "../lib/operations.ts";
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
    await ctx.property([operations(ctx)], async (op) => {
      const exchange = await withNoStateChange(ctx, `a ${op.kind} without credentials`, () =>
        perform(ctx, op, {}),
      );
      expectBasicChallenge(
        exchange,
        `${op.kind} without credentials was not challenged`,
        this.meta.remediation,
      );
    });
  },
};
