import fc from "fast-check";
import { identityOverrideHeaders } from "../../harness/arbitraries/identityOverrideHeaders.ts";
import type { Snapshot } from "../context.ts";
import { RequirementFailure } from "../failure.ts";
import { validBody } from "../lib/bodies.ts";
import { anyRecord, writeCases } from "../lib/pairs.ts";
import {
  credentialsOf,
  pathFor,
  recordsOf,
  targetFieldName,
  toTargetBody,
  writeEndpoint,
} from "../lib/resourceApi.ts";
import { BFLA, referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

const ROLE_KEYS = fc.constantFrom(
  "role",
  "Role",
  "ROLE",
  "roles",
  "is_admin",
  "admin",
  "isAdmin",
  "user_role",
);

function roles(snapshot: Snapshot, roleFields: Map<string, string>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [resource, records] of snapshot) {
    const field = roleFields.get(resource);
    if (!field) continue;
    for (const [id, state] of records) out.set(`${resource} ${id}`, state[field]);
  }
  return out;
}

export const requirement: Requirement = {
  meta: {
    id: "AUTHZ-06",
    level: "MUST",
    family: "AUTHZ",
    title: "No request by a non-admin changes any user's role",
    sentence: "No request by a non-admin changes any user's `role`.",
    references: referencesFor("AUTHZ", { owasp: BFLA }),
    remediation:
      "Make role read-only in the update schema, and let only privileged code paths change it.",
  },
  dependsOn: ["AUTHZ-05"],
  async check(ctx) {
    // role is a contract name; the manifest says which read-only field carries it.
    const roleFields = new Map(
      ctx.resources
        .map((r) => [r.name, r.roleField ?? (r.readOnly.role !== undefined ? "role" : "")] as const)
        .filter(([, f]) => f),
    );
    if (roleFields.size === 0) throw new Error("the manifest maps no role field");
    // Weighted towards the likeliest escalation: a user setting `role` to a privileged
    // role on its own record (others' records are refused by AUTHZ-02 anyway).
    const pairs = fc.oneof(
      {
        weight: 2,
        arbitrary: fc.constantFrom(...ctx.identities.unprivileged).map((actor) => ({
          actor,
          record: recordsOf(ctx, ctx.resources[0]!).find(
            (r) => r.owner.username === actor.username,
          )!,
        })),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom(...ctx.identities.unprivileged), anyRecord(ctx))
          .map(([actor, record]) => ({ actor, record })),
      },
    );
    const privileged = fc.constantFrom<unknown>(...ctx.target.manifest.privilegedRoles);
    const cases = writeCases(pairs, validBody).chain(({ actor, record, kind, body }) =>
      fc.record({
        actor: fc.constant(actor),
        record: fc.constant(record),
        kind: fc.constant(kind),
        valid: fc.constant(body),
        roleKey: fc.oneof(
          { weight: 3, arbitrary: fc.constant("role") },
          { weight: 1, arbitrary: ROLE_KEYS },
        ),
        roleValue: fc.oneof(
          { weight: 3, arbitrary: privileged },
          { weight: 1, arbitrary: fc.constantFrom<unknown>(true, 1, ["admin"]) },
        ),
        headers: fc.option(identityOverrideHeaders(record.owner.username), { nil: {} }),
      }),
    );
    await ctx.property(
      [cases],
      async ({ actor, record, kind, valid, roleKey, roleValue, headers }) => {
        const before = roles(await ctx.snapshot(), roleFields);
        const ep = writeEndpoint(record.resource, kind)!;
        const key = roleKey === "role" ? targetFieldName(record.resource, "role") : roleKey;
        const exchange = await ctx.send({
          method: ep.method,
          path: pathFor(ep.path, record.id),
          auth: credentialsOf(actor),
          headers,
          json: { ...toTargetBody(record.resource, valid), [key]: roleValue },
        });
        ctx.markDirty();
        const after = roles(await ctx.snapshot(), roleFields);
        const changed = [...before].filter(
          ([k, v]) => JSON.stringify(after.get(k)) !== JSON.stringify(v),
        );
        if (changed.length > 0) {
          throw new RequirementFailure({
            title: `${actor.username} (${actor.role}) changed a role with ${JSON.stringify(key)}: ${JSON.stringify(roleValue)}`,
            expected: "every role read back unchanged",
            actual:
              changed
                .map(([k, v]) => `${k}: ${JSON.stringify(v)} -> ${JSON.stringify(after.get(k))}`)
                .join("; ") +
              ` (write answered ${exchange.response?.status ?? exchange.error?.code})`,
            hint: this.meta.remediation,
            exchange,
            kind: `role changed by ${JSON.stringify(key)}`,
          });
        }
      },
      // A changed role can only be undone by replacing the container (role is read-only
      // through the API): each shrinking step would cost a boot. The first failing case
      // is reported as found.
      { shrink: false },
    );
  },
};
