import fc from "fast-check";
import { identityOverrideHeaders } from "../../harness/arbitraries/identityOverrideHeaders.ts";
import { identityOverrideQuery } from "../../harness/arbitraries/identityOverrideQuery.ts";
import { type MethodOverride, methodOverrides } from "../../harness/arbitraries/methodOverrides.ts";
import type { ResourceSpec } from "../../harness/manifest/schema.ts";
import { expectBodyFree, expectOutcome, withNoStateChange } from "../lib/assertions.ts";
import { validBody } from "../lib/bodies.ts";
import { type ActorOnRecord, crossUserPairs } from "../lib/pairs.ts";
import { withQuery } from "../lib/query.ts";
import {
  credentialsOf,
  pathFor,
  toTargetBody,
  writeEndpoint,
  writeKinds,
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
      "The decision depends on the credentials alone: adding headers or query parameters that claim identity, role or another method (`X-User`, `X-Forwarded-User`, `X-Role`, `X-HTTP-Method-Override`, `X-Original-URL`, `?role=admin`, `?as=V`, `_method=...`, and the like) never turns a refusal into a success or a state change, on any method the server may route, including methods the API does not document (an override header on a POST is the classic case).",
    references: referencesFor("AUTHZ", { owasp: [...referencesFor("AUTHZ").owasp, ...BFLA] }),
    remediation:
      "Derive identity and role only from verified credentials; drop or ignore client-supplied identity and method-override headers.",
  },
  dependsOn: ["AUTHZ-05"],
  async check(ctx) {
    // The same refused request as AUTHZ-01/02, now carrying claims that a trusting
    // middleware would honour, on every method the server may route on the record's
    // paths: the documented operations, the undocumented methods (a DELETE or POST route
    // the manifest does not know of), and the classic bypass, a POST carrying a method
    // override that names a write (a legacy POST handler without the owner check).
    // Two properties, each with the run's number of cases: the documented operations
    // (where honoured claims are the common defect: X-User, X-Role), then undocumented
    // methods and overrides on a POST. Mixed in one, a documented read was drawn too
    // rarely to be tried at every seed (the kill matrix missed an IDOR at one in five).
    const cases = (documentedOnly: boolean): fc.Arbitrary<Case> =>
      crossUserPairs(ctx).chain(({ actor, record }) => {
        const routes = routesOf(record.resource);
        const documented = routes.filter((r) => r.documented);
        const undocumented = routes.filter((r) => !r.documented);
        // Overrides on the POST of a path with documented writes: where one can do harm.
        const posts = routes.filter((r) => r.method === "POST");
        const harmful = posts.filter((r) => overrideTargets(routes, r.template).documented);
        const overridden = fc
          .constantFrom(...(harmful.length > 0 ? harmful : posts))
          .chain((route) =>
            methodOverrides(overrideTargets(routes, route.template).methods).map((override) => ({
              route,
              override,
            })),
          );
        return fc.record({
          actor: fc.constant(actor),
          record: fc.constant(record),
          // Several claims at once: shrinking then isolates the one the target honoured.
          headers: identityOverrideHeaders(record.owner.username, { maxHeaders: 12 }),
          query: identityOverrideQuery(record.owner.username, { maxParams: 8 }),
          // Documented operations stay the most frequent: claims honoured there are the
          // common defect (X-User, X-Role); overrides on a POST come next.
          target: documentedOnly
            ? fc.constantFrom(...documented).map((route) => ({ route, override: NO_OVERRIDE }))
            : undocumented.length === 0
              ? overridden
              : fc.oneof(
                  {
                    weight: 1,
                    arbitrary: fc
                      .constantFrom(...undocumented)
                      .map((route) => ({ route, override: NO_OVERRIDE })),
                  },
                  { weight: 2, arbitrary: overridden },
                ),
          // Sent with every method that may carry a body; a full body is valid for both a
          // replace and a merge, so an honoured override is a write that would succeed.
          body: validBody(record.resource, "replace"),
        });
      });
    const attempt = async ({ actor, record, headers, query, target, body }: Case) => {
      const { route, override } = target;
      // One override at a time: other method claims could contradict it.
      const overriding = override !== NO_OVERRIDE;
      const claims = {
        ...(overriding ? withoutMethodClaims(headers) : headers),
        ...override.headers,
      };
      const params = { ...(overriding ? withoutMethodClaims(query) : query), ...override.query };
      const what = `${actor.username} (${actor.role}) ${route.method} ${route.template}${route.documented ? "" : " (undocumented)"} on ${record.owner.username}'s record with claims ${JSON.stringify({ headers: claims, query: params })}`;
      const exchange = await withNoStateChange(ctx, what, () =>
        ctx.send({
          method: route.method,
          path: withQuery(pathFor(route.template, record.id), params),
          auth: credentialsOf(actor),
          headers: claims,
          ...(BODY_METHODS.has(route.method) ? { json: toTargetBody(record.resource, body) } : {}),
        }),
      );
      expectBodyFree(
        exchange,
        leakableValues(record),
        `${what}: the response leaks the record`,
        this.meta.remediation,
      );
      // A method the API does not route may be answered as such: that is no bypass.
      const status = exchange.response?.status;
      if (!route.documented && (status === 405 || status === 501)) return;
      expectOutcome(
        exchange,
        ["refusal", "invalid"],
        `${what} was not refused`,
        this.meta.remediation,
        route.documented
          ? "a refusal (403/404) or 400-class"
          : "a refusal (403/404), 400-class, or 405/501 for a method not routed",
      );
    };
    await ctx.property([cases(true)], attempt);
    await ctx.property([cases(false)], attempt);
  },
};

/** Methods a server may route on a record's path, documented or not. */
const ROUTED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const BODY_METHODS: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH"]);
const NO_OVERRIDE: MethodOverride = { headers: {}, query: {} };

interface Route {
  method: string;
  template: string;
  /** The manifest declares this method on this path. */
  documented: boolean;
}

/** One attempt: a refused request, the claims it carries, and the route it is sent on. */
interface Case extends ActorOnRecord {
  headers: Record<string, string>;
  query: Record<string, string>;
  target: { route: Route; override: MethodOverride };
  body: Record<string, unknown>;
}

/** Every routed method on every path the resource declares (reads and writes). */
function routesOf(resource: ResourceSpec): Route[] {
  const declared = [
    ...resource.reads,
    ...writeKinds(resource).map((k) => writeEndpoint(resource, k)!),
  ];
  const templates = [...new Set(declared.map((e) => e.path))];
  return templates.flatMap((template) =>
    ROUTED_METHODS.map((method) => ({
      method,
      template,
      documented: declared.some((e) => e.path === template && e.method === method),
    })),
  );
}

/** What an override on `template` should name: its documented writes, else any write. */
function overrideTargets(
  routes: readonly Route[],
  template: string,
): { methods: string[]; documented: boolean } {
  const writes = routes
    .filter((r) => r.template === template && r.documented && r.method !== "GET")
    .map((r) => r.method);
  return writes.length > 0
    ? { methods: writes, documented: true }
    : { methods: ["PUT", "PATCH", "DELETE"], documented: false };
}

function withoutMethodClaims(claims: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(claims).filter(([name]) => !/method/i.test(name)));
}
