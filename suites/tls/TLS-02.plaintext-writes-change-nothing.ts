import { withNoStateChange } from "../lib/assertions.ts";
import {
  describeOperation,
  grantedOperationCases,
  listedIds,
  requestOf,
} from "../lib/operations.ts";
import { expectNothingCreated, expectPlaintextRefused } from "../lib/plaintext.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

export const requirement: Requirement = {
  meta: {
    id: "TLS-02",
    level: "MUST",
    family: "TLS",
    title: "State-changing requests over plaintext change nothing",
    sentence:
      "A state-changing request over plaintext HTTP changes nothing, even when it is answered with a redirect (a redirect issued after processing fails).",
    references: referencesFor("TLS"),
    remediation:
      "Refuse or redirect on the plaintext listener before any handler runs; never process the request first.",
  },
  dependsOn: ["AUTHZ-05"],
  preconditions: ["plaintext-port"],
  async check(ctx) {
    // Updates, deletes, actions and creates the actor is allowed to make over TLS: only the
    // transport makes them wrong. The read-back sees changed and deleted records; a create
    // adds none it knows, so the actor's list is compared around it.
    const changing = grantedOperationCases(ctx, (op) => op.kind !== "read" && op.kind !== "list");
    await ctx.property([changing], async (c) => {
      const { actor, record, op } = c;
      const what = `${actor.username} sent ${describeOperation(op)} on ${record.owner.username}'s ${op.resource.name} over plaintext HTTP`;
      const listedBefore =
        op.kind === "create" ? await listedIds(ctx, actor, op.resource) : undefined;
      const exchange = await withNoStateChange(ctx, what, () =>
        ctx.send(requestOf(c, actor, { transport: "plaintext" })),
      );
      expectPlaintextRefused(exchange, `${what} and it succeeded`, this.meta.remediation);
      if (listedBefore !== undefined) {
        const listedAfter = await listedIds(ctx, actor, op.resource);
        expectNothingCreated(listedBefore, listedAfter, exchange, what, this.meta.remediation);
      }
    });
  },
};
