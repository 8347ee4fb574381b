// Helpers of the INPUT and MODEL suites: bodies that JSON.stringify cannot express
// (`__proto__` as an own key, a chosen key order), raw bodies through every operation
// that takes one (updates, creates, actions with a body; docs/SPEC.md 1b) and through
// the sign-up, who may send them, and an exact, code point for code point, read-back
// comparison.
import fc from "fast-check";
import type { Exchange } from "../../harness/http/exchange.ts";
import type { Identity } from "../../harness/identity/identity.ts";
import type { ResourceSpec, TargetManifest } from "../../harness/manifest/schema.ts";
import type { RecordState, SuiteContext } from "../context.ts";
import { Inconclusive, RequirementFailure } from "../failure.ts";
import { isRestrictive } from "./assertions.ts";
import { validBody, writtenFields } from "./bodies.ts";
import {
  allows,
  allRecords,
  fromTargetRecord,
  isPrivileged,
  jsonOf,
  type Operation,
  type OwnedRecord,
  operationsOf,
  perform,
  printable,
  readAs,
  requestFor,
  sendWrite,
  toTargetBody,
  type WriteKind,
  writeEndpoint,
  writeOperation,
} from "./resourceApi.ts";
import { describeExchange } from "./responseClass.ts";
import { sameValue } from "./sameState.ts";

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

/**
 * Send contract-named entries, in order, as a JSON object (application/json) through the
 * record's update endpoint of this kind; the record's id goes in too where the endpoint
 * carries it in the body.
 */
export function writeEntriesAs(
  ctx: SuiteContext,
  actor: Identity | undefined,
  record: OwnedRecord,
  kind: WriteKind,
  entries: readonly BodyEntry[],
): Promise<Exchange> {
  const op = writeOperation(record.resource, kind);
  if (!op) throw new Error(`resource ${record.resource.name}: no ${kind} endpoint`);
  return sendEntries(ctx, { op, actor, record }, toTargetEntries(record.resource, entries));
}

// -- Operations that take a body (docs/SPEC.md 3, INPUT; 1b) ---------------------------

/**
 * Operations of a resource that take a JSON body: replace, merge and create, and actions
 * declared with a non-empty body (an action sent with `{}` takes no input to validate).
 * Replace, merge and create count only where the suite writes some field: without one it
 * has no valid body to build around.
 */
export function bodyOperations(resource: ResourceSpec): Operation[] {
  const written = writtenFields(resource).length > 0;
  return operationsOf(resource).filter((op) =>
    op.kind === "action"
      ? Object.keys(op.body ?? {}).length > 0
      : written && ["replace", "merge", "create"].includes(op.kind),
  );
}

/** Why no INPUT check over bodies applies (SKIPPED), or undefined when one does. */
export function noBodyOperation(ctx: SuiteContext, signUp = false): string | undefined {
  if (ctx.resources.some((r) => bodyOperations(r).length > 0)) return undefined;
  if (signUp && signUpOf(ctx)) return undefined;
  return `the manifest declares no operation that takes a body (replace, merge, create${signUp ? ", sign-up" : ""}, or an action with a body)`;
}

/** Who sends a body through which operation; `record` is undefined for a create. */
export interface BodyTarget {
  op: Operation;
  actor: Identity;
  record?: OwnedRecord;
}

export interface BodyCase<B> extends BodyTarget {
  body: B;
}

/** Identities a create of this audience admits: each creates a record of its own. */
function creators(ctx: SuiteContext, op: Operation): Identity[] {
  return ctx.identities.all.filter((i) => op.who !== "privileged" || isPrivileged(ctx, i));
}

/**
 * Every authorised sender of a body, in groups drawn equally often: owners on their own
 * records, privileged identities on others' records (where the audience lets them), and
 * creators. A create is tried only for a resource the run created its records through:
 * that is its positive control, without which a target refusing every create would
 * pass vacuously. Self operations act on the caller's own record, so only its owner
 * sends them.
 */
export function bodyTargetGroups(
  ctx: SuiteContext,
  declared: readonly Operation[],
): BodyTarget[][] {
  const ops = declared.map(printable);
  const records = allRecords(ctx);
  const onRecords = (pairs: { actor: Identity; record: OwnedRecord }[]) =>
    pairs.flatMap(({ actor, record }) =>
      ops
        .filter((op) => op.kind !== "create" && op.resource === record.resource)
        .filter((op) => !op.self || actor.username === record.owner.username)
        .filter((op) => allows(ctx, op.who, actor, record))
        .map((op) => ({ op, actor, record })),
    );
  const own = onRecords(records.map((record) => ({ actor: record.owner, record })));
  const privileged = onRecords(
    ctx.identities.privileged.flatMap((actor) =>
      records
        .filter((r) => r.owner.username !== actor.username)
        .map((record) => ({ actor, record })),
    ),
  );
  const creates = ops
    .filter((op) => op.kind === "create" && records.some((r) => r.resource === op.resource))
    .flatMap((op) => creators(ctx, op).map((actor) => ({ op, actor })));
  return [own, privileged, creates].filter((g) => g.length > 0);
}

