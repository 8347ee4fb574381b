// "Every operation" of docs/SPEC.md 1b and 3 as one arbitrary: each declared read (self
// reads too), list, create (a plain valid body), replace and merge (valid bodies), delete
// and action (its declared body), on any record of its resource. AUTHN checks send these
// with broken credentials and TLS checks over plaintext; the operation itself is always
// well-formed, so only the credentials or the transport make it wrong.
import fc from "fast-check";
import type { Exchange, RequestSpec } from "../../harness/http/exchange.ts";
import type { Identity } from "../../harness/identity/identity.ts";
import type { ResourceSpec } from "../../harness/manifest/schema.ts";
import type { SuiteContext } from "../context.ts";
import { withNoStateChange } from "./assertions.ts";
import { plainBody, validBody } from "./bodies.ts";
import { type ActorOnRecord, grantedOperations, nonEmpty } from "./pairs.ts";
import {
  allows,
  allRecords,
  jsonOf,
  listedIdOf,
  listedItems,
  type Operation,
  type OwnedRecord,
  operationsOf,
  recordsOf,
  requestFor,
  toTargetBody,
  writeKinds,
} from "./resourceApi.ts";

/** One declared operation, ready to send: its record and its body. */
export interface OperationCase {
  op: Operation;
  /**
   * The record it names (its id is placed where the operation says). Lists, creates and
   * self operations name none: where one is set for them, it only says whose values the
   * answer may carry.
   */
  record?: OwnedRecord | undefined;
  /** Contract-named body of a create, replace or merge. */
  body?: Record<string, unknown> | undefined;
}

/** Operations that need credentials: those open to `anyone` are no test of them. */
export const credentialed = (op: Operation): boolean => op.who !== "anyone";

/** Can the suite send it: a replace or merge needs fields it writes. */
export function sendable(op: Operation): boolean {
  return (
    (op.kind !== "replace" && op.kind !== "merge") || writeKinds(op.resource).includes(op.kind)
  );
}

function bodyFor(op: Operation): fc.Arbitrary<Record<string, unknown> | undefined> {
  if (op.kind === "create") return plainBody(op.resource, "replace");
  if (op.kind === "replace" || op.kind === "merge") return validBody(op.resource, op.kind);
  return fc.constant(undefined);
}

/** `op` on the record `record` draws (if any), with a body of its kind. */
function caseOf(
  op: Operation,
  record: fc.Arbitrary<OwnedRecord | undefined>,
): fc.Arbitrary<OperationCase> {
  return fc.record({ op: fc.constant(op), record, body: bodyFor(op) });
}

/**
 * Every declared operation `keep` selects (default: those that need credentials), on any
 * record, sent by nobody in particular: the caller supplies the credentials.
 */
export function everyOperation(
  ctx: SuiteContext,
  keep: (op: Operation) => boolean = credentialed,
): fc.Arbitrary<OperationCase> {
  const ops = ctx.resources
    .flatMap((r) => operationsOf(r))
    .filter((op) => keep(op) && sendable(op))
    .filter((op) => !op.id || recordsOf(ctx, op.resource).length > 0);
  return fc.constantFrom(...nonEmpty(ops, "declared operation")).chain((op) => {
    const records = recordsOf(ctx, op.resource);
    return caseOf(op, op.id ? fc.constantFrom(...records) : fc.constant(undefined));
  });
}

const KINDS = ["read", "list", "create", "replace", "merge", "delete", "action"] as const;

/**
 * Operations an identity is let through, with that identity and a record: owners on
 * their own (self operations, lists and creates included), privileged identities on
 * others'. For a list or a create the record only says whose values may show.
 */
export function grantedOperationCases(
  ctx: SuiteContext,
  keep: (op: Operation) => boolean = () => true,
): fc.Arbitrary<ActorOnRecord & OperationCase> {
  const records = allRecords(ctx);
  const pairs: ActorOnRecord[] = [
    ...records.map((record) => ({ actor: record.owner, record })),
    ...ctx.identities.privileged.flatMap((actor) =>
      records
        .filter((record) => record.owner.username !== actor.username)
        .map((record) => ({ actor, record })),
    ),
  ];
  const cases = pairs.flatMap((pair) =>
    grantedOperations(ctx, pair, KINDS)
      .filter((op) => keep(op) && sendable(op))
      .map((op) => ({ ...pair, op })),
  );
  return fc
    .constantFrom(...nonEmpty(cases, "operation an identity is allowed"))
    .chain(({ actor, record, op }) =>
      caseOf(op, fc.constant(record)).map((c) => ({ ...c, actor, record })),
    );
}

/** The request of a case, as `actor` (undefined: credentials only from `extra`). */
export function requestOf(
  c: OperationCase,
  actor: Identity | undefined,
  extra: Partial<RequestSpec> = {},
): RequestSpec {
  const json =
    c.body !== undefined
      ? toTargetBody(c.op.resource, c.body)
      : c.op.kind === "action"
        ? c.op.body
        : undefined;
  return requestFor(c.op, c.op.self ? undefined : c.record, actor, {
    ...(json === undefined ? {} : { json }),
    ...extra,
  });
}

/** Send a case with the given credentials part (auth, rawAuthorization or none). */
export function sendOperation(
  ctx: SuiteContext,
  c: OperationCase,
  credentials: Partial<RequestSpec>,
): Promise<Exchange> {
  return ctx.send(requestOf(c, undefined, credentials));
}

/** `PUT /users/{id} (user replace)`: an operation for titles. */
export function describeOperation(op: Operation): string {
  return `${op.method} ${op.path} (${op.resource.name} ${op.label})`;
}

/**
 * The ids of `resource`'s records `viewer` sees through the first list open to it, or
 * undefined when none is declared or the list did not answer one. A create that was
 * processed and then refused or redirected shows up here, where snapshots of the known
 * records cannot see it.
 */
export async function listedIds(
  ctx: SuiteContext,
  viewer: Identity,
  resource: ResourceSpec,
): Promise<Set<string> | undefined> {
  const list = operationsOf(resource).find(
    (op) => op.kind === "list" && allows(ctx, op.who, viewer, undefined),
  );
  if (list === undefined) return undefined;
  const exchange = await ctx.send(requestFor(list, undefined, viewer));
  if (exchange.response?.status !== 200) return undefined;
  const items = listedItems(list, jsonOf(exchange));
  if (items === undefined) return undefined;
  return new Set(items.map((item) => listedIdOf(resource, item) ?? JSON.stringify(item)));
}

/**
 * Send a case with broken or missing credentials and require that no record changed
 * (docs/SPEC.md 3: read back before and after). A create leaves no known record to
 * read back: its success status is what shows it, and the caller's status check fails it.
 */
export function sendChangingNothing(
  ctx: SuiteContext,
  c: OperationCase,
  credentials: Partial<RequestSpec>,
  what: string,
): Promise<Exchange> {
  return withNoStateChange(ctx, `${what}: ${describeOperation(c.op)}`, () =>
    sendOperation(ctx, c, credentials),
  );
}
