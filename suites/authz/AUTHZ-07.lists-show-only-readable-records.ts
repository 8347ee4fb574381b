import fc from "fast-check";
import type { Exchange } from "../../harness/http/exchange.ts";
import type { Identity } from "../../harness/identity/identity.ts";
import type { SuiteContext } from "../context.ts";
import { RequirementFailure } from "../failure.ts";
import { expectBodyFree } from "../lib/assertions.ts";
import { caseNotJudged } from "../lib/judging.ts";
import {
  type ListedItem,
  listAs,
  listedRecords,
  listOperations,
  mayCallList,
} from "../lib/lists.ts";
import { mayRead, namesOf, nonEmpty } from "../lib/pairs.ts";
import {
  allRecords,
  fromTargetItem,
  type Operation,
  type OwnedRecord,
  printable,
  targetFieldName,
} from "../lib/resourceApi.ts";
import { describeExchange, responseClassOf } from "../lib/responseClass.ts";
import { sameValue } from "../lib/sameState.ts";
import { baselineValuesOf, hiddenValues, privateFieldsHiddenFrom } from "../lib/secrets.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

export const requirement: Requirement = {
  meta: {
    id: "AUTHZ-07",
    level: "MUST",
    family: "AUTHZ",
    title: "Lists show only records the caller may read, whatever the query",
    sentence:
      "A list (collection) answered to an identity contains only records that identity may read, and none of the private fields of records of others, whatever filters, paging or query parameters are added (`?user_id=V`, `?owner=V`, `?all=1`).",
    references: referencesFor("AUTHZ"),
    remediation:
      "Scope every list query to the records the caller may read (its own, unless its role allows more) before applying client-supplied filters, and render others' records without their private fields.",
  },
  dependsOn: ["AUTHZ-05"],
  notApplicable(ctx) {
    return listOperations(ctx).length === 0 ? "no resource declares a list" : undefined;
  },
  async check(ctx) {
    const hint = this.meta.remediation;
    const callers = listOperations(ctx).flatMap((op) =>
      ctx.identities.all
        .filter((actor) => mayCallList(ctx, op, actor))
        .map((actor) => ({ op: printable(op), actor })),
    );
    const cases = fc
      .constantFrom(...nonEmpty(callers, "identity allowed to call a list"))
      .chain(({ op, actor }) => listQuery(ctx, op, actor).map((query) => ({ op, actor, query })));
    // One read-only request per case: cheap, so more of them, for the one parameter
    // among many that a service honours.
    await ctx.property(
      [cases],
      async ({ op, actor, query }) => {
        const params = resolve(ctx, query);
        const exchange = await listAs(ctx, actor, op, params);
        const what = `${actor.username} (${actor.role}) listed ${op.resource.name} records (${op.method} ${op.path}) with ${JSON.stringify(params)}`;
        const listed =
          responseClassOf(exchange) === "success" ? listedRecords(op, exchange) : undefined;
        if (listed) {
          const answer = { actor, op, listed, exchange, what, hint };
          expectOnlyReadable(ctx, answer);
          expectNoPrivateFields(ctx, answer);
        }
        // Whatever the answer (a 4xx refusing the filter, a 5xx, an unlisted shape), it
        // shows no value of a record the caller may not read, nor others' private ones.
        expectBodyFree(
          exchange,
          hiddenValues(ctx, actor, othersRecords(ctx, actor), exchange.request),
          `${what}: the answer holds values of records the caller may not see`,
          hint,
        );
        if (responseClassOf(exchange) === "server-error")
          caseNotJudged(
            `${describeExchange(exchange)}: a 5xx is an ERR-01 finding, so the list could not be judged`,
          );
      },
      { numRuns: ctx.numRuns * 4 },
    );
  },
};

function othersRecords(ctx: SuiteContext, actor: Identity): OwnedRecord[] {
  return allRecords(ctx).filter((r) => r.owner.username !== actor.username);
}

/** The run's record of the list's resource with this id (ids are per resource). */
function knownRecord(ctx: SuiteContext, op: Operation, id: string | undefined) {
  if (id === undefined) return undefined;
  return allRecords(ctx).find((r) => r.resource === op.resource && r.id === id);
}

/** A list's successful answer to one case, with the words its findings use. */
interface ListAnswer {
  actor: Identity;
  op: Operation;
  listed: readonly ListedItem[];
  exchange: Exchange;
  what: string;
  hint: string;
}