/**
 * Bodies drawn by `bodyFor` for authorised senders (bodyTargetGroups) through `ops`
 * (default: every body operation the manifest declares).
 */
export function authorisedBodies<B>(
  ctx: SuiteContext,
  bodyFor: (target: BodyTarget) => fc.Arbitrary<B>,
  ops: readonly Operation[] = ctx.resources.flatMap(bodyOperations),
): fc.Arbitrary<BodyCase<B>> {
  const groups = bodyTargetGroups(ctx, ops);
  if (groups.length === 0)
    throw new Inconclusive(
      "no identity may send a body through any declared operation on the run's records: the manifest cannot exercise this",
      "precondition",
    );
  return fc
    .oneof(...groups.map((g) => fc.constantFrom(...g)))
    .chain((target) => bodyFor(target).map((body) => ({ ...target, body })));
}

/** "bob-2 (user) PATCH on its own task", "bob-2 (user) POST /todos creating a task". */
export function describeTarget(t: BodyTarget): string {
  const who = `${t.actor.username} (${t.actor.role})`;
  const name = t.op.resource.name;
  if (t.record === undefined)
    return `${who} ${t.op.method} ${t.op.path} creating ${/^[aeiou]/i.test(name) ? "an" : "a"} ${name}`;
  const via = t.op.kind === "action" ? `${t.op.method} ${t.op.path} (${t.op.label})` : t.op.method;
  const whose =
    t.actor.username === t.record.owner.username ? "its own" : `${t.record.owner.username}'s`;
  return `${who} ${via} on ${whose} ${name}`;
}

/**
 * A valid body of the operation, in the target's names: every field the suite writes
 * (replace, create), a non-empty subset (merge), or the action's declared body.
 */
export function validEntries(op: Operation): fc.Arbitrary<BodyEntry[]> {
  if (op.kind === "action") return fc.constant(Object.entries(op.body ?? {}));
  return validBody(op.resource, op.kind === "merge" ? "merge" : "replace").map((body) =>
    Object.entries(toTargetBody(op.resource, body)),
  );
}

/** The body key an operation carries the record id under, if it carries it in the body. */
export function bodyIdKey(op: Operation): string | undefined {
  return op.id?.in === "body" ? (op.id.key ?? "id") : undefined;
}

/**
 * The entries with the record's id placed first where the operation carries it in the
 * body, typed as requestFor types it (a server's number stays a number).
 */
export function withBodyId(
  t: { op: Operation; record?: OwnedRecord | undefined },
  entries: readonly BodyEntry[],
): BodyEntry[] {
  const key = bodyIdKey(t.op);
  if (key === undefined || t.record === undefined) return [...entries];
  const placed = requestFor(t.op, t.record, undefined, { json: {} }).json as Record<
    string,
    unknown
  >;
  return [[key, placed[key]], ...entries.filter(([k]) => k !== key)];
}

/**
 * Keys a body of the operation may carry: the writable fields in both namings (a JSON
 * pointer's first token too), the id's body key, and an action's declared keys. Every
 * other key is unknown; a generated key that is one of these would be a valid key.
 */
export function allowedKeys(op: Operation): Set<string> {
  const allowed = new Set<string>();
  for (const [name, spec] of Object.entries(op.resource.writable)) {
    allowed.add(name);
    const as = spec.as ?? name;
    allowed.add(as.startsWith("/") ? topKey(as) : as);
  }
  const id = bodyIdKey(op);
  if (id !== undefined) allowed.add(id);
  for (const key of Object.keys(op.body ?? {})) allowed.add(key);
  return allowed;
}

/** The top-level key of a target name: a JSON pointer's first token, or the name itself. */
export function topKey(name: string): string {
  if (!name.startsWith("/")) return name;
  return (name.slice(1).split("/")[0] ?? "").replaceAll("~1", "/").replaceAll("~0", "~");
}

/**
 * Send raw bytes as the body of the operation (`contentType` undefined: no header). A
 * create goes through ctx.createRecord, so that a record the target should have refused
 * to make is deleted again at restore; `json: undefined` lets the raw bytes through.
 */
export async function sendBody(
  ctx: SuiteContext,
  t: { op: Operation; actor: Identity | undefined; record?: OwnedRecord | undefined },
  data: string | Buffer,
  contentType: string | undefined,
): Promise<Exchange> {
  const rawBody = contentType === undefined ? { data } : { data, contentType };
  if (t.op.kind !== "create") return perform(ctx, t.actor, t.op, t.record, { rawBody });
  if (t.actor === undefined) throw new Error("a create is sent by the identity that owns it");
  return (await ctx.createRecord(t.actor, t.op.resource, {}, { json: undefined, rawBody }))
    .exchange;
}

