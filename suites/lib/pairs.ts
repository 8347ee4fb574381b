// Who acts on whose record, and through which declared operation: the arbitraries every
// AUTHZ and INPUT check draws its actors, records and operations from.
import fc from "fast-check";
import type { Identity } from "../../harness/identity/identity.ts";
import type { Audience } from "../../harness/manifest/schema.ts";
import type { SuiteContext } from "../context.ts";
import { Inconclusive } from "../failure.ts";
import {
  allows,
  allRecords,
  isPrivileged,
  type Operation,
  type OperationKind,
  type OwnedRecord,
  operationsOf,
  printable,
} from "./resourceApi.ts";

export interface ActorOnRecord {
  actor: Identity;
  record: OwnedRecord;
}

/** An actor, a record and one declared operation of the record's resource. */
export interface ActorOperation extends ActorOnRecord {
  op: Operation;
}

/** The items, or Inconclusive("precondition") when the run cannot produce any. */
export function nonEmpty<T>(items: T[], what: string): T[] {
  if (items.length === 0)
    throw new Inconclusive(
      `no ${what}: the identities of this run cannot exercise this`,
      "precondition",
    );
  return items;
}

/** Every non-privileged identity with each record it does not own. */
export function crossUserPairList(ctx: SuiteContext): ActorOnRecord[] {
  return ctx.identities.unprivileged.flatMap((actor) =>
    allRecords(ctx)
      .filter((record) => record.owner.username !== actor.username)
      .map((record) => ({ actor, record })),
  );
}

/** Audiences that can leave out an identity that is neither the owner nor privileged. */
export const RESTRICTED_AUDIENCES: readonly Audience[] = [
  "owner",
  "owner-or-privileged",
  "privileged",
];

/**
 * A non-privileged identity, a record it does not own, and an operation of `kinds` on it
 * that `keep` selects. Self operations are left out: they carry no id, so they cannot
 * reach another's record.
 */
export function crossUserOperations(
  ctx: SuiteContext,
  kinds: readonly OperationKind[],
  keep: (c: ActorOperation) => boolean,
  what: string,
): fc.Arbitrary<ActorOperation> {
  const cases = crossUserPairList(ctx).flatMap((pair) =>
    operationsOf(pair.record.resource)
      .filter((op) => kinds.includes(op.kind) && !op.self)
      .map((op) => ({ ...pair, op: printable(op) }))
      .filter(keep),
  );
  return fc.constantFrom(...nonEmpty(cases, what));
}

/** Every identity with its own record. */
export function ownRecordPairs(ctx: SuiteContext): fc.Arbitrary<ActorOnRecord> {
  return fc.constantFrom(...nonEmpty(ownRecordPairList(ctx), "records"));
}

function ownRecordPairList(ctx: SuiteContext): ActorOnRecord[] {
  return allRecords(ctx).map((record) => ({ actor: record.owner, record }));
}

function privilegedPairList(ctx: SuiteContext): ActorOnRecord[] {
  return ctx.identities.privileged.flatMap((actor) =>
    allRecords(ctx).map((record) => ({ actor, record })),
  );
}

/** Privileged identities with every record (their own and others'). */
function privilegedPairs(ctx: SuiteContext): fc.Arbitrary<ActorOnRecord> {
  return fc.constantFrom(...nonEmpty(privilegedPairList(ctx), "privileged identity"));
}

/**
 * Pairs allowed to write: owners, and privileged identities on any record (where the run
 * has any: privileged roles may be absent, or their identities left out after AUTHN-01).
 */
export function authorisedWriters(ctx: SuiteContext): fc.Arbitrary<ActorOnRecord> {
  if (ctx.identities.privileged.length === 0) return ownRecordPairs(ctx);
  return fc.oneof(ownRecordPairs(ctx), privilegedPairs(ctx));
}

/**
 * The operations of `kinds` the actor must be let through on the record (positive
 * controls): as the owner, every one whose audience includes it (self operations too);
 * as a privileged identity on another's record, those declared for privileged roles.
 */
export function grantedOperations(
  ctx: SuiteContext,
  { actor, record }: ActorOnRecord,
  kinds: readonly OperationKind[],
): Operation[] {
  const own = record.owner.username === actor.username;
  const granted = operationsOf(record.resource).filter((op) => {
    if (!kinds.includes(op.kind)) return false;
    if (own) return allows(ctx, op.who, actor, record);
    return (
      !op.self &&
      isPrivileged(ctx, actor) &&
      (op.who === "owner-or-privileged" || op.who === "privileged")
    );
  });
  return granted.map(printable);
}

/**
 * Owners with their records, and privileged identities with others' records, each with
 * the operations of `kinds` they must be let through (pairs with none are left out).
 */
export function grantedPairs(
  ctx: SuiteContext,
  kinds: readonly OperationKind[],
): fc.Arbitrary<ActorOnRecord & { ops: Operation[] }> {
  const others = privilegedPairList(ctx).filter(
    (p) => p.record.owner.username !== p.actor.username,
  );
  const cases = [...ownRecordPairList(ctx), ...others]
    .map((pair) => ({ ...pair, ops: grantedOperations(ctx, pair, kinds) }))
    .filter((c) => c.ops.length > 0);
  return fc.constantFrom(...nonEmpty(cases, "identity allowed to act on a record"));
}

/**
 * May `actor` read `record` through some declared read (self reads reach only the
 * caller's own)? Its owner always may: the suite reads records back as their owners.
 */
export function mayRead(ctx: SuiteContext, actor: Identity, record: OwnedRecord): boolean {
  if (record.owner.username === actor.username) return true;
  return record.resource.reads.some((r) => !r.self && allows(ctx, r.who, actor, record));
}

/** Does `actor` see `record` whole, private fields included (its owner, privileged roles)? */
export function seesPrivate(ctx: SuiteContext, actor: Identity, record: OwnedRecord): boolean {
  return record.owner.username === actor.username || isPrivileged(ctx, actor);
}

export function anyIdentity(ctx: SuiteContext): fc.Arbitrary<Identity> {
  return fc.constantFrom(...nonEmpty([...ctx.identities.all], "identities"));
}

/** Two different identities of the run: the one acting and the one it names. */
export function actorAndOther(
  ctx: SuiteContext,
  actors: readonly Identity[],
): fc.Arbitrary<{ actor: Identity; other: Identity }> {
  const pairs = actors.flatMap((actor) =>
    ctx.identities.all
      .filter((other) => other.username !== actor.username)
      .map((other) => ({ actor, other })),
  );
  return fc.constantFrom(...nonEmpty(pairs, "two identities"));
}

/**
 * Ways a request can name another identity, as services key their records on it: its
 * user name, its e-mail, or a small number (an account's row id, which the suite cannot
 * know, so the first few are tried), as a string or a JSON number.
 */
export function namesOf(identity: Identity, identities: number): fc.Arbitrary<string | number> {
  const ids = fc.integer({ min: 1, max: identities + 1 });
  return fc.oneof(
    fc.constant(identity.username),
    fc.constant(identity.email),
    ids,
    ids.map(String),
  );
}
