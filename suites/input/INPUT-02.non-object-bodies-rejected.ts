import { nonObjectBodies } from "../../harness/arbitraries/nonObjectBodies.ts";
import { expectStatus, withNoStateChange } from "../lib/assertions.ts";
import { validBody } from "../lib/bodies.ts";
import { authorisedWrites, describeWrite, writeRawAs } from "../lib/inputCases.ts";
import { toTargetBody } from "../lib/resourceApi.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

export const requirement: Requirement = {
  meta: {
    id: "INPUT-02",
    level: "MUST",
    family: "INPUT",
    title: "Bodies that are not a JSON object are rejected without a server error",
    sentence:
      "Bodies that are not a JSON object (arrays, strings, numbers, `null`, booleans, malformed JSON, empty) answer 400, 415 or 422, never 5xx; no change.",
    references: referencesFor("INPUT"),
    remediation:
      "Parse the body defensively (a parse error or a non-object top-level value is a 400), before any field access; never let it raise into a 500.",
  },
  dependsOn: ["INPUT-04"],
  async check(ctx) {
    // Sent as application/json, so that only the body's shape is wrong. The arrays and
    // broken objects are built around fresh valid values, so that a lenient parser that
    // applies them anyway shows up as a state change.
    const cases = authorisedWrites(ctx, (record) =>
      validBody(record.resource, "replace").chain((valid) =>
        nonObjectBodies({ validObject: JSON.stringify(toTargetBody(record.resource, valid)) }),
      ),
    );
    await ctx.property([cases], async (c) => {
      const shown = c.body;
      const sample =
        shown.length > 40
          ? `${JSON.stringify(shown.slice(0, 40))}... (${shown.length} chars)`
          : JSON.stringify(shown);
      const what = `${describeWrite(c)} with the body ${sample}`;
      const write = await withNoStateChange(ctx, what, () =>
        writeRawAs(ctx, c.actor, c.record, c.kind, c.body, "application/json"),
      );
      expectStatus(write, [400, 415, 422], `${what} was not rejected`, this.meta.remediation, {
        serverErrorFails: true, // its sentence: "never 5xx"
      });
    });
  },
};
