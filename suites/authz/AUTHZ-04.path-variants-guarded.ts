import fc from "fast-check";
import { pathVariants } from "../../harness/arbitraries/pathVariants.ts";
import type { Exchange } from "../../harness/http/exchange.ts";
import type { SuiteContext } from "../context.ts";
import { RequirementFailure } from "../failure.ts";
import { expectBodyFree, withNoStateChange } from "../lib/assertions.ts";
import { validBody } from "../lib/bodies.ts";
import { describeOperation, requestOf } from "../lib/operations.ts";
import { crossUserOperations } from "../lib/pairs.ts";
import { allows, type Operation, operationsOf } from "../lib/resourceApi.ts";
import { hiddenValues } from "../lib/secrets.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

/** A path's segments, each decoded, with dot segments and empty segments resolved. */
function normalised(url: string): string {
  const path = url.replace(/^https?:\/\/[^/]+/, "").split("?")[0] ?? "";
  const out: string[] = [];
  for (const raw of path.split("/")) {
    let segment = raw;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      // Kept as sent.
    }
    if (segment === "" || segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(segment);
  }
  return JSON.stringify(out);
}

/** Operations whose record id is a path segment: the only ones a path variant can reach. */
function pathIdOperations(ctx: SuiteContext): Operation[] {
  return ctx.resources.flatMap((r) => operationsOf(r)).filter((op) => op.id?.in === "path");
}

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
  notApplicable: (ctx) =>
    pathIdOperations(ctx).length === 0
      ? "no declared operation carries the record id in its path (ids travel in the query or the body, or operations act on the caller's own record)"
      : undefined,
  async check(ctx) {
    // Every operation with `{id}` in its path, on another's record, except state-changing
    // ones the actor's audience allows (those change the record rightly, in any spelling).
    const cases = crossUserOperations(
      ctx,
      ["read", "replace", "merge", "delete", "action"],
      ({ actor, record, op }) =>
        op.id?.in === "path" && !(op.kind !== "read" && allows(ctx, op.who, actor, record)),
      "operation with the record id in its path, on another identity's record",
    ).chain(({ actor, record, op }) =>
      fc.record({
        actor: fc.constant(actor),
        record: fc.constant(record),
        op: fc.constant(op),
        // Many variants per case (the space is small, and most variants just 404), one
        // snapshot around them all; shrinking isolates the variant that got through.
        paths: fc.uniqueArray(pathVariants(op.path, record.id, { self: actor.username }), {
          minLength: 10,
          maxLength: 24,
        }),
        body:
          op.kind === "replace" || op.kind === "merge"
            ? validBody(op.resource, op.kind)
            : fc.constant(undefined),
      }),
    );
    await ctx.property([cases], async ({ actor, record, op, paths, body }) => {
      const who = `${actor.username} (${actor.role})`;
      const canonical = requestOf({ op, record, body }, actor);
      const exchanges: Exchange[] = [];
      try {
        await withNoStateChange(
          ctx,
          `${who} ${op.method} ${paths.join(" ")} (${record.owner.username}'s ${op.resource.name})`,
          async () => {
            for (const path of paths) exchanges.push(await ctx.send({ ...canonical, path }));
          },
        );
      } catch (error) {
        // Every variant spells the same operation: name the finding by one that resolves
        // to the declared path as routers normalise it (findings are keyed by operation).
        if (error instanceof RequirementFailure)
          error.detail.exchange ??=
            exchanges.find((e) => normalised(e.request.url) === normalised(canonical.path)) ??
            exchanges[0];
        throw error;
      }
      for (const exchange of exchanges) {
        // Values of the record the actor may not see (all of it where it may not read it,
        // its private fields where it may), never those the request carried.
        expectBodyFree(
          exchange,
          hiddenValues(ctx, actor, [record], exchange.request),
          `${who} ${describeOperation(op)} as ${exchange.request.url.replace(/^https?:\/\/[^/]+/, "")} returned ${record.owner.username}'s values`,
          this.meta.remediation,
        );
      }
    });
  },
};
