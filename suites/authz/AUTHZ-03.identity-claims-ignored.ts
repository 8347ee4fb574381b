import fc from "fast-check";
import { identityOverrideHeaders } from "../../harness/arbitraries/identityOverrideHeaders.ts";
import { identityOverrideQuery } from "../../harness/arbitraries/identityOverrideQuery.ts";
import { validBody } from "../lib/bodies.ts";
import { expectBodyFree, expectOutcome, withNoStateChange } from "../lib/expect.ts";
import { crossUserPairs, writeKindFor } from "../lib/pairs.ts";
import { withQuery } from "../lib/query.ts";
import {
  credentialsOf,
  pathFor,
  readEndpoint,
  toTargetBody,
  writeEndpoint,
} from "../lib/resourceApi.ts";
import { leakableValues } from "../lib/secrets.ts";
import { BFLA, referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

export const requirement: Requirement = {
  meta: {
    id: "AUTHZ-03",
    level: "MUST",
    family: "AUTHZ",
    title: "Headers and parameters claiming identity, role or method are ignored",
    sentence:
      "The decision depends on the credentials alone: adding headers or query parameters that claim identity, role or another method (`X-User`, `X-Forwarded-User`, `X-Role`, `X-HTTP-Method-Override`, `X-Original-URL`, `?role=admin`, `?as=V`, `_method=...`, and the like) never turns a refusal into a success or a state change.",
    references: referencesFor("AUTHZ", { owasp: [...referencesFor("AUTHZ").owasp, ...BFLA] }),
    remediation:
      "Derive identity and role only from verified credentials; drop or ignore client-supplied identity and method-override headers.",
  },
  dependsOn: ["AUTHZ-05"],
  async check(ctx) {
    // The same refused request as AUTHZ-01/02, now carrying claims that a trusting
    // middleware would honour. Reads and writes both.
    const cases = crossUserPairs(ctx).chain(({ actor, record }) =>
      fc.record({
        actor: fc.constant(actor),
        record: fc.constant(record),
        // Several claims at once: shrinking then isolates the one the target honoured.
        headers: identityOverrideHeaders(record.owner.username, { maxHeaders: 12 }),
        query: identityOverrideQuery(record.owner.username, { maxParams: 8 }),
        op: fc.oneof(
          fc
            .nat()
            .map((n) => ({ kind: "read" as const, readIndex: n % record.resource.reads.length })),
          writeKindFor(record).chain((kind) =>
            validBody(record.resource, kind).map((body) => ({
              kind: "write" as const,
              writeKind: kind,
              body,
            })),
          ),
        ),
      }),
    );
    await ctx.property([cases], async ({ actor, record, headers, query, op }) => {
      const ep =
        op.kind === "read"
          ? readEndpoint(record.resource, op.readIndex)
          : writeEndpoint(record.resource, op.writeKind)!;
      const what = `${actor.username} (${actor.role}) ${op.kind} of ${record.owner.username}'s record with claims ${JSON.stringify({ headers: Object.keys(headers), query })}`;
      const exchange = await withNoStateChange(ctx, what, () =>
        ctx.send({
          method: ep.method,
          path: withQuery(pathFor(ep.path, record.id), query),
          auth: credentialsOf(actor),
          headers,
          ...(op.kind === "write" ? { json: toTargetBody(record.resource, op.body) } : {}),
        }),
      );
      expectOutcome(
        exchange,
        ["refusal", "invalid"],
        `${what} was not refused`,
        this.meta.remediation,
        "a refusal (403/404) or 400-class",
      );
      expectBodyFree(
        exchange,
        leakableValues(record),
        `${what}: the response leaks the record`,
        this.meta.remediation,
      );
    });
  },
};
