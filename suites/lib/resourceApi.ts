// The contract's operations, spoken through a manifest's resource model (docs/SPEC.md
// 1b): checks call these instead of building paths, so a target whose records are tasks
// or posts, addressed by an id in the path, the query or the body, needs only a manifest.
// Field names are contract names here; the manifest maps them (keys or JSON pointers).
import type { Exchange, RequestSpec } from "../../harness/http/exchange.ts";
import type { Identity } from "../../harness/identity/identity.ts";
import { loginOf } from "../../harness/identity/identity.ts";
import type { Audience, ResourceSpec } from "../../harness/manifest/schema.ts";
import type { RecordState, SuiteContext } from "../context.ts";
import { getPointer, setPointer } from "./jsonPointer.ts";

export interface OwnedRecord {
  resource: ResourceSpec;
  /**
   * The id sent for `{id}` (or the query/body key). Changes when the suite recreates a
   * deleted record (a server assigns a new one); everything else about the record holds.
   */
  id: string;
  owner: Identity;
  /** Stable name of the record for the whole run: `task#alice-x1#0`. */
  key: string;
}

export type OperationKind = "read" | "list" | "create" | "replace" | "merge" | "delete" | "action";
export type WriteKind = "replace" | "merge";

/** One declared operation of a resource, whatever manifest key it came from. */
export interface Operation {
  kind: OperationKind;
  resource: ResourceSpec;
  method: string;
  path: string;
  who: Audience;
  /** Where the record id travels; undefined for self operations, lists and creates. */
  id?: { in: "path" | "query" | "body"; key?: string | undefined };
  /** Acts on the caller's own record; carries no id. */
  self: boolean;
  /** `read #1`, `delete #0`, `action complete`: for titles. */
  label: string;
  /** Index among the resource's operations of this kind (reads: into `reads`). */
  index: number;
  /** Actions: the fixed body they are sent with, and the fields they change. */
  body?: Record<string, unknown>;
  changes?: readonly string[];
  /** Lists: where the records sit in the answer. */
  items?: string;
}

/** Every declared operation of a resource, in manifest order by kind. */
export function operationsOf(resource: ResourceSpec): Operation[] {
  // Every request asks (readAs, requestFor): built once per resource, not per request.
  const known = declared.get(resource);
  if (known !== undefined) return known;
  const ops = declareOperations(resource);
  declared.set(resource, ops);
  return ops;
}

const declared = new WeakMap<ResourceSpec, Operation[]>();

function declareOperations(resource: ResourceSpec): Operation[] {
  const ops: Operation[] = [];
  const placed = (op: { id?: Operation["id"]; self: boolean }) =>
    op.self ? undefined : (op.id ?? { in: "path" as const });
  for (const [index, r] of resource.reads.entries())
    ops.push({ kind: "read", resource, ...r, id: placed(r), label: `read #${index}`, index });
  for (const [index, l] of resource.lists.entries())
    ops.push({
      kind: "list",
      resource,
      method: l.method,
      path: l.path,
      who: l.who,
      self: false,
      items: l.items,
      label: `list #${index}`,
      index,
    });
  if (resource.create !== "seeded") {
    const c = resource.create;
    ops.push({
      kind: "create",
      resource,
      method: c.method,
      path: c.path,
      who: c.who,
      self: false,
      label: "create",
      index: 0,
    });
  }
  for (const kind of ["replace", "merge"] as const) {
    const w = resource[kind];
    if (w) ops.push({ kind, resource, ...w, id: placed(w), label: kind, index: 0 });
  }
  for (const [index, d] of resource.deletes.entries())
    ops.push({ kind: "delete", resource, ...d, id: placed(d), label: `delete #${index}`, index });
  for (const [index, a] of resource.actions.entries())
    ops.push({
      kind: "action",
      resource,
      method: a.method,
      path: a.path,
      who: a.who,
      id: placed(a),
      self: a.self,
      body: a.body,
      changes: a.changes,
      label: `action ${a.name}`,
      index,
    });
  return ops;
}

/**
 * The operation as counterexamples print it, `<merge PATCH /todos/{id}>`, rather than
 * with its whole resource (the redactor prints objects by their own toString).
 */
export function printable(op: Operation): Operation {
  const printed: Operation & { toString(): string } = {
    ...op,
    toString: () => `<${op.label} ${op.method} ${op.path}>`,
  };
  return printed;
}

/** Operations that act on one existing record (by id, or the caller's own). */
export function recordOperations(resource: ResourceSpec): Operation[] {
  return operationsOf(resource).filter((op) => op.kind !== "list" && op.kind !== "create");
}

