import { oversizedJsonBodies } from "../../harness/arbitraries/oversizedJsonBodies.ts";
import { expectStatus, withNoStateChange } from "../lib/assertions.ts";
import { validBody } from "../lib/bodies.ts";
import { authorisedWrites, describeWrite, writeRawAs } from "../lib/inputCases.ts";
import {
  type OwnedRecord,
  targetFieldName,
  toTargetBody,
  type WriteKind,
} from "../lib/resourceApi.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

function oversizedBody(record: OwnedRecord, kind: WriteKind) {
  const resource = record.resource;
  const displayName = Object.entries(resource.writable).find(
    ([, spec]) => spec.kind === "display_name",
  );
  return oversizedJsonBodies(
    validBody(resource, kind).map((body) => toTargetBody(resource, body)),
    displayName ? { inflate: targetFieldName(resource, displayName[0]) } : {},
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
  async check(ctx) {
    // 65 KiB to 1 MiB per case: few cases are enough, and each one is heavy.
    const cases = authorisedWrites(ctx, oversizedBody);
    await ctx.property(
      [cases],
      async (c) => {
        const data = c.body.data;
        const what = `${describeWrite(c)} with a ${Buffer.byteLength(data)}-byte body (${c.body.shape})`;
        const write = await withNoStateChange(ctx, what, () =>
          writeRawAs(ctx, c.actor, c.record, c.kind, data, "application/json"),
        );
        expectStatus(write, [413, 400], `${what} was not rejected`, this.meta.remediation, {
          serverErrorFails: true, // its sentence: "never 5xx"
        });
      },
      { numRuns: Math.max(1, Math.min(ctx.numRuns, 5)) },
    );
  },
};
