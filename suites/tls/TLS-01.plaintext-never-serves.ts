import { expectBodyFree } from "../lib/assertions.ts";
import { describeOperation, grantedOperationCases, requestOf } from "../lib/operations.ts";
import { expectPlaintextRefused } from "../lib/plaintext.ts";
import { recordsOf, writableFields } from "../lib/resourceApi.ts";
import { baselineValuesOf } from "../lib/secrets.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

export const requirement: Requirement = {
  meta: {
    id: "TLS-01",
    level: "MUST",
    family: "TLS",
    title: "Plaintext HTTP with valid credentials never succeeds",
    sentence:
      "A request over plaintext HTTP with valid credentials never succeeds: the plaintext port is closed, or answers a redirect to `https://` or a 4xx, never 2xx, and never a body with a user's field values.",
    references: referencesFor("TLS"),
    remediation:
      "Do not serve the API on the plaintext port: close it, or answer every request with a 4xx (or a redirect to https://).",
  },
  dependsOn: ["AUTHZ-05"],
  preconditions: ["plaintext-port"],
  async check(ctx) {
    // Every operation the identity may perform over TLS (reads, lists, creates, updates,
    // deletes, actions): only the transport makes it wrong.
    await ctx.property([grantedOperationCases(ctx)], async (c) => {
      const { actor, record, op } = c;
      const exchange = await ctx.send(requestOf(c, actor, { transport: "plaintext" }));
      // A served write, delete or create changed something: put it back before the next case.
      if (op.kind !== "read" && op.kind !== "list") ctx.markDirty();
      const what = `${actor.username} sent ${describeOperation(op)} over plaintext HTTP`;
      expectPlaintextRefused(exchange, `${what} and was served`, this.meta.remediation);
      // The writable values of the record it named (for a list or a create, of every
      // record of the actor's there): the id and owner name are in the request itself.
      const shown = recordsOf(ctx, op.resource).filter(
        (r) => r === record || r.owner.username === actor.username,
      );
      expectBodyFree(
        exchange,
        shown.flatMap((r) => writableFields(r.resource).map((f) => baselineValuesOf(ctx, r)[f])),
        `${what}: the body carries field values`,
        this.meta.remediation,
      );
    });
  },
};