/** Operations that change a record: updates, deletes, actions. */
export function stateChangingOperations(resource: ResourceSpec): Operation[] {
  return operationsOf(resource).filter((op) =>
    ["replace", "merge", "delete", "action"].includes(op.kind),
  );
}

/** May `actor` (undefined: no credentials) perform an operation of audience `who` on `record`? */
export function allows(
  ctx: SuiteContext,
  who: Audience,
  actor: Identity | undefined,
  record: OwnedRecord | undefined,
): boolean {
  if (who === "anyone") return true;
  if (actor === undefined) return false;
  if (who === "authenticated") return true;
  const owns = record !== undefined && record.owner.username === actor.username;
  if (who === "owner") return owns;
  if (who === "privileged") return isPrivileged(ctx, actor);
  return owns || isPrivileged(ctx, actor);
}

/** Basic credentials of an identity, labelled so transcripts never carry the password. */
export function credentialsOf(identity: Identity): NonNullable<RequestSpec["auth"]> {
  return {
    username: loginOf(identity),
    password: identity.password,
    label: `Basic <${identity.username}: password from ${identity.passwordSource}>`,
  };
}

/** The records of one resource in this run (seeded, or created by the suite at its start). */
export function recordsOf(ctx: SuiteContext, resource: ResourceSpec): OwnedRecord[] {
  return ctx.records.filter((r) => r.resource === resource);
}

export function allRecords(ctx: SuiteContext): OwnedRecord[] {
  return [...ctx.records];
}

export function isPrivileged(ctx: SuiteContext, identity: Identity): boolean {
  return ctx.target.manifest.privilegedRoles.includes(identity.role);
}

/** Fill a path template; the id is percent-encoded as one segment (or query value). */
export function pathFor(template: string, id: string): string {
  return template.replaceAll("{id}", encodeURIComponent(id));
}

