// Who acts on whose record: the actor/owner pairs every AUTHZ and INPUT check draws from.
import fc from "fast-check";
import type { Identity } from "../../harness/identity/identity.ts";
import type { SuiteContext } from "../context.ts";
import { Inconclusive } from "../failure.ts";
import { allRecords, type OwnedRecord, type WriteKind, writeKinds } from "./resourceApi.ts";

export interface ActorOnRecord {
  actor: Identity;
  record: OwnedRecord;
}

function nonEmpty<T>(items: T[], what: string): T[] {
  if (items.length === 0)
    throw new Inconclusive(
      `no ${what}: the identities of this run cannot exercise this`,
      "precondition",
    );
  return items;
}

/** A non-privileged identity and a record it does not own. */
export function crossUserPairs(ctx: SuiteContext): fc.Arbitrary<ActorOnRecord> {
  const pairs = ctx.identities.unprivileged.flatMap((actor) =>
    allRecords(ctx)
      .filter((record) => record.owner.username !== actor.username)
      .map((record) => ({ actor, record })),
  );
  return fc.constantFrom(...nonEmpty(pairs, "non-privileged identity with another's record"));
}

/** Every identity with its own record. */
export function ownRecordPairs(ctx: SuiteContext): fc.Arbitrary<ActorOnRecord> {
  const pairs = allRecords(ctx).map((record) => ({ actor: record.owner, record }));
  return fc.constantFrom(...nonEmpty(pairs, "records"));
}

/** Privileged identities with every record (their own and others'). */
export function privilegedPairs(ctx: SuiteContext): fc.Arbitrary<ActorOnRecord> {
  const pairs = ctx.identities.privileged.flatMap((actor) =>
    allRecords(ctx).map((record) => ({ actor, record })),
  );
  return fc.constantFrom(...nonEmpty(pairs, "privileged identity"));
}

/**
 * Pairs allowed to write: owners, and privileged identities on any record (where the run
 * has any: privileged roles may be absent, or their identities left out after AUTHN-01).
 */
export function authorisedWriters(ctx: SuiteContext): fc.Arbitrary<ActorOnRecord> {
  if (ctx.identities.privileged.length === 0) return ownRecordPairs(ctx);
  return fc.oneof(ownRecordPairs(ctx), privilegedPairs(ctx));
}

export function anyRecord(ctx: SuiteContext): fc.Arbitrary<OwnedRecord> {
  return fc.constantFrom(...nonEmpty(allRecords(ctx), "records"));
}

export function anyIdentity(ctx: SuiteContext): fc.Arbitrary<Identity> {
  return fc.constantFrom(...nonEmpty([...ctx.identities.all], "identities"));
}

/** The write kinds (replace/merge) the record's resource declares. */
export function writeKindFor(record: OwnedRecord): fc.Arbitrary<WriteKind> {
  return fc.constantFrom(
    ...nonEmpty(writeKinds(record.resource), `update endpoint for ${record.resource.name}`),
  );
}

export interface WriteCase extends ActorOnRecord {
  kind: WriteKind;
  body: Record<string, unknown>;
}

/** An actor/record pair with one of the record's write kinds and a body for it. */
export function writeCases(
  pairs: fc.Arbitrary<ActorOnRecord>,
  bodyFor: (
    resource: OwnedRecord["resource"],
    kind: WriteKind,
  ) => fc.Arbitrary<Record<string, unknown>>,
): fc.Arbitrary<WriteCase> {
  return pairs.chain((pair) =>
    writeKindFor(pair.record).chain((kind) =>
      bodyFor(pair.record.resource, kind).map((body) => ({ ...pair, kind, body })),
    ),
  );
}

/** "replaced" / "patched", for failure titles. */
export function wrote(kind: WriteKind): string {
  return kind === "replace" ? "replaced" : "patched";
}
