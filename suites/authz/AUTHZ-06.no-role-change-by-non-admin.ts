import fc from "fast-check";
import { identityOverrideHeaders } from "../../harness/arbitraries/identityOverrideHeaders.ts";
import type { ResourceSpec } from "../../harness/manifest/schema.ts";
import type { Snapshot, SuiteContext } from "../context.ts";
import { RequirementFailure } from "../failure.ts";
import { describeOperation, everyOperation, requestOf } from "../lib/operations.ts";
import { nonEmpty } from "../lib/pairs.ts";
import { allRecords, type Operation, operationsOf, targetFieldName } from "../lib/resourceApi.ts";
import { sameValue } from "../lib/sameState.ts";
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

/** The contract field carrying a resource's role: its roleField, or a read-only `role`. */
function roleFieldOf(resource: ResourceSpec): string | undefined {
  return resource.roleField ?? (resource.readOnly.role !== undefined ? "role" : undefined);
}

/** resource name -> the field holding its records' roles, for resources that map one. */
function roleFields(ctx: SuiteContext): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of ctx.resources) {
    const field = roleFieldOf(r);
    if (field !== undefined) out.set(r.name, field);
  }
  return out;
}

function roles(snapshot: Snapshot, fields: Map<string, string>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [resource, records] of snapshot) {
    const field = fields.get(resource);
    if (!field) continue;
    for (const [id, state] of records) out.set(`${resource} ${id}`, state[field]);
  }
  return out;
}

/** Operations that take a body a role key can ride in, on a record (creates are AUTHZ-08's). */
const BODY_KINDS = new Set(["replace", "merge", "action"]);

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
  notApplicable: (ctx) =>
    roleFields(ctx).size === 0
      ? "the API exposes no role (no resource declares a roleField or a read-only role)"
      : undefined,
  async check(ctx) {
    const fields = roleFields(ctx);
    const actors = nonEmpty([...ctx.identities.unprivileged], "non-privileged identity");
    const bodyWrite = (op: Operation) => BODY_KINDS.has(op.kind);
    // Every write that carries a body (self writes too), on any record; weighted towards
    // the likeliest escalation: a user setting `role` on its own role-carrying record
    // (others' records are refused by AUTHZ-02 anyway).
    const any = fc
      .tuple(fc.constantFrom(...actors), everyOperation(ctx, bodyWrite))
      .map(([actor, c]) => ({ actor, c }));
    const ownRoleRecords = allRecords(ctx).filter(
      (r) =>
        fields.has(r.resource.name) &&
        actors.some((a) => a.username === r.owner.username) &&
        operationsOf(r.resource).some(bodyWrite),
    );
    const own = ownRoleRecords.map((record) => ({
      weight: 2,
      arbitrary: everyOperation(ctx, (op) => bodyWrite(op) && op.resource === record.resource).map(
        (c) => ({ actor: record.owner, c: { ...c, record } }),
      ),
    }));
    const privileged = ctx.target.manifest.privilegedRoles;
    const cases = fc
      .oneof(...own, { weight: Math.max(1, own.length), arbitrary: any })
      .chain(({ actor, c }) =>
        fc.record({
          actor: fc.constant(actor),
          c: fc.constant(c),
          roleKey: fc.oneof(
            { weight: 3, arbitrary: fc.constant("role") },
            { weight: 1, arbitrary: ROLE_KEYS },
          ),
          roleValue: fc.oneof(
            {
              weight: 3,
              arbitrary: fc.constantFrom<unknown>(
                ...(privileged.length > 0 ? privileged : ["admin"]),
              ),
            },
            { weight: 1, arbitrary: fc.constantFrom<unknown>(true, 1, ["admin"]) },
          ),
          headers: fc.option(identityOverrideHeaders(c.record?.owner.username ?? actor.username), {
            nil: {},
          }),
        }),
      );
    await ctx.property(
      [cases],
      async ({ actor, c, roleKey, roleValue, headers }) => {
        const before = roles(await ctx.snapshot(), fields);
        const resource = c.op.resource;
        const key =
          roleKey === "role" ? targetFieldName(resource, roleFieldOf(resource) ?? "role") : roleKey;
        const request = requestOf(c, actor, { headers });
        const body = request.json !== null && typeof request.json === "object" ? request.json : {};
        const exchange = await ctx.send({ ...request, json: { ...body, [key]: roleValue } });
        ctx.markDirty();
        const after = roles(await ctx.snapshot(), fields);
        const changed = [...before].filter(([k, v]) => !sameValue(after.get(k), v));
        if (changed.length > 0) {
          throw new RequirementFailure({
            title: `${actor.username} (${actor.role}) changed a role through ${describeOperation(c.op)} with ${JSON.stringify(key)}: ${JSON.stringify(roleValue)}`,
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
