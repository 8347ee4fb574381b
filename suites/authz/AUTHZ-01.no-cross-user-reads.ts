import fc from "fast-check";
import { expectBodyFree, expectOutcome } from "../lib/assertions.ts";
import { crossUserPairs } from "../lib/pairs.ts";
import { readAs } from "../lib/resourceApi.ts";
import { leakableValues } from "../lib/secrets.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

export const requirement: Requirement = {
  meta: {
    id: "AUTHZ-01",
    level: "MUST",
    family: "AUTHZ",
    title: "A non-admin cannot read another user's record",
    sentence:
      "A non-admin reading another user's record (`/profile?username=V`, `GET /users/V`, or any read whose audience excludes it) is refused, and the response body contains none of V's field values (none of V's private fields, where the record is readable by design).",
    references: referencesFor("AUTHZ"),
    remediation:
      "After authenticating, compare the authenticated identity with the record's owner (or an admin role) on every read.",
  },
  dependsOn: ["AUTHZ-05"],
  async check(ctx) {
    await ctx.property([crossUserPairs(ctx), fc.nat()], async ({ actor, record }, n) => {
      const readIndex = n % record.resource.reads.length;
      const exchange = await readAs(ctx, actor, record, readIndex);
      const what = `${actor.username} (${actor.role}) read ${record.owner.username}'s ${record.resource.name}`;
      expectOutcome(exchange, ["refusal"], what, this.meta.remediation, "403 or 404");
      expectBodyFree(
        exchange,
        leakableValues(record),
        `${what}: the refusal leaks the record`,
        this.meta.remediation,
      );
    });
  },
};
