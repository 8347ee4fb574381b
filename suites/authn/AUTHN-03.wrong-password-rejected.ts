import fc from "fast-check";
import { wrongPasswords } from "../../harness/arbitraries/wrongPasswords.ts";
import { expectStatus, withNoStateChange } from "../lib/assertions.ts";
import { operations, perform } from "../lib/operations.ts";
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
        op: operations(ctx),
      }),
    );
    await ctx.property([cases], async ({ identity, password, op }) => {
      const auth = {
        username: identity.username,
        password,
        label: `Basic <${identity.username}: a wrong password (${[...password].length} chars)>`,
      };
      const exchange = await withNoStateChange(ctx, `a ${op.kind} with a wrong password`, () =>
        perform(ctx, op, { auth }),
      );
      expectStatus(
        exchange,
        [401],
        `a wrong password for ${identity.username} was not rejected`,
        this.meta.remediation,
      );
    });
  },
};
