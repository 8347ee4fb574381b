import fc from "fast-check";
import { expectBodyFree } from "../lib/assertions.ts";
import { authorisedWriters } from "../lib/pairs.ts";
import { expectPlaintextRefused } from "../lib/plaintext.ts";
import { readAs } from "../lib/resourceApi.ts";
import { leakableValues } from "../lib/secrets.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

export const requirement: Requirement = {
  meta: {
    id: "TLS-01",
    level: "MUST",
    family: "TLS",
    title: "Plaintext HTTP with valid credentials never succeeds",
    sentence:
      "A request over plaintext HTTP with valid credentials never succeeds: the plaintext port is closed, or answers a redirect to `https://` or a 4xx, never 2xx, and never a body with a user's field values.",
    references: referencesFor("TLS"),
    remediation:
      "Do not serve the API on the plaintext port: close it, or answer every request with a 4xx (or a redirect to https://).",
  },
  dependsOn: ["AUTHZ-05"],
  preconditions: ["plaintext-port"],
  async check(ctx) {
    await ctx.property([authorisedWriters(ctx), fc.nat()], async ({ actor, record }, n) => {
      const readIndex = n % record.resource.reads.length;
      const exchange = await readAs(ctx, actor, record, readIndex, { transport: "plaintext" });
      const what = `${actor.username} read ${record.owner.username}'s record over plaintext HTTP`;
      expectPlaintextRefused(exchange, `${what} and was served`, this.meta.remediation);
      expectBodyFree(
        exchange,
        leakableValues(record),
        `${what}: the body carries the record`,
        this.meta.remediation,
      );
    });
  },
};
