import { nonObjectBodies } from "../../harness/arbitraries/nonObjectBodies.ts";
import type { SuiteContext } from "../context.ts";
import { expectStatus, withNoStateChange } from "../lib/assertions.ts";
import {
  authorisedBodies,
  bodyIdKey,
  bodyOperations,
  describeTarget,
  jsonObjectText,
  noBodyOperation,
  sendBody,
  validEntries,
} from "../lib/inputCases.ts";
import type { Operation } from "../lib/resourceApi.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

/**
 * Body operations a non-object body can be sent to. One that carries the record id in
 * its body is left out: an array, a string or broken JSON has nowhere to put the id, so
 * its refusal would say only that no record was named, not that the shape was refused.
 */
function operationsWithoutBodyId(ctx: SuiteContext): Operation[] {
  return ctx.resources.flatMap(bodyOperations).filter((op) => bodyIdKey(op) === undefined);
}

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
  notApplicable: (ctx) =>
    noBodyOperation(ctx) ??
    (operationsWithoutBodyId(ctx).length === 0
      ? "every operation that takes a body carries the record id in it, where a body that is not a JSON object cannot put it"
      : undefined),
  async check(ctx) {
    // Sent as application/json, so that only the body's shape is wrong. The arrays and
    // broken objects are built around fresh valid values, so that a lenient parser that
    // applies them anyway shows up as a state change (or, for a create, as a success).
    const cases = authorisedBodies(
      ctx,
      (t) =>
        validEntries(t.op).chain((valid) =>
          nonObjectBodies({ validObject: jsonObjectText(valid) }),
        ),
      operationsWithoutBodyId(ctx),
    );
    await ctx.property([cases], async (c) => {
      const shown = c.body;
      const sample =
        shown.length > 40
          ? `${JSON.stringify(shown.slice(0, 40))}... (${shown.length} chars)`
          : JSON.stringify(shown);
      const what = `${describeTarget(c)} with the body ${sample}`;
      const sent = await withNoStateChange(ctx, what, () =>
        sendBody(ctx, c, c.body, "application/json"),
      );
      expectStatus(sent, [400, 415, 422], `${what} was not rejected`, this.meta.remediation, {
        serverErrorFails: true, // its sentence: "never 5xx"
      });
    });
  },
};
