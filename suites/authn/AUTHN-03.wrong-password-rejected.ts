import fc from "fast-check";
import { wrongPasswords } from "../../harness/arbitraries/wrongPasswords.ts";
import { loginOf } from "../../harness/identity/identity.ts";
import { expectStatus } from "../lib/assertions.ts";
import { describeOperation, everyOperation, sendChangingNothing } from "../lib/operations.ts";
import { anyIdentity } from "../lib/pairs.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

export const requirement: Requirement = {
  meta: {
    id: "AUTHN-03",
    level: "MUST",
    family: "AUTHN",
    title: "Wrong passwords are rejected with 401",
    sentence:
      "A wrong password for an existing user (including prefixes, suffixes, case variants of the real one, and the empty password) answers 401; no state change.",
    references: referencesFor("AUTHN"),
    remediation:
      "Compare the full password in constant time (hmac.compare_digest); never by prefix, case-insensitively or after trimming.",
  },
  dependsOn: ["AUTHN-01"],
  async check(ctx) {
    const cases = anyIdentity(ctx).chain((identity) =>
      fc.record({
        identity: fc.constant(identity),
        password: wrongPasswords(identity.password),
        c: everyOperation(ctx),
      }),
    );
    await ctx.property([cases], async ({ identity, password, c }) => {
      // The login the service knows the identity by (its e-mail where login.field says so).
      const auth = {
        username: loginOf(identity),
        password,
        label: `Basic <${identity.username}: a wrong password (${[...password].length} chars)>`,
      };
      const exchange = await sendChangingNothing(ctx, c, { auth }, "a wrong password");
      expectStatus(
        exchange,
        [401],
        `a wrong password for ${identity.username} was not rejected (${describeOperation(c.op)})`,
        this.meta.remediation,
      );
    });
  },
};
