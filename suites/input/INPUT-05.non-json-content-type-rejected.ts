import fc from "fast-check";
import { nonJsonContentTypes } from "../../harness/arbitraries/nonJsonContentTypes.ts";
import { expectStatus, withNoStateChange } from "../lib/assertions.ts";
import { validBody } from "../lib/bodies.ts";
import { authorisedWrites, describeWrite, writeRawAs } from "../lib/inputCases.ts";
import { type OwnedRecord, toTargetBody, type WriteKind } from "../lib/resourceApi.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

const BOUNDARY = "baip-boundary-7MA4YWxkTrZu0gW";

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The valid body as the JSON text a lenient parser would still read, or encoded the way
 * the declared media type says (form fields, multipart parts, XML elements), so that a
 * target parsing regardless of Content-Type, and one accepting form posts, both show.
 */
function encodings(
  record: OwnedRecord,
  body: Record<string, unknown>,
  contentType: string | undefined,
) {
  const fields = Object.entries(toTargetBody(record.resource, body)).map(
    ([k, v]) => [k, String(v)] as const,
  );
  const json = JSON.stringify(Object.fromEntries(fields));
  const media = contentType?.split(";")[0]?.trim().toLowerCase();
  const native =
    media === "application/x-www-form-urlencoded"
      ? new URLSearchParams(fields.map(([k, v]) => [k, v])).toString()
      : media === "multipart/form-data"
        ? `${fields
            .map(
              ([k, v]) =>
                `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
            )
            .join("")}--${BOUNDARY}--\r\n`
        : media?.endsWith("xml")
          ? `<?xml version="1.0" encoding="UTF-8"?><${record.resource.name}>${fields
              .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
              .join("")}</${record.resource.name}>`
          : undefined;
  return native === undefined
    ? fc.constant({ encoding: "JSON text", data: json })
    : fc.constantFrom(
        { encoding: "JSON text", data: json },
        { encoding: `${media} fields`, data: native },
      );
}

function validBodyWithContentType(record: OwnedRecord, kind: WriteKind) {
  return fc
    .tuple(validBody(record.resource, kind), nonJsonContentTypes({ boundary: BOUNDARY }))
    .chain(([body, contentType]) =>
      encodings(record, body, contentType).map((encoded) => ({ contentType, ...encoded })),
    );
}

export const requirement: Requirement = {
  meta: {
    id: "INPUT-05",
    level: "SHOULD",
    family: "INPUT",
    title: "Bodies with a non-JSON Content-Type are rejected",
    sentence: "A body with a non-JSON `Content-Type` answers 415 or 400.",
    references: referencesFor("INPUT"),
    remediation:
      "Require Content-Type: application/json on updates and answer 415 otherwise; do not parse bodies with force=True or fall back to form data.",
  },
  dependsOn: ["INPUT-04"],
  async check(ctx) {
    const cases = authorisedWrites(ctx, validBodyWithContentType);
    await ctx.property([cases], async (c) => {
      const { contentType, encoding, data } = c.body;
      const what = `${describeWrite(c)} with a valid body as ${encoding} and ${contentType === undefined ? "no Content-Type" : `Content-Type: ${contentType}`}`;
      const write = await withNoStateChange(ctx, what, () =>
        writeRawAs(ctx, c.actor, c.record, c.kind, data, contentType),
      );
      expectStatus(write, [415, 400], `${what} was not rejected`, this.meta.remediation);
    });
  },
};
