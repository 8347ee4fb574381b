import fc from "fast-check";
import type { Exchange, RequestSpec } from "../../harness/http/exchange.ts";
import type { Identity } from "../../harness/identity/identity.ts";
import { loginOf } from "../../harness/identity/identity.ts";
import type { ResourceSpec } from "../../harness/manifest/schema.ts";
import type { SuiteContext } from "../context.ts";
import { RequirementFailure } from "../failure.ts";
import { plainBody } from "../lib/bodies.ts";
import { caseNotJudged } from "../lib/judging.ts";
import { listAs, listedRecords, listsOf, mayCallList } from "../lib/lists.ts";
import { actorAndOther, mayRead, namesOf } from "../lib/pairs.ts";
import { withQuery } from "../lib/query.ts";
import {
  allows,
  type Operation,
  type OwnedRecord,
  operationsOf,
  perform,
  printable,
  recordsOf,
  targetFieldName,
} from "../lib/resourceApi.ts";
import { describeExchange, responseClassOf } from "../lib/responseClass.ts";
import { sameValue } from "../lib/sameState.ts";
import { baselineValuesOf } from "../lib/secrets.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

export const requirement: Requirement = {
  meta: {
    id: "AUTHZ-08",
    level: "MUST",
    family: "AUTHZ",
    title: "A created record belongs to its creator, whatever owner the request names",
    sentence:
      "A created record is owned by the identity that created it: a create naming another owner (an owner or user id in the body, query or headers) is refused or yields a record owned by the caller, and no record appears among another identity's records.",
    references: referencesFor("AUTHZ"),
    remediation:
      "Take a new record's owner from the authenticated identity alone; refuse (or ignore) owner, user id and author keys in the body, query and headers of a create.",
  },
  dependsOn: ["AUTHZ-05"],
  notApplicable(ctx) {
    return ctx.resources.some((r) => r.create !== "seeded")
      ? undefined
      : "no resource declares a create operation";
  },
  async check(ctx) {
    const hint = this.meta.remediation;
    const creates = ctx.resources.flatMap((r) =>
      operationsOf(r).filter((op) => op.kind === "create"),
    );
    const cases = fc.constantFrom(...creates.map(printable)).chain((create) =>
      actorAndOther(ctx, creators(ctx, create)).chain(({ actor, other }) =>
        fc.record({
          create: fc.constant(create),
          actor: fc.constant(actor),
          other: fc.constant(other),
          claim: ownerClaim(ctx, create.resource, other),
          body: plainBody(create.resource, "replace"),
        }),
      ),
    );
    // Twice the run's cases: only one claim key per create, and a service honours one.
    await ctx.property(
      [cases],
      async ({ create, actor, other, claim, body }) => {
        const resource = create.resource;
        const what = `${actor.username} (${actor.role}) created a ${resource.name} naming ${other.username} as its owner (${claim.in} ${claim.key}=${JSON.stringify(claim.value)})`;
        const made = await ctx.createRecord(
          actor,
          resource,
          claim.in === "body" ? { ...body, [claim.key]: claim.value } : body,
          claimOutsideBody(resource, claim),
        );
        const outcome = responseClassOf(made.exchange);
        if (outcome === "server-error") {
          caseNotJudged(
            `${describeExchange(made.exchange)}: a 5xx is an ERR-01 finding, neither a refusal nor a create`,
          );
          return;
        }
        // Refused, or rejected as invalid: no record was made.
        if (outcome !== "success") return;
        if (!made.record) {
          caseNotJudged(
            `${describeExchange(made.exchange)} names no id of the new record (AUTHZ-05 judges that)`,
          );
          return;
        }
        const failure = (title: string, expected: string, actual: string, kind: string) =>
          new RequirementFailure({
            title: `${what}: ${title}`,
            expected,
            actual,
            hint,
            exchange: made.exchange,
            kind,
          });
        const record = made.record;

        // The caller owns it: it reads it back as its owner (the one read-back), and the
        // owner field, where the resource has one, names the caller.
        const read = await ctx.readRecord(record);
        if (!("state" in read))
          throw failure(
            "its creator cannot read the new record back as its owner",
            `${actor.username} reads ${resource.name} ${record.id} back`,
            `${describeExchange(read.exchange)} after ${describeExchange(made.exchange)}`,
            "the created record is not the caller's",
          );
        const ownerField = resource.ownerField;
        if (ownerField !== undefined && Object.hasOwn(read.state, ownerField)) {
          const mine = ownerValues(ctx, resource, actor);
          const named = read.state[ownerField];
          if (!mine.some((v) => sameValue(v, named)))
            throw failure(
              `the new record names another owner in ${targetFieldName(resource, ownerField)}`,
              `${ownerField} naming ${actor.username} (${mine.map((v) => JSON.stringify(v)).join(" or ")})`,
              `${ownerField}=${JSON.stringify(named)}`,
              "the created record names another owner",
            );
        }

        // Nor is it among the other identity's records, where that one may not read the
        // caller's: not in its lists, not answered to its reads. Judged against a record
        // the caller owns from the start: where the other identity lists or reads that one
        // as well, the service shows it every record (AUTHZ-07's or AUTHZ-01's finding),
        // which says nothing about who owns the new one.
        if (mayRead(ctx, other, record)) return;
        const control = recordsOf(ctx, resource).find((r) => r.owner.username === actor.username);
        for (const op of listsOf(resource).filter((l) => mayCallList(ctx, l, other))) {
          const list = await listAs(ctx, other, op);
          const ids = listedRecords(op, list)?.map((i) => i.id) ?? [];
          if (ids.includes(record.id) && (control === undefined || !ids.includes(control.id)))
            throw failure(
              `the new record is in ${other.username}'s list`,
              `${resource.name} ${record.id} only among ${actor.username}'s records`,
              `${describeExchange(list)} lists it`,
              "the created record is among another identity's records",
            );
        }
        for (const op of closedReads(ctx, record, other)) {
          const seen: Exchange = await perform(ctx, other, op, record);
          if (responseClassOf(seen) !== "success") continue;
          if (control && responseClassOf(await perform(ctx, other, op, control)) === "success")
            continue;
          throw failure(
            `${other.username} reads the new record`,
            `${other.username}'s read of ${resource.name} ${record.id} refused, as of ${actor.username}'s other records`,
            describeExchange(seen),
            "the created record is readable by another identity",
          );
        }
      },
      { numRuns: ctx.numRuns * 2 },
    );
  },
};

