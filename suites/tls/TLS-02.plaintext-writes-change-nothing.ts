import { withNoStateChange } from "../lib/assertions.ts";
import { validBody } from "../lib/bodies.ts";
import { authorisedWriters, writeCases, wrote } from "../lib/pairs.ts";
import { expectPlaintextRefused } from "../lib/plaintext.ts";
import { writeAs } from "../lib/resourceApi.ts";
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
    // Writes the actor is allowed to make over TLS: only the transport makes them wrong.
    await ctx.property(
      [writeCases(authorisedWriters(ctx), validBody)],
      async ({ actor, record, kind, body }) => {
        const what = `${actor.username} ${wrote(kind)} ${record.owner.username}'s record over plaintext HTTP`;
        const exchange = await withNoStateChange(ctx, what, () =>
          writeAs(ctx, actor, record, kind, body, { transport: "plaintext" }),
        );
        expectPlaintextRefused(exchange, `${what} and it succeeded`, this.meta.remediation);
      },
    );
  },
};
