import fc from "fast-check";
import { expectOutcome } from "../lib/assertions.ts";
import { plainBody } from "../lib/bodies.ts";
import { authorisedWriters, writeCases } from "../lib/pairs.ts";
import { expectReadBack } from "../lib/readBack.ts";
import { readAs, writeAs, writeEndpoint } from "../lib/resourceApi.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

// Positive control for every AUTHZ refusal: a target that refuses everything would pass
// AUTHZ-01..04 vacuously, so it must fail here (docs/SPEC.md 5: never passed vacuously).
export const requirement: Requirement = {
  meta: {
    id: "AUTHZ-05",
    level: "MUST",
    family: "AUTHZ",
    title: "Owners read and update their own records; admins every record",
    sentence:
      "Positive control: every user reads and updates its own record; admins read and update every record. A target that refuses everything fails here.",
    references: referencesFor("AUTHZ"),
    remediation:
      "Allow the owner (and privileged roles where the endpoint says so) through the authorization check.",
  },
  dependsOn: ["AUTHN-01"],
  async check(ctx) {
    await ctx.property(
      [writeCases(authorisedWriters(ctx), plainBody), fc.nat()],
      async ({ actor, record, kind, body }, readIndex) => {
        const own = actor.username === record.owner.username;
        const who = own ? "its own record" : `${record.owner.username}'s record`;
        // Reads: every endpoint this actor may use on this record.
        const reads = record.resource.reads
          .map((ep, i) => ({ ep, i }))
          .filter(({ ep }) => own || ep.who === "owner-or-privileged");
        const pick = reads[readIndex % reads.length];
        if (pick) {
          const read = await readAs(ctx, actor, record, pick.i);
          expectOutcome(
            read,
            ["success"],
            `${actor.username} (${actor.role}) could not read ${who}`,
            this.meta.remediation,
            "2xx",
          );
        }
        const ep = writeEndpoint(record.resource, kind)!;
        if (!own && ep.who === "owner") return;
        ctx.markDirty();
        const write = await writeAs(ctx, actor, record, kind, body);
        expectOutcome(
          write,
          ["success"],
          `${actor.username} (${actor.role}) could not update ${who}`,
          this.meta.remediation,
          "2xx",
        );
        await expectReadBack(
          ctx,
          record,
          body,
          {},
          `${actor.username} updated ${who}`,
          this.meta.remediation,
          write,
        );
      },
      { numRuns: Math.max(ctx.numRuns, ctx.identities.all.length * 4) },
    );
  },
};
