// Helpers of the INPUT and MODEL suites: bodies that JSON.stringify cannot express
// (`__proto__` as an own key, a chosen key order), raw writes through the manifest's
// update endpoints, and an exact, code point for code point, read-back comparison.
import fc from "fast-check";
import type { Exchange } from "../../harness/http/exchange.ts";
import type { Identity } from "../../harness/identity/identity.ts";
import type { ResourceSpec } from "../../harness/manifest/schema.ts";
import type { RecordState, SuiteContext } from "../context.ts";
import { Inconclusive, RequirementFailure } from "../failure.ts";
import { isRestrictive } from "./assertions.ts";
import {
  allRecords,
  fromTargetRecord,
  isPrivileged,
  jsonOf,
  type OwnedRecord,
  readAs,
  sendWrite,
  type WriteKind,
  writeEndpoint,
} from "./resourceApi.ts";
import { describeExchange } from "./responseClass.ts";

/** One key of a body, in the order it goes on the wire. */
export type BodyEntry = readonly [key: string, value: unknown];

/**
 * JSON text of an object with these entries, in this order. Built by hand because an
 * object literal's `__proto__` sets the prototype instead of a key, so JSON.stringify
 * would silently drop the very key the check is about.
 */
export function jsonObjectText(entries: readonly BodyEntry[]): string {
  return `{${entries
    .map(([k, v]) => {
      const value = JSON.stringify(v);
      if (value === undefined)
        throw new Error(`not a JSON value for key ${JSON.stringify(k)}: ${String(v)}`);
      return `${JSON.stringify(k)}:${value}`;
    })
    .join(",")}}`;
}

/**
 * The target's JSON name of a contract field; any other key unchanged. Looks up own
 * properties only: `resource.readOnly["__proto__"]` or `["constructor"]` would otherwise
 * find Object.prototype members and turn the key into garbage.
 */
export function targetKey(resource: ResourceSpec, key: string): string {
  if (Object.hasOwn(resource.writable, key)) return resource.writable[key]?.as ?? key;
  if (Object.hasOwn(resource.readOnly, key)) return resource.readOnly[key] ?? key;
  return key;
}

/** Contract-named entries -> the target's names (unknown keys pass through unchanged). */
export function toTargetEntries(
  resource: ResourceSpec,
  entries: readonly BodyEntry[],
): BodyEntry[] {
  return entries.map(([k, v]) => [targetKey(resource, k), v] as const);
}

/** Send raw bytes through the record's update endpoint of this kind. */
export function writeRawAs(
  ctx: SuiteContext,
  actor: Identity | undefined,
  record: OwnedRecord,
  kind: WriteKind,
  data: string | Buffer,
  /** `undefined`: send no Content-Type header at all. */
  contentType: string | undefined,
): Promise<Exchange> {
  return sendWrite(ctx, actor, record, kind, {
    rawBody: contentType === undefined ? { data } : { data, contentType },
  });
}

/** Send contract-named entries, in order, as a JSON object (application/json). */
export function writeEntriesAs(
  ctx: SuiteContext,
  actor: Identity | undefined,
  record: OwnedRecord,
  kind: WriteKind,
  entries: readonly BodyEntry[],
): Promise<Exchange> {
  return writeRawAs(
    ctx,
    actor,
    record,
    kind,
    jsonObjectText(toTargetEntries(record.resource, entries)),
    "application/json",
  );
}

/**
 * Names that are not writable in either naming: a generated "unknown" key that happens to
 * be the target's JSON name of a writable field would be a valid key, not an unknown one.
 */
export function isUnknownKey(resource: ResourceSpec, key: string): boolean {
  return !Object.entries(resource.writable).some(([name, spec]) => key === name || key === spec.as);
}

