import fc from "fast-check";
import type { RequestSpec } from "../../harness/http/exchange.ts";
import { expectOutcome, withNoStateChange } from "../lib/assertions.ts";
import { validBody } from "../lib/bodies.ts";
import { type ActorOperation, crossUserOperations, RESTRICTED_AUDIENCES } from "../lib/pairs.ts";
import {
  allows,
  type Operation,
  perform,
  stateChangingOperations,
  toTargetBody,
  writeKinds,
} from "../lib/resourceApi.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

export const requirement: Requirement = {
  meta: {
    id: "AUTHZ-02",
    level: "MUST",
    family: "AUTHZ",
    title: "A non-admin cannot write another user's record",
    sentence:
      "A non-admin writing another user's record (PUT, PATCH, delete, any state-changing operation, with valid bodies) is refused and V's record does not change (a refused delete leaves it readable).",
    references: referencesFor("AUTHZ"),
    remediation:
      "Check ownership (or an admin role) before applying any update, delete or action, for every method that changes a record.",
  },
  dependsOn: ["AUTHZ-05"],
  notApplicable(ctx) {
    const judged = ctx.resources.some((r) =>
      stateChangingOperations(r).some((op) => !op.self && RESTRICTED_AUDIENCES.includes(op.who)),
    );
    return judged ? undefined : "no state-changing operation by id is closed to other identities";
  },
  async check(ctx) {
    // Every update, delete and action by id, by a non-admin, on a record it does not own,
    // where the operation's audience leaves it out: refused, and every record read back
    // (as its owner) identical; a record deleted anyway reads back as gone.
    const cases = crossUserOperations(
      ctx,
      ["replace", "merge", "delete", "action"],
      ({ actor, record, op }) => !allows(ctx, op.who, actor, record) && hasValidBody(op),
      "non-privileged identity with a state-changing operation on another's record",
    ).chain((c) => payloadFor(c.op).map((payload) => ({ ...c, payload })));
    await ctx.property([cases], async ({ actor, record, op, payload }: Case) => {
      const what = `${actor.username} (${actor.role}) ${op.label} (${op.method} ${op.path}) on ${record.owner.username}'s ${record.resource.name}`;
      const exchange = await withNoStateChange(ctx, what, () =>
        perform(ctx, actor, op, record, payload),
      );
      expectOutcome(exchange, ["refusal"], what, this.meta.remediation, "403 or 404");
    });
  },
};

/** Updates need a field the suite writes (opaque ones it never does); others need none. */
function hasValidBody(op: Operation): boolean {
  return (
    (op.kind !== "replace" && op.kind !== "merge") || writeKinds(op.resource).includes(op.kind)
  );
}

interface Case extends ActorOperation {
  payload: Partial<RequestSpec>;
}

/**
 * A body the operation would accept from its owner: a valid update for replace and
 * merge, the declared body of an action, none for a delete (its id goes where the
 * operation says, in the body too).
 */
function payloadFor(op: Operation): fc.Arbitrary<Partial<RequestSpec>> {
  switch (op.kind) {
    case "replace":
    case "merge":
      return validBody(op.resource, op.kind).map((body) => ({
        json: toTargetBody(op.resource, body),
      }));
    case "action":
      return fc.constant({ json: op.body ?? {} });
    default:
      return fc.constant({});
  }
}
