import fc from "fast-check";
import { pathVariants } from "../../harness/arbitraries/pathVariants.ts";
import { expectBodyFree, withNoStateChange } from "../lib/assertions.ts";
import { validBody } from "../lib/bodies.ts";
import { crossUserPairs } from "../lib/pairs.ts";
import { credentialsOf, toTargetBody, writeEndpoint, writeKinds } from "../lib/resourceApi.ts";
import { leakableValues } from "../lib/secrets.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

export const requirement: Requirement = {
  meta: {
    id: "AUTHZ-04",
    level: "MUST",
    family: "AUTHZ",
    title: "Variants of the object path do not bypass authorization",
    sentence:
      "Variants of the object path (percent-encoding, case, trailing slash, duplicate slashes, dot segments) never give a non-admin access to another user's record.",
    references: referencesFor("AUTHZ"),
    remediation:
      "Authorize on the record the router actually resolved (after decoding and normalisation), not on the raw path string.",
  },
  dependsOn: ["AUTHZ-05"],
  async check(ctx) {
    const endpoints = (r: (typeof ctx.resources)[number]) => [
      ...r.reads.map((e) => ({ method: e.method, path: e.path, write: undefined })),
      ...writeKinds(r).map((k) => ({ ...writeEndpoint(r, k)!, write: k })),
    ];
    // Many variants per case (the space is small, and most variants just 404), one
    // snapshot around them all; shrinking isolates the variant that got through.
    const cases = crossUserPairs(ctx).chain(({ actor, record }) =>
      fc.constantFrom(...endpoints(record.resource)).chain((ep) =>
        fc.record({
          actor: fc.constant(actor),
          record: fc.constant(record),
          ep: fc.constant(ep),
          paths: fc.uniqueArray(pathVariants(ep.path, record.id, { self: actor.username }), {
            minLength: 10,
            maxLength: 24,
          }),
          body: ep.write ? validBody(record.resource, ep.write) : fc.constant(undefined),
        }),
      ),
    );
    await ctx.property([cases], async ({ actor, record, ep, paths, body }) => {
      const who = `${actor.username} (${actor.role})`;
      const exchanges = await withNoStateChange(
        ctx,
        `${who} ${ep.method} ${paths.join(" ")} (${record.owner.username}'s record)`,
        async () => {
          const sent = [];
          for (const path of paths) {
            sent.push(
              await ctx.send({
                method: ep.method,
                path,
                auth: credentialsOf(actor),
                ...(body ? { json: toTargetBody(record.resource, body) } : {}),
              }),
            );
          }
          return sent;
        },
      );
      for (const exchange of exchanges) {
        expectBodyFree(
          exchange,
          leakableValues(record),
          `${who} ${ep.method} ${exchange.request.url.replace(/^https?:\/\/[^/]+/, "")} returned ${record.owner.username}'s record`,
          this.meta.remediation,
        );
      }
    });
  },
};
