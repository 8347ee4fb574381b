import fc from "fast-check";
import { Inconclusive, RequirementFailure } from "../failure.ts";
import { expectOutcome, expectStatus, withNoStateChange } from "../lib/assertions.ts";
import { validBody, validValueFor, writtenFields } from "../lib/bodies.ts";
import {
  authorisedWrites,
  describeWrite,
  differingFields,
  readStateAs,
  showValue,
} from "../lib/inputCases.ts";
import type { OwnedRecord } from "../lib/resourceApi.ts";
import { writeAs } from "../lib/resourceApi.ts";
import { describeExchange } from "../lib/responseClass.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

// Positive control of the INPUT family: a target that refuses every update would pass
// INPUT-01/02/03/05/06 vacuously, so it must fail here (docs/SPEC.md 5).
export const requirement: Requirement = {
  meta: {
    id: "INPUT-04",
    level: "MUST",
    family: "INPUT",
    title: "Valid updates succeed and read back exactly as written",
    sentence:
      "Positive control and round trip: every valid body succeeds, and a read-back shows exactly the values written; PATCH leaves the other field unchanged; PUT without both fields is refused.",
    references: referencesFor("INPUT"),
    remediation:
      "Accept every value of the contract's grammar and store it unchanged (no trimming, case folding or Unicode normalization); let PATCH touch only the fields sent; require every writable field in PUT.",
  },
  dependsOn: ["AUTHZ-05"],
  async check(ctx) {
    const hint = this.meta.remediation;

    // Every valid body (PUT: every writable field; PATCH: a non-empty subset) succeeds,
    // and the owner reads back exactly those values, every other field as it was.
    const writes = authorisedWrites(ctx, (record, kind) => validBody(record.resource, kind));
    await ctx.property(
      [writes],
      async (c) => {
        const what = describeWrite(c);
        const before = await readStateAs(ctx, c.record, "fail");
        ctx.markDirty();
        const write = await writeAs(ctx, c.actor, c.record, c.kind, c.body);
        expectOutcome(write, ["success"], `${what}: a valid body was not accepted`, hint, "2xx");
        const after = await readStateAs(ctx, c.record, "fail");
        const expected = { ...before, ...c.body };
        const wrong = differingFields(expected, after);
        if (wrong.length === 0) return;
        const sent = (f: string) => (f in c.body ? "written" : "not sent, so unchanged");
        throw new RequirementFailure({
          title: `${what}: the read-back differs from the values written`,
          expected: wrong.map((f) => `${f}=${showValue(expected[f])} (${sent(f)})`).join("; "),
          actual: `${wrong.map((f) => `${f}=${showValue(after[f])}`).join("; ")} read back after ${describeExchange(write)}`,
          hint,
          exchange: write,
          kind: `the read-back differs in ${wrong.join(", ")}`,
        });
        // Each case changes a record on purpose: one at a time, never batched.
      },
      { serial: true },
    );

    // PUT replaces both writable fields, so a PUT without every one of them is refused
    // and changes nothing.
    if (!ctx.resources.some((r) => r.replace)) return;
    const partialBody = (record: OwnedRecord) => {
      // The suite knows no valid value of an opaque field, so it never sends one.
      const fields = writtenFields(record.resource);
      if (fields.length === 0)
        throw new Inconclusive(
          `${record.resource.name} has no writable field the suite writes (opaque fields are never written)`,
          "precondition",
        );
      // Every strict subset equally likely (fc.subarray would mostly send `{}`).
      const subsets = fields
        .reduce<(typeof fields)[]>((acc, f) => acc.concat(acc.map((s) => [...s, f])), [[]])
        .filter((s) => s.length < fields.length);
      return fc
        .constantFrom(...subsets)
        .chain((some) =>
          fc.record(Object.fromEntries(some.map(([name, spec]) => [name, validValueFor(spec)]))),
        );
    };
    const partialPuts = authorisedWrites(ctx, partialBody, ["replace"]);
    await ctx.property(
      [partialPuts],
      async (c) => {
        const sent = Object.keys(c.body);
        const what = `${describeWrite(c)} with ${sent.length ? `only ${sent.join(", ")}` : "no field"}`;
        const write = await withNoStateChange(ctx, what, () =>
          writeAs(ctx, c.actor, c.record, c.kind, c.body),
        );
        expectStatus(write, [400, 422], `${what} was not refused`, hint);
      },
      { numRuns: Math.max(4, Math.ceil(ctx.numRuns / 4)) },
    );
  },
};
