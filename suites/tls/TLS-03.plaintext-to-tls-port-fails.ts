import fc from "fast-check";
import { RequirementFailure } from "../failure.ts";
import { authorisedWriters } from "../lib/pairs.ts";
import { readAs } from "../lib/resourceApi.ts";
import { describeExchange, responseClassOf } from "../lib/responseClass.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

export const requirement: Requirement = {
  meta: {
    id: "TLS-03",
    level: "MUST",
    family: "TLS",
    title: "Plaintext HTTP sent to the TLS port gets no success",
    sentence: "Plaintext HTTP sent to the TLS port gets no HTTP success.",
    references: referencesFor("TLS"),
    remediation:
      "Serve only TLS on the TLS port; do not enable protocol sniffing that falls back to plain HTTP.",
  },
  async check(ctx) {
    await ctx.property([authorisedWriters(ctx), fc.nat()], async ({ actor, record }, n) => {
      const exchange = await readAs(ctx, actor, record, n % record.resource.reads.length, {
        transport: "plaintext-to-tls-port",
      });
      if (responseClassOf(exchange) === "success") {
        throw new RequirementFailure({
          title: "the TLS port answered a plaintext HTTP request with success",
          expected: "a TLS alert, a closed connection or an error status",
          actual: describeExchange(exchange),
          hint: this.meta.remediation,
          exchange,
          kind: "answered success over plaintext",
        });
      }
    });
  },
};