/** `"é"` plus its code points when it has non-ASCII ones, so that NFC/NFD differences show. */
export function showValue(value: unknown): string {
  const text = JSON.stringify(value);
  if (typeof value !== "string" || /^[\x20-\x7e]*$/.test(value)) return text;
  const cps = [...value].map(
    (c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`,
  );
  return `${text} (${cps.length > 12 ? `${cps.slice(0, 12).join(" ")} ...` : cps.join(" ")}, ${cps.length} code points)`;
}

/** Fields whose values differ (exact string comparison: code point for code point). */
export function differingFields(expected: RecordState, actual: RecordState): string[] {
  return Object.keys(expected).filter(
    (f) => JSON.stringify(expected[f]) !== JSON.stringify(actual[f]),
  );
}

/**
 * Read one record back as its owner through the snapshot read, contract-named. A record
 * its owner cannot read makes integrity impossible to judge: Inconclusive, not passed;
 * unless `unreadable` is "fail", for positive controls, where it is the failure.
 */
export async function readStateAs(
  ctx: SuiteContext,
  record: OwnedRecord,
  unreadable: "inconclusive" | "fail" = "inconclusive",
): Promise<RecordState> {
  const exchange = await readAs(ctx, record.owner, record);
  const state =
    exchange.response?.status === 200
      ? fromTargetRecord(record.resource, jsonOf(exchange))
      : undefined;
  if (!state) {
    if (unreadable === "fail") {
      throw new RequirementFailure({
        title: `${record.owner.username} could not read back its own ${record.resource.name}`,
        expected: "200 with the record",
        actual: describeExchange(exchange),
        hint: "let every owner read its own record",
        restrictive: isRestrictive(exchange),
        exchange,
        kind: "the owner could not read it back",
      });
    }
    throw new Inconclusive(
      `cannot read back ${record.resource.name} ${record.id} as its owner (${exchange.response?.status ?? exchange.error?.code}): integrity cannot be judged`,
    );
  }
  return state;
}

/** Update kinds this actor may use on this record (the endpoint's `who`). */
export function permittedWriteKinds(
  actor: Identity,
  record: OwnedRecord,
  privileged: boolean,
): WriteKind[] {
  const own = actor.username === record.owner.username;
  return (["replace", "merge"] as const).filter((kind) => {
    const ep = writeEndpoint(record.resource, kind);
    return ep !== undefined && (own || (privileged && ep.who === "owner-or-privileged"));
  });
}

/** One generated update: who sends which body through which update endpoint of a record. */
export interface WriteCase<B> {
  actor: Identity;
  record: OwnedRecord;
  kind: WriteKind;
  body: B;
}

/**
 * Updates by authorised writers (pairs.ts `authorisedWriters`: owners on their own record,
 * privileged identities on every record, half and half) through the update endpoints the
 * endpoint's `who` permits them, with a body drawn for that record and kind.
 */
export function authorisedWrites<B>(
  ctx: SuiteContext,
  bodyFor: (record: OwnedRecord, kind: WriteKind) => fc.Arbitrary<B>,
  only?: readonly WriteKind[],
): fc.Arbitrary<WriteCase<B>> {
  const permitted = (actor: Identity, record: OwnedRecord) =>
    permittedWriteKinds(actor, record, isPrivileged(ctx, actor)).filter(
      (k) => !only || only.includes(k),
    );
  const records = allRecords(ctx);
  const own = records.map((record) => ({ actor: record.owner, record }));
  const privileged = ctx.identities.privileged.flatMap((actor) =>
    records.filter((r) => r.owner.username !== actor.username).map((record) => ({ actor, record })),
  );
  const groups = [own, privileged]
    .map((pairs) =>
      pairs.flatMap(({ actor, record }) =>
        permitted(actor, record).map((kind) => ({ actor, record, kind })),
      ),
    )
    .filter((g) => g.length > 0);
  if (groups.length === 0) {
    throw new Inconclusive(
      `no identity may ${only ? only.join(" or ") : "update"} any record: the manifest cannot exercise this`,
      "precondition",
    );
  }
  return fc
    .oneof(...groups.map((g) => fc.constantFrom(...g)))
    .chain(({ actor, record, kind }) =>
      bodyFor(record, kind).map((body) => ({ actor, record, kind, body })),
    );
}

/** "root-admin PATCH user bob-2" for failure titles. */
export function describeWrite(c: {
  actor: Identity;
  record: OwnedRecord;
  kind: WriteKind;
}): string {
  const ep = writeEndpoint(c.record.resource, c.kind);
  const whose =
    c.actor.username === c.record.owner.username ? "its own" : `${c.record.owner.username}'s`;
  return `${c.actor.username} (${c.actor.role}) ${ep?.method ?? c.kind} on ${whose} ${c.record.resource.name}`;
}
