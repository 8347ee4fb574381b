import fc from "fast-check";
import type { Identity } from "../../harness/identity/identity.ts";
import type { ResourceSpec } from "../../harness/manifest/schema.ts";
import type { SuiteContext } from "../context.ts";
import { RequirementFailure } from "../failure.ts";
import { expectOutcome } from "../lib/assertions.ts";
import { plainBody } from "../lib/bodies.ts";
import { listAs, listedRecords, listsOf, mayCallList } from "../lib/lists.ts";
import { type ActorOnRecord, grantedPairs, nonEmpty } from "../lib/pairs.ts";
import { expectReadBack } from "../lib/readBack.ts";
import { allows, perform, toTargetBody, type WriteKind, writeKinds } from "../lib/resourceApi.ts";
import { describeExchange } from "../lib/responseClass.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

// Positive control for every AUTHZ refusal: a target that refuses everything would pass
// AUTHZ-01..04, -07 and -08 vacuously, so it must fail here (docs/SPEC.md 5: never
// passed vacuously). Privileged identities are tried where the run has any: a service
// without privileged roles (or whose privileged identities were left out after AUTHN-01)
// has no such part to control, and that is no failure.
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
      "Allow the owner (and privileged roles where the operation says so) through the authorization check.",
  },
  dependsOn: ["AUTHN-01"],
  async check(ctx) {
    const hint = this.meta.remediation;
    // Owners on their records, privileged identities on others' (where the operation's
    // audience names privileged roles): every read they may use, and one of the updates.
    const cases = grantedPairs(ctx, ["read", "replace", "merge"]).chain((pair) => {
      // Updates with fields the suite writes (opaque ones it never does).
      const writes = pair.ops.filter((op) =>
        writeKinds(op.resource).includes(op.kind as WriteKind),
      );
      const write =
        writes.length === 0
          ? fc.constant(undefined)
          : fc
              .constantFrom(...writes)
              .chain((op) =>
                plainBody(op.resource, op.kind as WriteKind).map((body) => ({ op, body })),
              );
      return write.map((w) => ({ ...pair, write: w }));
    });
    await ctx.property(
      [cases],
      async ({ actor, record, ops, write }) => {
        const own = actor.username === record.owner.username;
        const who = own ? "its own record" : `${record.owner.username}'s record`;
        const as = `${actor.username} (${actor.role})`;
        for (const op of ops.filter((o) => o.kind === "read")) {
          const read = await perform(ctx, actor, op, record);
          expectOutcome(
            read,
            ["success"],
            `${as} could not read ${who} (${op.method} ${op.path})`,
            hint,
            "2xx",
          );
        }
        if (own) await expectListed(ctx, { actor, record }, hint);
        if (write === undefined) return;
        ctx.markDirty();
        const exchange = await perform(ctx, actor, write.op, record, {
          json: toTargetBody(record.resource, write.body),
        });
        const what = `${as} could not update ${who} (${write.op.method} ${write.op.path})`;
        expectOutcome(exchange, ["success"], what, hint, "2xx");
        await expectReadBack(ctx, record, write.body, {}, `${as} updated ${who}`, hint, exchange);
      },
      // Cases write records on purpose: one at a time, never in concurrent batches.
      { numRuns: Math.max(ctx.numRuns, ctx.identities.all.length * 4), serial: true },
    );

    // Where records are created through the API, every identity the create admits
    // creates one and reads it back as its owner.
    const creatable = ctx.resources.filter((r) => r.create !== "seeded");
    if (creatable.length === 0) return;
    const creates = creatable.flatMap((resource) =>
      ctx.identities.all
        .filter((actor) => mayCreate(ctx, resource, actor))
        .map((actor) => ({ actor, resource })),
    );
    const createCases = fc
      .constantFrom(...nonEmpty(creates, "identity allowed to create a record"))
      .chain((c) => plainBody(c.resource, "replace").map((body) => ({ ...c, body })));
    await ctx.property(
      [createCases],
      async ({ actor, resource, body }) => {
        const what = `${actor.username} (${actor.role}) could not create a ${resource.name}`;
        const made = await ctx.createRecord(actor, resource, body);
        expectOutcome(made.exchange, ["success"], what, hint, "2xx");
        if (!made.record)
          throw new RequirementFailure({
            title: `${what}: the answer names no id of the new record`,
            expected: "2xx naming the new record's id where the manifest says (create.id)",
            actual: describeExchange(made.exchange),
            hint,
            exchange: made.exchange,
            kind: "the create answered no id",
          });
        await expectReadBack(
          ctx,
          made.record,
          body,
          {},
          `${actor.username} (${actor.role}) created a ${resource.name}`,
          hint,
          made.exchange,
        );
      },
      { numRuns: Math.max(creates.length, Math.ceil(ctx.numRuns / 2)), serial: true },
    );
  },
};

function mayCreate(ctx: SuiteContext, resource: ResourceSpec, actor: Identity): boolean {
  return resource.create !== "seeded" && allows(ctx, resource.create.who, actor, undefined);
}

/** Every list the owner may call holds its own record (matched by id). */
async function expectListed(
  ctx: SuiteContext,
  { actor, record }: ActorOnRecord,
  hint: string,
): Promise<void> {
  for (const op of listsOf(record.resource).filter((l) => mayCallList(ctx, l, actor))) {
    const exchange = await listAs(ctx, actor, op);
    const what = `${actor.username} (${actor.role}) listed its ${record.resource.name} records (${op.method} ${op.path})`;
    expectOutcome(exchange, ["success"], `${what}: refused`, hint, "2xx");
    const items = listedRecords(op, exchange);
    if (items?.some((i) => i.id === record.id)) continue;
    throw new RequirementFailure({
      title: `${what}: its own ${record.resource.name} ${record.id} is not in the answer`,
      expected: `a list holding the record ${record.id} (items at ${JSON.stringify(op.items ?? "")})`,
      actual: items
        ? `${describeExchange(exchange)} listing ${items.map((i) => i.id ?? "(no id)").join(", ") || "nothing"}`
        : `${describeExchange(exchange)} with no list at ${JSON.stringify(op.items ?? "")}`,
      hint,
      exchange,
      kind: "the owner's record is missing from its list",
    });
  }
}
