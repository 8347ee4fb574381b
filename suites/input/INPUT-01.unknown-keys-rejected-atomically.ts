import fc from "fast-check";
import { unknownKeys } from "../../harness/arbitraries/unknownKeys.ts";
import { validEmails } from "../../harness/arbitraries/validEmails.ts";
import type { SuiteContext } from "../context.ts";
import { expectStatus, withNoStateChange } from "../lib/assertions.ts";
import {
  allowedKeys,
  authorisedBodies,
  type BodyEntry,
  type BodyTarget,
  bodyOperations,
  bodyTargetGroups,
  describeTarget,
  expectNoAccount,
  type NewAccountSeed,
  newAccount,
  newAccountSeeds,
  noBodyOperation,
  type SignUpSpec,
  sendEntries,
  sendSignUp,
  signUpEntries,
  signUpOf,
  topKey,
  validEntries,
} from "../lib/inputCases.ts";
import { caseNotJudged } from "../lib/judging.ts";
import { type Operation, targetFieldName } from "../lib/resourceApi.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

/** Keys that name an owner: a create honouring one files the record under someone else. */
const OWNER_KEYS = ["user_id", "owner", "owner_id", "author", "userId", "user"];
/** Keys that grant privileges or identity, and the prototype-pollution classic. */
const PRIVILEGE_KEYS = ["role", "is_admin", "admin", "username", "password", "id", "__proto__"];
/** What a sign-up body is most tempting to carry besides its declared fields. */
const SIGN_UP_KEYS = ["role", "is_admin", "admin", "roles", "isAdmin", "permissions", "verified"];

/** Any JSON value, for the mixed bodies: a key must be refused whatever it holds. */
const ANY_VALUE = fc.jsonValue({ maxDepth: 2 });
/** A short scalar, for the sweeps: their cases hold every tempting key, unshrunk. */
const SHORT_VALUE = fc.oneof(fc.boolean(), fc.integer({ min: -1, max: 20 }), fc.constant("x"));

/**
 * A value that would do harm if the key were honoured: a privileged role, admin flags,
 * another identity's name (as owner), a record id, a prototype carrying `role`; or,
 * besides these and for other keys, `any` value.
 */
function harmfulValue(
  ctx: SuiteContext,
  key: string,
  any: fc.Arbitrary<unknown> = ANY_VALUE,
): fc.Arbitrary<unknown> {
  const roles = [...new Set([...ctx.target.manifest.privilegedRoles, "admin", "user"])];
  const names = ctx.identities.all.map((i) => i.username);
  switch (key.toLowerCase()) {
    case "role":
    case "roles":
      return fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...roles) },
        { weight: 1, arbitrary: any },
      );
    case "is_admin":
    case "isadmin":
    case "admin":
    case "verified":
      return fc.oneof(fc.constantFrom(true, "true", 1), any);
    case "username":
    case "owner":
    case "user":
    case "author":
      return fc.oneof(fc.constantFrom(...names), any);
    case "id":
    case "user_id":
    case "owner_id":
    case "userid":
      // Another identity's name, or a small integer: the first ids a server assigns.
      return fc.oneof(fc.constantFrom(...names), fc.integer({ min: 1, max: 20 }), any);
    case "email":
      return fc.oneof(validEmails(), any);
    case "__proto__":
    case "constructor":
    case "prototype":
      return fc.oneof(
        fc.constantFrom(...roles).map((role) => ({ role })),
        fc.constant({ is_admin: true }),
        fc.constant({ prototype: { role: "admin" } }),
        any,
      );
    default:
      return any;
  }
}

/** `key` with a harmful value, for bodies of an operation whose allowed keys are `allowed`. */
function unknownEntry(ctx: SuiteContext, keys: fc.Arbitrary<string>, allowed: Set<string>) {
  return keys
    .filter((key) => !allowed.has(key))
    .chain((key) => harmfulValue(ctx, key).map((value): BodyEntry => [key, value]));
}

/**
 * Every kind of unknown key (read-only fields, privilege and owner keys, case variants of
 * writable ones, random keys), 1 to 3 of them, shuffled into a valid body: an unknown
 * key after a valid field is what exposes a non-atomic update.
 */