/** Send target-named entries as a JSON object, the record id placed where it travels. */
export function sendEntries(
  ctx: SuiteContext,
  t: { op: Operation; actor: Identity | undefined; record?: OwnedRecord | undefined },
  entries: readonly BodyEntry[],
): Promise<Exchange> {
  return sendBody(ctx, t, jsonObjectText(withBodyId(t, entries)), "application/json");
}

// -- Sign-up (manifest `identities.signUp`, docs/SPEC.md 1b) ----------------------------

export type SignUpSpec = Extract<TargetManifest["identities"], { signUp: unknown }>["signUp"];

export function signUpOf(ctx: SuiteContext): SignUpSpec | undefined {
  const declared = ctx.target.manifest.identities;
  return "signUp" in declared ? declared.signUp : undefined;
}

/** An account the suite asks to register (beyond the run's identities). */
export interface NewAccount {
  username: string;
  password: string;
  email: string;
  display_name: string;
}

/** The generated part of a new account: its name's stem and its password. */
export interface NewAccountSeed {
  stem: string;
  password: string;
}

export function newAccountSeeds(): fc.Arbitrary<NewAccountSeed> {
  const alnum = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789");
  return fc.record({
    stem: fc
      .tuple(
        fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz"),
        fc.string({ unit: alnum, minLength: 3, maxLength: 7 }),
      )
      .map(([a, b]) => a + b),
    password: fc.string({ unit: alnum, minLength: 12, maxLength: 20 }),
  });
}

const PROCESS_TAG = Math.floor(Math.random() * 36 ** 4)
  .toString(36)
  .padStart(4, "0");
let accountsMade = 0;

/**
 * A user name never sent before, from a generated stem. A sign-up the target accepted
 * leaves its account behind (no API deletes it), so a replay of the same case (shrinking,
 * the runner's later rounds, a second run against a URL target) would otherwise meet it
 * and be answered 409 for a reason that is not the case's. The password is a throwaway
 * of an account that should not exist, so transcripts may show it.
 */
export function newAccount(seed: NewAccountSeed): NewAccount {
  const username = `${seed.stem}-${PROCESS_TAG}${(accountsMade++).toString(36)}`;
  return {
    username,
    password: seed.password,
    email: `${username}@example.org`,
    display_name: `New ${seed.stem}`,
  };
}

/** The manifest's sign-up body for an account, placeholders filled, in its key order. */
export function signUpEntries(spec: SignUpSpec, account: NewAccount): BodyEntry[] {
  const values: Record<string, string> = { ...account };
  return Object.entries(spec.body).map(([k, v]) => [
    k,
    v.replace(/\{(username|password|email|display_name)\}/g, (_, f: string) => values[f] ?? ""),
  ]);
}

/** Send a sign-up body (no credentials: signing up needs none). */
export function sendSignUp(
  ctx: SuiteContext,
  spec: SignUpSpec,
  entries: readonly BodyEntry[],
): Promise<Exchange> {
  return ctx.send({
    method: spec.method,
    path: spec.path,
    rawBody: { data: jsonObjectText(entries), contentType: "application/json" },
  });
}

/**
 * An operation any signed-in identity may call without naming a record (a self read, or
 * a list open to every identity): with a new account's credentials, it tells whether
 * the account exists.
 */
function loginProbe(ctx: SuiteContext): Operation | undefined {
  return ctx.resources
    .flatMap(operationsOf)
    .find(
      (op) =>
        (op.kind === "read" && op.self) ||
        (op.kind === "list" && (op.who === "authenticated" || op.who === "anyone")),
    );
}

/**
 * A refused sign-up must leave no account behind: the new account's credentials do not
 * authenticate (docs/SPEC.md 3, "nothing changes"). Judged where the manifest has an
 * operation to log in with (loginProbe); a 2xx there is the failure, against `signUp`.
 */
export async function expectNoAccount(
  ctx: SuiteContext,
  account: NewAccount,
  signUp: Exchange,
  what: string,
  hint: string,
): Promise<void> {
  const probe = loginProbe(ctx);
  if (probe === undefined) return;
  const login = ctx.target.manifest.login.field === "email" ? account.email : account.username;
  const exchange = await perform(ctx, undefined, probe, undefined, {
    auth: {
      username: login,
      password: account.password,
      label: `Basic <${account.username}: the refused sign-up's password>`,
    },
  });
  const status = exchange.response?.status;
  if (status === undefined || status < 200 || status >= 300) return;
  throw new RequirementFailure({
    kind: "state changed",
    title: `state changed after ${what}: the refused sign-up created the account`,
    expected: `no account ${account.username}: its credentials answered 401`,
    actual: `${probe.method} ${probe.path} with its credentials: ${describeExchange(exchange)}`,
    hint,
    exchange: signUp,
  });
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

/** Fields whose values differ (sameValue: strings code point for code point). */
export function differingFields(expected: RecordState, actual: RecordState): string[] {
  return Object.keys(expected).filter((f) => !sameValue(expected[f], actual[f]));
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
