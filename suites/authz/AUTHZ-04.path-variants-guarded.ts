import fc from "fast-check";
import { pathVariants } from "../../harness/arbitraries/pathVariants.ts";
import { validBody } from "../lib/bodies.ts";
import { expectBodyFree, withNoStateChange } from "../lib/expect.ts";
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
    const cases = crossUserPairs(ctx).chain(({ actor, record }) =>
      fc.constantFrom(...endpoints(record.resource)).chain((ep) =>
        fc.record({
          actor: fc.constant(actor),
          record: fc.constant(record),
          ep: fc.constant(ep),
          path: pathVariants(ep.path, record.id),
          body: ep.write ? validBody(record.resource, ep.write) : fc.constant(undefined),
        }),
      ),
    );
    await ctx.property([cases], async ({ actor, record, ep, path, body }) => {
      const what = `${actor.username} (${actor.role}) ${ep.method} ${path} (${record.owner.username}'s record)`;
      const exchange = await withNoStateChange(ctx, what, () =>
        ctx.send({
          method: ep.method,
          path,
          auth: credentialsOf(actor),
          ...(body ? { json: toTargetBody(record.resource, body) } : {}),
        }),
      );
      expectBodyFree(
        exchange,
        leakableValues(record),
        `${what} returned the record`,
        this.meta.remediation,
      );
    });
  },
};