/** A contract field's place in the target's JSON: a JSON pointer, or a plain key. */
function fieldPointer(resource: ResourceSpec, contractField: string): string {
  const name = targetFieldName(resource, contractField);
  return name.startsWith("/") ? name : `/${name.replaceAll("~", "~0").replaceAll("/", "~1")}`;
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
    const name = targetFieldName(resource, k);
    if (name.startsWith("/")) setPointer(out, name, v);
    else
      Object.defineProperty(out, name, {
        value: v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return out;
}

/** Every declared field of a resource, contract-named. */
export function fieldsOf(resource: ResourceSpec): string[] {
  return [...Object.keys(resource.writable), ...Object.keys(resource.readOnly)];
}

/**
 * One record in the target's JSON (already taken out of any envelope) -> contract-named
 * state (only declared fields are kept). Undefined when it is not a JSON object.
 */
export function fromTargetItem(resource: ResourceSpec, item: unknown): RecordState | undefined {
  if (item === null || typeof item !== "object" || Array.isArray(item)) return undefined;
  const state: RecordState = {};
  for (const field of fieldsOf(resource)) {
    const found = getPointer(item, fieldPointer(resource, field));
    if (found.found) state[field] = found.value;
  }
  return state;
}

/** A read answer's body -> contract-named state, through the resource's envelope. */
export function fromTargetRecord(resource: ResourceSpec, json: unknown): RecordState | undefined {
  const at = getPointer(json, resource.record);
  return at.found ? fromTargetItem(resource, at.value) : undefined;
}

/** The records a list answered: array items, or the values of an object keyed by id. */
export function listedItems(op: Operation, json: unknown): unknown[] | undefined {
  const at = getPointer(json, op.items ?? "");
  if (!at.found) return undefined;
  const v = at.value;
  if (Array.isArray(v)) return v;
  if (v !== null && typeof v === "object") {
    // An object keyed by id: the key is the id where the item does not repeat it.
    return Object.entries(v as Record<string, unknown>).map(([id, item]) =>
      item !== null && typeof item === "object" && !Array.isArray(item)
        ? { "(key)": id, ...(item as Record<string, unknown>) }
        : item,
    );
  }
  return undefined;
}

/** The id of a listed item (its id field, or the key it was listed under). */
export function listedIdOf(resource: ResourceSpec, item: unknown): string | undefined {
  const state = fromTargetItem(resource, item);
  const id = state?.[resource.idField];
  if (id !== undefined && id !== null) return String(id);
  const key = (item as Record<string, unknown> | null)?.["(key)"];
  return typeof key === "string" ? key : undefined;
}

/** The operation a read index names. */
export function readOperation(resource: ResourceSpec, index = resource.snapshotRead): Operation {
  const op = operationsOf(resource).find((o) => o.kind === "read" && o.index === index);
  if (!op) throw new Error(`resource ${resource.name}: no read endpoint #${index}`);
  return op;
}

export function writeOperation(resource: ResourceSpec, kind: WriteKind): Operation | undefined {
  return operationsOf(resource).find((o) => o.kind === kind);
}

/** The request of `op` on `record` (its id placed where the operation says). */
export function requestFor(
  op: Operation,
  record: OwnedRecord | undefined,
  actor: Identity | undefined,
  payload: Partial<RequestSpec> = {},
): RequestSpec {
  let path = op.path;
  let json = payload.json;
  const id = record?.id;
  if (op.id && id !== undefined) {
    if (op.id.in === "path") path = pathFor(op.path, id);
    else if (op.id.in === "query") {
      path += `${path.includes("?") ? "&" : "?"}${encodeURIComponent(op.id.key ?? "id")}=${encodeURIComponent(id)}`;
    } else {
      // The id travels in the body as the type the server gave it (1, not "1").
      const idValue = typedId(record);
      const base =
        json !== null && typeof json === "object" && !Array.isArray(json)
          ? (json as Record<string, unknown>)
          : payload.rawBody === undefined
            ? {}
            : undefined;
      if (base !== undefined) json = { [op.id.key ?? "id"]: idValue, ...base };
    }
  }
  const spec: RequestSpec = {
    method: op.method,
    path,
    ...(actor ? { auth: credentialsOf(actor) } : {}),
    ...payload,
  };
  if (json !== undefined) spec.json = json;
  return spec;
}

/** The id as the server assigned it: a number stays a number in a JSON body. */
function typedId(record: OwnedRecord | undefined): unknown {
  if (record === undefined) return undefined;
  return record.resource.create !== "seeded" && /^-?\d{1,15}$/.test(record.id)
    ? Number(record.id)
    : record.id;
}

/** Send `op` on `record` as `actor` (undefined: no credentials unless `payload` says). */
export function perform(
  ctx: SuiteContext,
  actor: Identity | undefined,
  op: Operation,
  record: OwnedRecord | undefined,
  payload: Partial<RequestSpec> = {},
): Promise<Exchange> {
  return ctx.send(requestFor(op, record, actor, payload));
}

export function readAs(
  ctx: SuiteContext,
  actor: Identity | undefined,
  record: OwnedRecord,
  readIndex = record.resource.snapshotRead,
  extra: Partial<RequestSpec> = {},
): Promise<Exchange> {
  return perform(ctx, actor, readOperation(record.resource, readIndex), record, extra);
}

export function writeEndpoint(resource: ResourceSpec, kind: WriteKind) {
  return kind === "replace" ? resource.replace : resource.merge;
}

/** Write kinds the manifest declares for this resource (with writable fields to send). */
export function writeKinds(resource: ResourceSpec): WriteKind[] {
  if (writableFields(resource).length === 0) return [];
  return (["replace", "merge"] as const).filter((k) => writeEndpoint(resource, k) !== undefined);
}

/** Writable fields the suite can send values for (opaque ones it never writes). */
export function writableFields(resource: ResourceSpec): string[] {
  return Object.entries(resource.writable)
    .filter(([, spec]) => spec.kind !== "opaque")
    .map(([name]) => name);
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
  const op = writeOperation(record.resource, kind);
  if (!op) throw new Error(`resource ${record.resource.name}: no ${kind} endpoint`);
  return perform(ctx, actor, op, record, payload);
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

/** The id a create answered: from its body (JSON pointer) or its `Location` header. */
export function createdIdOf(resource: ResourceSpec, exchange: Exchange): string | undefined {
  if (resource.create === "seeded") return undefined;
  const spec = resource.create.id;
  if ("location" in spec) {
    const location = exchange.response?.headers.location;
    const value = Array.isArray(location) ? location[0] : location;
    if (typeof value !== "string" || value === "") return undefined;
    const path = value.replace(/^[a-z]+:\/\/[^/]+/i, "").split(/[?#]/)[0] ?? "";
    const last = path
      .split("/")
      .filter((s) => s !== "")
      .pop();
    return last === undefined ? undefined : decodeURIComponent(last);
  }
  const at = getPointer(jsonOf(exchange), spec.pointer);
  return at.found && (typeof at.value === "string" || typeof at.value === "number")
    ? String(at.value)
    : undefined;
}

/** The values users.json (or the identity list) gives a seeded record. */
export function seededState(record: OwnedRecord): RecordState {
  const o = record.owner as unknown as Record<string, unknown>;
  const state: RecordState = {};
  for (const f of fieldsOf(record.resource)) {
    if (f in o && o[f] !== "") state[f] = o[f];
  }
  return state;
}
