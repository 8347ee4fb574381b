import fc from "fast-check";
import { nonJsonContentTypes } from "../../harness/arbitraries/nonJsonContentTypes.ts";
import { expectStatus, withNoStateChange } from "../lib/assertions.ts";
import {
  authorisedBodies,
  type BodyEntry,
  type BodyTarget,
  describeTarget,
  jsonObjectText,
  noBodyOperation,
  sendBody,
  validEntries,
  withBodyId,
} from "../lib/inputCases.ts";
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
 * Either way the body is an object, so it carries the record id where the operation
 * takes it in the body.
 */
function encodings(t: BodyTarget, valid: readonly BodyEntry[], contentType: string | undefined) {
  const entries = withBodyId(t, valid);
  const fields = entries.map(
    ([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)] as const,
  );
  const json = jsonObjectText(entries);
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
          ? `<?xml version="1.0" encoding="UTF-8"?><${t.op.resource.name}>${fields
              .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
              .join("")}</${t.op.resource.name}>`
          : undefined;
  return native === undefined
    ? fc.constant({ encoding: "JSON text", data: json })
    : fc.constantFrom(
        { encoding: "JSON text", data: json },
        { encoding: `${media} fields`, data: native },
      );
}

function validBodyWithContentType(t: BodyTarget) {
  return fc
    .tuple(validEntries(t.op), nonJsonContentTypes({ boundary: BOUNDARY }))
    .chain(([valid, contentType]) =>
      encodings(t, valid, contentType).map((encoded) => ({ contentType, ...encoded })),
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
      "Require Content-Type: application/json on every body (updates and creates) and answer 415 otherwise; do not parse bodies with force=True or fall back to form data.",
  },
  dependsOn: ["INPUT-04"],
  notApplicable: (ctx) => noBodyOperation(ctx),
  async check(ctx) {
    // Creates too: one that succeeds made a record from a body it should have refused
    // (deleted again at restore); an update must also leave every record as it was.
    const cases = authorisedBodies(ctx, validBodyWithContentType);
    await ctx.property([cases], async (c) => {
      const { contentType, encoding, data } = c.body;
      const what = `${describeTarget(c)} with a valid body as ${encoding} and ${contentType === undefined ? "no Content-Type" : `Content-Type: ${contentType}`}`;
      const sent = await withNoStateChange(ctx, what, () => sendBody(ctx, c, data, contentType));
      expectStatus(sent, [415, 400], `${what} was not rejected`, this.meta.remediation);
    });
  },
};
