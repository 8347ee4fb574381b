import fc from "fast-check";
import { unknownKeys } from "../../harness/arbitraries/unknownKeys.ts";
import { validEmails } from "../../harness/arbitraries/validEmails.ts";
import type { SuiteContext } from "../context.ts";
import { expectStatus, withNoStateChange } from "../lib/assertions.ts";
import { validBody } from "../lib/bodies.ts";
import {
  authorisedWrites,
  type BodyEntry,
  describeWrite,
  isUnknownKey,
  type WriteCase,
  writeEntriesAs,
} from "../lib/inputCases.ts";
import type { OwnedRecord, WriteKind } from "../lib/resourceApi.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

/**
 * A value that would do harm if the key were honoured: a privileged role, admin flags,
 * another user's name, a prototype carrying `role`, or any JSON value for other keys.
 */
function harmfulValue(ctx: SuiteContext, key: string): fc.Arbitrary<unknown> {
  const roles = [...new Set([...ctx.target.manifest.privilegedRoles, "admin", "user"])];
  const names = ctx.identities.all.map((i) => i.username);
  const any = fc.jsonValue({ maxDepth: 2 });
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
      return fc.oneof(fc.constantFrom(true, "true", 1), any);
    case "username":
    case "id":
    case "owner":
      return fc.oneof(fc.constantFrom(...names), any);
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

/**
 * Valid writable fields (PUT: all; PATCH: a non-empty subset) plus 1 to 3 unknown keys,
 * shuffled: an unknown key after a valid field is what exposes a non-atomic update.
 */
function bodyWithUnknownKeys(ctx: SuiteContext, record: OwnedRecord, kind: WriteKind) {
  const writable = Object.entries(record.resource.writable).flatMap(([name, spec]) => [
    name,
    spec.as ?? name,
  ]);
  // The read-only fields of the record (role, username) are what mass assignment is
  // really after: weighted so that every run tries them, besides every other kind of key.
  const privileged = Object.values(record.resource.readOnly);
  const keys = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...privileged, "is_admin", "password") },
    { weight: 3, arbitrary: unknownKeys({ writable: [...new Set(writable)] }) },
  );
  const unknown = keys
    .filter((key) => isUnknownKey(record.resource, key))
    .chain((key) => harmfulValue(ctx, key).map((value): BodyEntry => [key, value]));
  return fc
    .tuple(
      validBody(record.resource, kind),
      fc.uniqueArray(unknown, { minLength: 1, maxLength: 3, selector: ([k]) => k }),
    )
    .chain(([valid, extra]) => {
      const entries: BodyEntry[] = [...Object.entries(valid), ...extra];
      return fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length });
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
      "Validate the whole body against an allow-list of writable fields (reject unknown keys) before applying any of it; never bind request JSON onto the model.",
  },
  dependsOn: ["INPUT-04"],
  async check(ctx) {
    // Every kind of unknown key, mixed with valid fields (atomicity), and then, on their
    // own, the record's read-only fields with a value worth stealing: a service that
    // validates `role` as it would a writable field (user or admin) accepts only that,
    // which a mix of keys and random values meets too rarely to be tried at every seed.
    const mixed = authorisedWrites(ctx, (record, kind) => bodyWithUnknownKeys(ctx, record, kind));
    const readOnlyAlone = authorisedWrites(
      ctx,
      (record) => {
        const fields = Object.values(record.resource.readOnly);
        return fc
          .constantFrom(...(fields.length > 0 ? fields : ["role"]))
          .chain((key) => harmfulValue(ctx, key).map((value): BodyEntry[] => [[key, value]]));
      },
      ["merge"],
    );
    const attempt = async (c: WriteCase<BodyEntry[]>) => {
      const keys = c.body.map(([k]) => k).filter((k) => isUnknownKey(c.record.resource, k));
      const what = `${describeWrite(c)} with unknown key${keys.length > 1 ? "s" : ""} ${keys.map((k) => JSON.stringify(k)).join(", ")}`;
      const write = await withNoStateChange(ctx, what, () =>
        writeEntriesAs(ctx, c.actor, c.record, c.kind, c.body),
      );
      expectStatus(write, [400, 422], `${what} was not rejected`, this.meta.remediation);
    };
    await ctx.property([mixed], attempt);
    if (ctx.resources.some((r) => r.merge)) await ctx.property([readOnlyAlone], attempt);
  },
};