function mixedUnknownKeys(
  ctx: SuiteContext,
  valid: fc.Arbitrary<BodyEntry[]>,
  tempting: readonly string[],
  allowed: Set<string>,
): fc.Arbitrary<BodyEntry[]> {
  const keys = temptingOrAny(tempting, allowed);
  return fc
    .tuple(
      valid,
      fc.uniqueArray(unknownEntry(ctx, keys, allowed), {
        minLength: 1,
        maxLength: 3,
        selector: ([k]) => k,
      }),
    )
    .chain(([validEntries, extra]) => {
      const entries: BodyEntry[] = [...validEntries, ...extra];
      return fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length });
    });
}

/** Tempting keys (weight 2) and every other kind of unknown key (unknownKeys, weight 3). */
function temptingOrAny(tempting: readonly string[], allowed: Set<string>): fc.Arbitrary<string> {
  const any = unknownKeys({ writable: [...allowed] });
  return tempting.length === 0
    ? any
    : fc.oneof(
        { weight: 2, arbitrary: fc.constantFrom(...tempting) },
        { weight: 3, arbitrary: any },
      );
}

/**
 * The keys an operation's body is most tempting to abuse, each tried on its own in every
 * sweep case: the resource's read-only fields and owner field, owner keys and privilege
 * keys. On its own, because a service that lets exactly one such key through (validating
 * `role` as it would a writable field, or taking the owner of a create from `user_id`)
 * still refuses a body that also holds another unknown key, and a random mix meets the
 * one key alone too rarely to be tried at every seed.
 */
function temptingKeys(op: Operation): string[] {
  const r = op.resource;
  const owner = r.ownerField === undefined ? [] : [targetFieldName(r, r.ownerField)];
  const allowed = allowedKeys(op);
  return [...new Set([...Object.values(r.readOnly), ...owner].map(topKey).filter((k) => k !== ""))]
    .concat(OWNER_KEYS, PRIVILEGE_KEYS)
    .filter((k, i, all) => all.indexOf(k) === i && !allowed.has(k));
}

/**
 * A valid body (a merge: possibly none, since a service may take a lone read-only key
 * it would refuse beside valid fields) and a harmful value for every tempting key.
 */
function sweepBody(ctx: SuiteContext, t: BodyTarget) {
  const keys = temptingKeys(t.op);
  const valid =
    t.op.kind === "merge"
      ? fc.oneof(fc.constant<BodyEntry[]>([]), validEntries(t.op))
      : validEntries(t.op);
  return fc.record({
    valid,
    extra: fc.tuple(
      ...keys.map((k) => harmfulValue(ctx, k, SHORT_VALUE).map((v): BodyEntry => [k, v])),
    ),
  });
}

