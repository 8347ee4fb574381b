import fc from "fast-check";
import { loginOf } from "../../harness/identity/identity.ts";
import { expectStatus } from "../lib/assertions.ts";
import { loginVariants, unknownLogins } from "../lib/logins.ts";
import { describeOperation, everyOperation, sendChangingNothing } from "../lib/operations.ts";
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
      "Look users up by their exact login (no trimming, and no case folding unless the manifest declares `login.caseInsensitive`) and reject unknown names with the same 401.",
  },
  dependsOn: ["AUTHN-01"],
  async check(ctx) {
    // The real password of a real identity, under a login that is not that identity's:
    // a variant of its own login (the e-mail where the manifest logs in by e-mail), or
    // one nobody has.
    const strangers = unknownLogins(ctx);
    const cases = anyIdentity(ctx).chain((identity) =>
      fc.record({
        identity: fc.constant(identity),
        login: fc.oneof(loginVariants(ctx, identity), strangers),
        c: everyOperation(ctx),
      }),
    );
    await ctx.property([cases], async ({ identity, login, c }) => {
      const auth = {
        username: login,
        password: identity.password,
        label: `Basic <${JSON.stringify(login)}: the real password of ${identity.username} from ${identity.passwordSource}>`,
      };
      const exchange = await sendChangingNothing(ctx, c, { auth }, "an unknown login");
      expectStatus(
        exchange,
        [401],
        `login ${JSON.stringify(login)} (not ${JSON.stringify(loginOf(identity))}) was accepted by ${describeOperation(c.op)}`,
        this.meta.remediation,
      );
    });
  },
};
