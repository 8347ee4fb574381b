import fc from "fast-check";
import { invalidFieldValues } from "../../harness/arbitraries/invalidFieldValues.ts";
import { Inconclusive } from "../failure.ts";
import { expectStatus, withNoStateChange } from "../lib/assertions.ts";
import { validValueFor, writtenFields } from "../lib/bodies.ts";
import {
  authorisedWrites,
  type BodyEntry,
  describeWrite,
  showValue,
  writeEntriesAs,
} from "../lib/inputCases.ts";
import type { OwnedRecord, WriteKind } from "../lib/resourceApi.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

/**
 * One writable field invalid; every other writable field valid (PUT), or a subset of
 * them (PATCH); shuffled, so that valid fields sometimes come first.
 */
function bodyWithOneInvalidField(record: OwnedRecord, kind: WriteKind) {
  // Opaque fields have no rules the suite knows: never judged, never sent.
  const fields = writtenFields(record.resource);
  if (fields.length === 0)
    throw new Inconclusive(
      `${record.resource.name} has no writable field the suite can judge (opaque fields are never written)`,
      "precondition",
    );
  return fc.constantFrom(...fields).chain(([bad, badSpec]) => {
    const others = fields.filter(([name]) => name !== bad);
    return fc
      .tuple(
        invalidFieldValues(badSpec),
        kind === "replace" ? fc.constant(others) : fc.subarray(others),
      )
      .chain(([badValue, sentOthers]) =>
        fc
          .tuple(
            ...sentOthers.map(([name, spec]) =>
              validValueFor(spec).map((v): BodyEntry => [name, v]),
            ),
          )
          .chain((valid) => {
            const entries: BodyEntry[] = [[bad, badValue], ...valid];
            return fc
              .shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length })
              .map((body) => ({ bad, badValue, body }));
          }),
      );
  });
}

export const requirement: Requirement = {
  meta: {
    id: "INPUT-03",
    level: "MUST",
    family: "INPUT",
    title: "Wrong types and invalid values are rejected, changing nothing",
    sentence:
      "Writable fields with a wrong type or an invalid value (section 1) answer 400 or 422; no change.",
    references: referencesFor("INPUT"),
    remediation:
      "Validate every field's type and value (email grammar, display_name of 1 to 64 code points without control characters) before applying any of the update.",
  },
  dependsOn: ["INPUT-04"],
  async check(ctx) {
    const cases = authorisedWrites(ctx, bodyWithOneInvalidField);
    await ctx.property([cases], async (c) => {
      const { bad, badValue, body } = c.body;
      const what = `${describeWrite(c)} with ${bad}=${showValue(badValue)}`;
      const write = await withNoStateChange(ctx, what, () =>
        writeEntriesAs(ctx, c.actor, c.record, c.kind, body),
      );
      expectStatus(write, [400, 422], `${what} was not rejected`, this.meta.remediation);
    });
  },
};
