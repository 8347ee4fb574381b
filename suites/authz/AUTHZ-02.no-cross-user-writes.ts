import { expectOutcome, withNoStateChange } from "../lib/assertions.ts";
import { validBody } from "../lib/bodies.ts";
import { crossUserPairs, writeCases, wrote } from "../lib/pairs.ts";
import { writeAs } from "../lib/resourceApi.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

export const requirement: Requirement = {
  meta: {
    id: "AUTHZ-02",
    level: "MUST",
    family: "AUTHZ",
    title: "A non-admin cannot write another user's record",
    sentence:
      "A non-admin writing another user's record (PUT, PATCH, delete, any state-changing operation, with valid bodies) is refused and V's record does not change (a refused delete leaves it readable).",
    references: referencesFor("AUTHZ"),
    remediation:
      "Check ownership (or an admin role) before applying any update, for every method that writes.",
  },
  dependsOn: ["AUTHZ-05"],
  async check(ctx) {
    await ctx.property(
      [writeCases(crossUserPairs(ctx), validBody)],
      async ({ actor, record, kind, body }) => {
        const what = `${actor.username} (${actor.role}) ${wrote(kind)} ${record.owner.username}'s ${record.resource.name}`;
        const exchange = await withNoStateChange(ctx, what, () =>
          writeAs(ctx, actor, record, kind, body),
        );
        expectOutcome(exchange, ["refusal"], what, this.meta.remediation, "403 or 404");
      },
    );
  },
};