function expectOnlyReadable(
  ctx: SuiteContext,
  { actor, op, listed, exchange, what, hint }: ListAnswer,
): void {
  const unreadable = listed
    .map((i) => knownRecord(ctx, op, i.id))
    .filter((r): r is OwnedRecord => r !== undefined && !mayRead(ctx, actor, r));
  if (unreadable.length === 0) return;
  throw new RequirementFailure({
    title: `${what}: the list holds records the caller may not read`,
    expected: `only records ${actor.username} may read (${op.resource.name} reads: ${op.resource.reads.map((r) => r.who).join(", ")})`,
    actual: `${describeExchange(exchange)} listing ${unreadable.map((r) => `${r.owner.username}'s ${r.resource.name} ${r.id}`).join(", ")}`,
    hint,
    exchange,
    kind: "listed records the caller may not read",
  });
}

function expectNoPrivateFields(
  ctx: SuiteContext,
  { actor, op, listed, exchange, what, hint }: ListAnswer,
): void {
  const shown = listed.flatMap(({ id, item }) => {
    const record = knownRecord(ctx, op, id);
    if (record === undefined) return [];
    const state = fromTargetItem(op.resource, item) ?? {};
    const base = baselineValuesOf(ctx, record);
    return privateFieldsHiddenFrom(ctx, actor, record)
      .filter((f) => Object.hasOwn(state, f) && Object.hasOwn(base, f))
      .filter((f) => sameValue(state[f], base[f]))
      .map(
        (f) =>
          `${record.owner.username}'s ${record.resource.name} ${record.id}: ${targetFieldName(op.resource, f)}`,
      );
  });
  if (shown.length === 0) return;
  throw new RequirementFailure({
    title: `${what}: the list shows private fields of others' records`,
    expected: `no private field (${op.resource.private.join(", ")}) of records ${actor.username} does not own`,
    actual: `${describeExchange(exchange)} showing ${shown.join("; ")}`,
    hint,
    exchange,
    kind: "listed private fields",
  });
}

/** A query parameter's value: a literal, or the id of a record (read when the case runs). */
type ParamValue = string | { idOf: string };
type Param = [key: string, value: ParamValue];

/**
 * Filters, scopes and paging a service may honour (docs/SPEC.md 3, AUTHZ-07), naming
 * other identities (user name, e-mail, a small account number) or their records. None to
 * three at once; shrinking isolates the one a service honoured.
 */
function listQuery(ctx: SuiteContext, op: Operation, actor: Identity): fc.Arbitrary<Param[]> {
  const others = ctx.identities.all.filter((i) => i.username !== actor.username);
  const theirRecords = othersRecords(ctx, actor).map((r) => ({ idOf: r.key }));
  const owner = op.resource.ownerField;
  const ownerKeys = [
    ...new Set([
      ...(owner ? [targetFieldName(op.resource, owner)] : []),
      ...["user_id", "owner", "owner_id", "author", "username", "user", "userId", "email"],
    ]),
  ];
  const someone =
    others.length === 0
      ? fc.constant("1")
      : fc
          .constantFrom(...others)
          .chain((other) => namesOf(other, ctx.identities.all.length))
          .map(String);
  const wide = fc.constantFrom("1", "true", "all", "*", "0", "yes");
  const param = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...ownerKeys), someone) },
    {
      weight: 2,
      arbitrary: fc.tuple(
        fc.constantFrom("all", "include", "filter", "scope", "show", "visibility", "admin"),
        wide,
      ),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc.constantFrom("page", "limit", "per_page", "page_size", "offset"),
        fc.constantFrom("0", "1", "2", "100", "1000", "-1"),
      ),
    },
    ...(theirRecords.length === 0
      ? []
      : [
          {
            weight: 1,
            arbitrary: fc.tuple(
              fc.constantFrom(...ownerKeys, "filter", "include"),
              fc.constantFrom<ParamValue>(...theirRecords),
            ),
          },
        ]),
  );
  const none: Param[] = [];
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(none) },
    {
      weight: 7,
      arbitrary: fc.uniqueArray(param, {
        minLength: 1,
        maxLength: 3,
        selector: (p: Param) => p[0],
      }),
    },
  );
}

function resolve(ctx: SuiteContext, query: readonly Param[]): Record<string, string> {
  return Object.fromEntries(
    query.map(([key, value]) => [
      key,
      typeof value === "string"
        ? value
        : (allRecords(ctx).find((r) => r.key === value.idOf)?.id ?? value.idOf),
    ]),
  );
}