/** Identities the create admits. */
function creators(ctx: SuiteContext, create: Operation): Identity[] {
  return ctx.identities.all.filter((actor) => allows(ctx, create.who, actor, undefined));
}

/** Reads by id whose audience leaves `other` out of `record`. */
function closedReads(ctx: SuiteContext, record: OwnedRecord, other: Identity) {
  return operationsOf(record.resource).filter(
    (op) => op.kind === "read" && !op.self && !allows(ctx, op.who, other, record),
  );
}

/**
 * What the owner field holds for `actor`'s records: as its records of this resource read
 * at the start of the run, else its user name, login or e-mail.
 */
function ownerValues(ctx: SuiteContext, resource: ResourceSpec, actor: Identity): unknown[] {
  const field = resource.ownerField ?? "";
  const known = recordsOf(ctx, resource)
    .filter((r) => r.owner.username === actor.username)
    .map((r) => baselineValuesOf(ctx, r)[field])
    .filter((v) => v !== undefined);
  return known.length > 0 ? known : [actor.username, loginOf(actor), actor.email];
}

/** A create naming another owner: one key in the body, a query parameter, or a header. */
interface OwnerClaim {
  in: "body" | "query" | "header";
  /** Body keys are contract-named (the owner field maps to the target's key). */
  key: string;
  value: string | number;
}

/**
 * Owner and user id keys services read on a create, naming `other` by user name, e-mail
 * or a small account number. One claim per create: a service that honours one key still
 * refuses the others as unknown, so claims sent together would hide each other. The
 * resource's own owner field and `user_id`, the names services use most, come most
 * often. Keys that are writable fields of the resource are data, not claims: left out.
 */
function ownerClaim(
  ctx: SuiteContext,
  resource: ResourceSpec,
  other: Identity,
): fc.Arbitrary<OwnerClaim> {
  const names = namesOf(other, ctx.identities.all.length);
  const likely = [...new Set([resource.ownerField ?? "user_id", "user_id"])];
  const others = ["owner", "owner_id", "author", "username", "userId"].filter(
    (k) => !likely.includes(k),
  );
  const key = (keys: string[]) => keys.filter((k) => !Object.hasOwn(resource.writable, k));
  const claim = (where: OwnerClaim["in"], keys: string[], values: fc.Arbitrary<string | number>) =>
    keys.length === 0
      ? []
      : [
          fc
            .tuple(fc.constantFrom(...keys), values)
            .map(([k, value]) => ({ in: where, key: k, value })),
        ];
  const weighted = (weight: number, arbitraries: fc.Arbitrary<OwnerClaim>[]) =>
    arbitraries.map((arbitrary) => ({ weight, arbitrary }));
  return fc.oneof(
    ...weighted(4, claim("body", key(likely), names)),
    ...weighted(3, claim("body", key(others), names)),
    ...weighted(1, claim("query", ["user_id", "owner", "author"], names.map(String))),
    ...weighted(1, claim("header", ["X-User", "X-Forwarded-User", "X-User-Id"], names.map(String))),
  );
}

/** The request parts a query or header claim adds to the create. */
function claimOutsideBody(resource: ResourceSpec, claim: OwnerClaim): Partial<RequestSpec> {
  if (claim.in === "header") return { headers: { [claim.key]: String(claim.value) } };
  if (claim.in === "body" || resource.create === "seeded") return {};
  return { path: withQuery(resource.create.path, { [claim.key]: String(claim.value) }) };
}
