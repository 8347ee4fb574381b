// Which values of which records an answer to one identity must not hold (AUTHZ-01,
// AUTHZ-07). Values are the records' baseline (read back at the start of the run,
// docs/SPEC.md 1b), never users.json alone, which a created record does not have; what
// an identity may see is the manifest's audiences (privileged roles see private fields).
import type { RecordedRequest } from "../../harness/http/exchange.ts";
import type { Identity } from "../../harness/identity/identity.ts";
import type { RecordState, SuiteContext } from "../context.ts";
import { mayRead, seesPrivate } from "./pairs.ts";
import type { OwnedRecord } from "./resourceApi.ts";
import { allRecords, seededState, targetFieldName } from "./resourceApi.ts";
import { sameValue } from "./sameState.ts";

/** The record's values at the start of the run (or as seeded, where it was unreadable). */
export function baselineValuesOf(ctx: SuiteContext, record: OwnedRecord): RecordState {
  return ctx.baselineOf(record) ?? seededState(record);
}

/**
 * The fields whose values say something about a record: writable ones but enums (one of
 * a few words proves nothing), read-only ones but those naming the record (its id is in
 * the request, its owner and role name identities), and every private field.
 */
function telltaleFields(record: OwnedRecord): string[] {
  const r = record.resource;
  const naming = new Set([r.idField, r.ownerField, r.roleField]);
  const fields = [
    ...Object.entries(r.writable)
      .filter(([, spec]) => spec.kind !== "enum")
      .map(([name]) => name),
    ...Object.keys(r.readOnly).filter((f) => !naming.has(f)),
    ...r.private,
  ];
  return [...new Set(fields)];
}

/** The values of `fields` of a record at the start of the run. */
function valuesOf(ctx: SuiteContext, record: OwnedRecord, fields: readonly string[]): unknown[] {
  const state = baselineValuesOf(ctx, record);
  return fields.filter((f) => Object.hasOwn(state, f)).map((f) => state[f]);
}

/** What `actor` may see of a record: all of it, its public fields, or nothing. */
function visibleFields(ctx: SuiteContext, actor: Identity, record: OwnedRecord): string[] {
  if (!mayRead(ctx, actor, record)) return [];
  const all = [...Object.keys(record.resource.writable), ...Object.keys(record.resource.readOnly)];
  if (seesPrivate(ctx, actor, record)) return all;
  return all.filter((f) => !record.resource.private.includes(f));
}

/** What `actor` must not see of a record: all its telltale values, or its private ones. */
function hiddenFields(ctx: SuiteContext, actor: Identity, record: OwnedRecord): string[] {
  if (!mayRead(ctx, actor, record)) return telltaleFields(record);
  if (seesPrivate(ctx, actor, record)) return [];
  return record.resource.private;
}

/**
 * The values of `records` that an answer to `actor` must not hold: every telltale value
 * of a record it may not read, the private values of others' records it may read (unless
 * it is privileged). A value that an innocent answer could hold as well is left out: one
 * that a record the actor may read holds in a field it may see (two records sharing a
 * word by chance), or a field name (a private note "title" is in every record's JSON).
 */
export function hiddenValues(
  ctx: SuiteContext,
  actor: Identity,
  records: readonly OwnedRecord[],
  /** The request answered: a value it carried (a filter naming an e-mail) may be echoed. */
  sent?: RecordedRequest,
): unknown[] {
  const innocent = allRecords(ctx).flatMap((r) => [
    ...valuesOf(ctx, r, visibleFields(ctx, actor, r)),
    ...fieldNames(r),
  ]);
  const carried = sent === undefined ? "" : requestText(sent);
  return records
    .flatMap((r) => valuesOf(ctx, r, hiddenFields(ctx, actor, r)))
    .filter((v) => !innocent.some((i) => sameValue(i, v)))
    .filter((v) => typeof v !== "string" || !carried.includes(v));
}

/** What a request carried, its URL decoded too. */
function requestText(request: RecordedRequest): string {
  let decoded = request.url;
  try {
    decoded = decodeURIComponent(request.url.replaceAll("+", " "));
  } catch {
    // A malformed escape stays as sent.
  }
  return [request.url, decoded, JSON.stringify(request.headers), request.body ?? ""].join("\n");
}

/** A record's fields by their contract and target names, and its resource's name. */
function fieldNames(record: OwnedRecord): string[] {
  const r = record.resource;
  const contract = [...Object.keys(r.writable), ...Object.keys(r.readOnly)];
  return [r.name, ...contract, ...contract.map((f) => targetFieldName(r, f))];
}

/** The private fields of a record an answer to `actor` may not show (see hiddenValues). */
export function privateFieldsHiddenFrom(
  ctx: SuiteContext,
  actor: Identity,
  record: OwnedRecord,
): string[] {
  return mayRead(ctx, actor, record) && !seesPrivate(ctx, actor, record)
    ? record.resource.private
    : [];
}
