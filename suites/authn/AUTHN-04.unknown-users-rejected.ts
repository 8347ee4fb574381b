import fc from "fast-check";
import { unknownUsernames } from "../../harness/arbitraries/unknownUsernames.ts";
import { usernameVariants } from "../../harness/arbitraries/usernameVariants.ts";
import { expectStatus, withNoStateChange } from "../lib/assertions.ts";
import { operations, perform } from "../lib/operations.ts";
import { anyIdentity } from "../lib/pairs.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

export const requirement: Requirement = {
  meta: {
    id: "AUTHN-04",
    level: "MUST",
    family: "AUTHN",
    title: "Unknown users and user-name variants are rejected with 401",
    sentence:
      "An unknown user, or a case or whitespace variant of a real user name with the real password, answers 401; no state change.",
    references: referencesFor("AUTHN"),
    remediation:
      "Look users up by their exact name (no case folding, no trimming) and reject unknown names with the same 401.",
  },
  dependsOn: ["AUTHN-01"],
  async check(ctx) {
    const names = ctx.identities.all.map((i) => i.username);
    // The real password of a real identity, under a name that is not that identity's.
    const cases = anyIdentity(ctx).chain((identity) =>
      fc.record({
        identity: fc.constant(identity),
        username: fc.oneof(usernameVariants(identity.username), unknownUsernames(names)),
        op: operations(ctx),
      }),
    );
    await ctx.property([cases], async ({ identity, username, op }) => {
      const auth = {
        username,
        password: identity.password,
        label: `Basic <${JSON.stringify(username)}: the real password of ${identity.username} from ${identity.passwordSource}>`,
      };
      const exchange = await withNoStateChange(ctx, `a ${op.kind} as an unknown user`, () =>
        perform(ctx, op, { auth }),
      );
      expectStatus(
        exchange,
        [401],
        `user name ${JSON.stringify(username)} was accepted`,
        this.meta.remediation,
      );
    });
  },
};
