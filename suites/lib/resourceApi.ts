// The contract's operations, spoken through a manifest's resource model: checks call
// these instead of building paths, so a target whose records are tasks or posts needs
// only a manifest. Field names are contract names here; the manifest maps them.
import type { Exchange, RequestSpec } from "../../harness/http/exchange.ts";
import type { Identity } from "../../harness/identity/identity.ts";
import type { ResourceSpec } from "../../harness/manifest/schema.ts";
import type { RecordState, SuiteContext } from "../context.ts";

export interface OwnedRecord {
  resource: ResourceSpec;
  /** Value substituted for `{id}`. */
  id: string;
  owner: Identity;
}

export type WriteKind = "replace" | "merge";

/** Basic credentials of an identity, labelled so transcripts never carry the password. */
export function credentialsOf(identity: Identity): NonNullable<RequestSpec["auth"]> {
  return {
    username: identity.username,
    password: identity.password,
    label: `Basic <${identity.username}: password from ${identity.passwordSource}>`,
  };
}

/** Seeded resources hold one record per identity, identified by the identity's field. */
export function recordsOf(ctx: SuiteContext, resource: ResourceSpec): OwnedRecord[] {
  return ctx.identities.all.map((owner) => ({
    resource,
    id: String((owner as unknown as Record<string, unknown>)[resource.idField] ?? owner.username),
    owner,
  }));
}

export function allRecords(ctx: SuiteContext): OwnedRecord[] {
  return ctx.resources.flatMap((r) => recordsOf(ctx, r));
}

export function isPrivileged(ctx: SuiteContext, identity: Identity): boolean {
  return ctx.target.manifest.privilegedRoles.includes(identity.role);
}

/** Fill a path template; the id is percent-encoded as one segment (or query value). */
export function pathFor(template: string, id: string): string {
  return template.replaceAll("{id}", encodeURIComponent(id));
}

export function targetFieldName(resource: ResourceSpec, contractField: string): string {
  // Own keys only: `__proto__` or `constructor` must pass through as themselves.
  if (Object.hasOwn(resource.writable, contractField))
    return resource.writable[contractField]?.as ?? contractField;
  if (Object.hasOwn(resource.readOnly, contractField))
    return resource.readOnly[contractField] ?? contractField;
  return contractField;
}

/** Contract-named body -> the target's JSON names. Unknown keys pass through unchanged. */
export function toTargetBody(
  resource: ResourceSpec,
  body: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    Object.defineProperty(out, targetFieldName(resource, k), {
      value: v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** The target's JSON record -> contract-named state (only mapped fields are kept). */
export function fromTargetRecord(resource: ResourceSpec, json: unknown): RecordState | undefined {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return undefined;
  const src = json as Record<string, unknown>;
  const state: RecordState = {};
  for (const field of [...Object.keys(resource.writable), ...Object.keys(resource.readOnly)]) {
    const name = targetFieldName(resource, field);
    if (name in src) state[field] = src[name];
  }
  return state;
}

export function readEndpoint(resource: ResourceSpec, index = resource.snapshotRead) {
  const ep = resource.reads[index];
  if (!ep) throw new Error(`resource ${resource.name}: no read endpoint #${index}`);
  return ep;
}

export function readAs(
  ctx: SuiteContext,
  actor: Identity | undefined,
  record: OwnedRecord,
  readIndex = record.resource.snapshotRead,
  extra: Partial<RequestSpec> = {},
): Promise<Exchange> {
  const ep = readEndpoint(record.resource, readIndex);
  return ctx.send({
    method: ep.method,
    path: pathFor(ep.path, record.id),
    ...(actor ? { auth: credentialsOf(actor) } : {}),
    ...extra,
  });
}

export function writeEndpoint(resource: ResourceSpec, kind: WriteKind) {
  return kind === "replace" ? resource.replace : resource.merge;
}

/** Write kinds the manifest declares for this resource. */
export function writeKinds(resource: ResourceSpec): WriteKind[] {
  return (["replace", "merge"] as const).filter((k) => writeEndpoint(resource, k) !== undefined);
}

export function writeAs(
  ctx: SuiteContext,
  actor: Identity | undefined,
  record: OwnedRecord,
  kind: WriteKind,
  body: Record<string, unknown>,
  extra: Partial<RequestSpec> = {},
): Promise<Exchange> {
  return sendWrite(ctx, actor, record, kind, {
    json: toTargetBody(record.resource, body),
    ...extra,
  });
}

/** Send to the record's `kind` endpoint whatever body `payload` carries (json or raw). */
export function sendWrite(
  ctx: SuiteContext,
  actor: Identity | undefined,
  record: OwnedRecord,
  kind: WriteKind,
  payload: Partial<RequestSpec>,
): Promise<Exchange> {
  const ep = writeEndpoint(record.resource, kind);
  if (!ep) throw new Error(`resource ${record.resource.name}: no ${kind} endpoint`);
  return ctx.send({
    method: ep.method,
    path: pathFor(ep.path, record.id),
    ...(actor ? { auth: credentialsOf(actor) } : {}),
    ...payload,
  });
}

/** Parse a response body as JSON, or undefined. */
export function jsonOf(exchange: Exchange): unknown {
  if (!exchange.response) return undefined;
  try {
    return JSON.parse(exchange.response.body);
  } catch {
    return undefined;
  }
}

/** The seeded values of a record (what users.json says). */
export function seededState(record: OwnedRecord): RecordState {
  const o = record.owner as unknown as Record<string, unknown>;
  const state: RecordState = {};
  for (const f of [
    ...Object.keys(record.resource.writable),
    ...Object.keys(record.resource.readOnly),
  ]) {
    if (f in o) state[f] = o[f];
  }
  return state;
}