export const requirement: Requirement = {
  meta: {
    id: "INPUT-01",
    level: "MUST",
    family: "INPUT",
    title: "Unknown keys are rejected, and the whole update with them",
    sentence:
      "A body with any key outside the writable fields (for example `role`, `is_admin`, `username`, `password`, `__proto__`, `Email`, random keys) answers 400 or 422, and nothing changes: not even the writable fields sent in the same request (the update is atomic).",
    references: referencesFor("INPUT"),
    remediation:
      "Validate the whole body against an allow-list of writable fields (reject unknown keys) before applying any of it, on updates, creates and sign-up alike; never bind request JSON onto the model.",
  },
  dependsOn: ["INPUT-04"],
  notApplicable: (ctx) => noBodyOperation(ctx, true),
  async check(ctx) {
    const hint = this.meta.remediation;
    // One body through one operation: refused with 400 or 422, and every record read back
    // unchanged (a create that takes an `id` may overwrite another record). A create the
    // target made anyway is deleted again at restore (sendBody).
    const attempt = async (t: BodyTarget, entries: readonly BodyEntry[]) => {
      const allowed = allowedKeys(t.op);
      const keys = entries.map(([k]) => k).filter((k) => !allowed.has(k));
      const what = `${describeTarget(t)} with unknown key${keys.length > 1 ? "s" : ""} ${keys.map((k) => JSON.stringify(k)).join(", ")}`;
      const sent = await withNoStateChange(ctx, what, () => sendEntries(ctx, t, entries));
      expectStatus(sent, [400, 422], `${what} was not rejected`, hint);
    };

    const signUp = signUpOf(ctx);
    const ops = ctx.resources.flatMap(bodyOperations);
    // Without a sender for any operation, only the sign-up is left to check, if any.
    if (ops.length > 0 && (bodyTargetGroups(ctx, ops).length > 0 || !signUp)) {
      const mixed = authorisedBodies(ctx, (t) =>
        mixedUnknownKeys(ctx, validEntries(t.op), temptingKeys(t.op), allowedKeys(t.op)),
      );
      await ctx.property([mixed], (c) => attempt(c, c.body));
      // One sweep per operation, so that each is swept at every seed; few cases, since
      // each sends every tempting key in turn. Not shrunk: the title names the key that
      // got through, and each replay of a sweep that changed a seeded read-only field
      // (a role) would cost a fresh container.
      for (const op of ops) {
        if (temptingKeys(op).length === 0 || bodyTargetGroups(ctx, [op]).length === 0) continue;
        const sweep = authorisedBodies(ctx, (t) => sweepBody(ctx, t), [op]);
        await ctx.property(
          [sweep],
          async (c) => {
            for (const extra of c.body.extra) await attempt(c, [...c.body.valid, extra]);
          },
          { numRuns: Math.max(2, Math.ceil(ctx.numRuns / 5)), shrink: false },
        );
      }
    }

    if (signUp) await checkSignUp(ctx, signUp, hint);
  },
};

/**
 * The sign-up takes a body too: a new account's body with an extra key (`role`,
 * `is_admin`, random keys) is refused, and no account is made. Each request registers a
 * user name never sent before, so that only the extra key can be the reason for a refusal.
 */
async function checkSignUp(ctx: SuiteContext, spec: SignUpSpec, hint: string): Promise<void> {
  const declared = new Set(Object.keys(spec.body));
  const tempting = SIGN_UP_KEYS.filter((k) => !declared.has(k));
  const attempt = async (seed: NewAccountSeed, extra: readonly BodyEntry[]) => {
    const account = newAccount(seed);
    const keys = extra.map(([k]) => JSON.stringify(k)).join(", ");
    const what = `${spec.method} ${spec.path} signing up ${account.username} with unknown key${extra.length > 1 ? "s" : ""} ${keys}`;
    const sent = await withNoStateChange(ctx, what, () =>
      sendSignUp(ctx, spec, [...signUpEntries(spec, account), ...extra]),
    );
    if (sent.response?.status === 409) {
      // The name is fresh, so a conflict says nothing about the extra key.
      caseNotJudged(`${what}: answered 409 for a user name never used before`);
      return;
    }
    expectStatus(sent, [400, 422], `${what} was not rejected`, hint);
    await expectNoAccount(ctx, account, sent, what, hint);
  };

  const mixed = fc.record({
    seed: newAccountSeeds(),
    extra: fc.uniqueArray(unknownEntry(ctx, temptingOrAny(tempting, declared), declared), {
      minLength: 1,
      maxLength: 3,
      selector: ([k]) => k,
    }),
  });
  await ctx.property([mixed], (c) => attempt(c.seed, c.extra));

  // Each tempting key on its own, as for the operations above: a sign-up that lets
  // exactly `role` through still refuses it beside another unknown key. Not shrunk, as
  // there: the title names the key.
  if (tempting.length === 0) return;
  const sweep = fc.tuple(
    ...tempting.map((k) =>
      fc.record({
        seed: newAccountSeeds(),
        extra: harmfulValue(ctx, k, SHORT_VALUE).map((v): BodyEntry => [k, v]),
      }),
    ),
  );
  await ctx.property(
    [sweep],
    async (cases) => {
      for (const c of cases) await attempt(c.seed, [c.extra]);
    },
    { numRuns: Math.max(2, Math.ceil(ctx.numRuns / 5)), shrink: false },
  );
}
