import { expectBodyFree, expectOutcome } from "../lib/assertions.ts";
import { crossUserOperations, RESTRICTED_AUDIENCES } from "../lib/pairs.ts";
import { allows, operationsOf, perform } from "../lib/resourceApi.ts";
import { hiddenValues } from "../lib/secrets.ts";
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
      "After authenticating, compare the authenticated identity with the record's owner (or an admin role) on every read, and leave private fields out of what others are shown.",
  },
  dependsOn: ["AUTHZ-05"],
  notApplicable(ctx) {
    // A read by id whose audience leaves someone out, or a record with private fields
    // that another may read: else no read can show a non-admin what is not its own.
    const judged = ctx.resources.some((r) =>
      operationsOf(r).some(
        (op) =>
          op.kind === "read" &&
          !op.self &&
          (RESTRICTED_AUDIENCES.includes(op.who) || r.private.length > 0),
      ),
    );
    return judged
      ? undefined
      : "no read by id is closed to other identities, and no readable record has private fields";
  },
  async check(ctx) {
    // Every read by id (self reads cannot name another's record) of every resource, by a
    // non-admin, of a record it does not own: refused where its audience leaves the
    // reader out; where it lets the reader in (`authenticated`, `anyone`), judged by the
    // private fields alone.
    const cases = crossUserOperations(
      ctx,
      ["read"],
      ({ actor, record, op }) =>
        !allows(ctx, op.who, actor, record) || record.resource.private.length > 0,
      "non-privileged identity with a read of another's record",
    );
    await ctx.property([cases], async ({ actor, record, op }) => {
      const exchange = await perform(ctx, actor, op, record);
      const what = `${actor.username} (${actor.role}) read ${record.owner.username}'s ${record.resource.name} (${op.method} ${op.path})`;
      const excluded = !allows(ctx, op.who, actor, record);
      if (excluded) expectOutcome(exchange, ["refusal"], what, this.meta.remediation, "403 or 404");
      // A refusal (or a 5xx, not judged above) that carries the record leaks it too.
      expectBodyFree(
        exchange,
        hiddenValues(ctx, actor, [record], exchange.request),
        excluded
          ? `${what}: the answer holds the record's values`
          : `${what}: the answer holds the record's private fields`,
        this.meta.remediation,
      );
    });
  },
};
