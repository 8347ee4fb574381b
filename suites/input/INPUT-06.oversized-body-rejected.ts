import { oversizedJsonBodies } from "../../harness/arbitraries/oversizedJsonBodies.ts";
import { expectStatus, withNoStateChange } from "../lib/assertions.ts";
import {
  authorisedBodies,
  type BodyTarget,
  describeTarget,
  noBodyOperation,
  sendBody,
  topKey,
  validEntries,
  withBodyId,
} from "../lib/inputCases.ts";
import { targetFieldName } from "../lib/resourceApi.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

/**
 * A valid body made over 64 KiB, inflating a display name where the resource has one,
 * so that only the size is wrong. The record id goes last, where the operation carries
 * it in the body, so that a shape inflating the first value never inflates the id.
 */
function oversizedBody(t: BodyTarget) {
  const resource = t.op.resource;
  const displayName = Object.entries(resource.writable).find(
    ([, spec]) => spec.kind === "display_name",
  );
  return oversizedJsonBodies(
    validEntries(t.op).map((valid) => Object.fromEntries([...valid, ...withBodyId(t, [])])),
    displayName ? { inflate: topKey(targetFieldName(resource, displayName[0])) } : {},
  );
}

export const requirement: Requirement = {
  meta: {
    id: "INPUT-06",
    level: "SHOULD",
    family: "INPUT",
    title: "Bodies over 64 KiB are rejected without a server error",
    sentence: "A body over 64 KiB answers 413 or 400, never 5xx.",
    references: referencesFor("INPUT"),
    remediation:
      "Cap request bodies at 64 KiB (e.g. Flask MAX_CONTENT_LENGTH, or the proxy's client_max_body_size) and answer 413.",
  },
  dependsOn: ["INPUT-04"],
  notApplicable: (ctx) => noBodyOperation(ctx),
  async check(ctx) {
    // 65 KiB to 1 MiB per case: few cases are enough, and each one is heavy. A create
    // that succeeds made a record from it (deleted again at restore): a failure too.
    const cases = authorisedBodies(ctx, oversizedBody);
    await ctx.property(
      [cases],
      async (c) => {
        const data = c.body.data;
        const what = `${describeTarget(c)} with a ${Buffer.byteLength(data)}-byte body (${c.body.shape})`;
        const sent = await withNoStateChange(ctx, what, () =>
          sendBody(ctx, c, data, "application/json"),
        );
        expectStatus(sent, [413, 400], `${what} was not rejected`, this.meta.remediation, {
          serverErrorFails: true, // its sentence: "never 5xx"
        });
      },
      { numRuns: Math.max(1, Math.min(ctx.numRuns, 5)) },
    );
  },
};
