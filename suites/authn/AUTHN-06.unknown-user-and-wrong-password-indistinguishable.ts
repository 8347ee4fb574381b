import fc from "fast-check";
import { wrongPasswords } from "../../harness/arbitraries/wrongPasswords.ts";
import type { Exchange } from "../../harness/http/exchange.ts";
import { loginOf } from "../../harness/identity/identity.ts";
import { RequirementFailure } from "../failure.ts";
import { unknownLogins } from "../lib/logins.ts";
import { everyOperation, sendOperation } from "../lib/operations.ts";
import { anyIdentity } from "../lib/pairs.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

// Headers that legitimately differ between two otherwise identical responses.
const VOLATILE = new Set(["date", "content-length", "x-request-id", "connection", "keep-alive"]);

function fingerprint(e: Exchange): string {
  const r = e.response;
  if (!r) return `no response (${e.error?.code})`;
  const headers = Object.entries(r.headers)
    .filter(([k]) => !VOLATILE.has(k))
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify({ status: r.status, headers, body: r.body });
}

export const requirement: Requirement = {
  meta: {
    id: "AUTHN-06",
    level: "SHOULD",
    family: "AUTHN",
    title: "Unknown user and wrong password get indistinguishable 401s",
    sentence:
      "The 401 for an unknown user and for a wrong password are indistinguishable (status, body, headers other than Date) (CWE-204).",
    references: referencesFor("AUTHN", { cwe: [204] }),
    remediation:
      "Answer every authentication failure with one constant 401 response, whatever the reason.",
  },
  dependsOn: ["AUTHN-01"],
  async check(ctx) {
    // Logins as the service knows them (e-mails where the manifest logs in by e-mail).
    const strangers = unknownLogins(ctx);
    const cases = anyIdentity(ctx).chain((identity) =>
      fc.record({
        identity: fc.constant(identity),
        wrong: wrongPasswords(identity.password),
        stranger: strangers,
        c: everyOperation(ctx),
      }),
    );
    await ctx.property([cases], async ({ identity, wrong, stranger, c }) => {
      const wrongPassword = await sendOperation(ctx, c, {
        auth: {
          username: loginOf(identity),
          password: wrong,
          label: `Basic <${identity.username}: a wrong password>`,
        },
      });
      const unknownUser = await sendOperation(ctx, c, {
        auth: {
          username: stranger,
          password: wrong,
          label: `Basic <${stranger} (unknown): a password>`,
        },
      });
      // A request that got in may have changed something (AUTHN-03's finding): put it
      // back before the next case. Two refusals changed nothing, and cost no restore.
      if (wrongPassword.response?.status !== 401 || unknownUser.response?.status !== 401)
        ctx.markDirty();
      // Only two 401s can be told apart or not; a wrong password that gets in is AUTHN-03's.
      fc.pre(wrongPassword.response?.status === 401 && unknownUser.response?.status === 401);
      if (fingerprint(wrongPassword) !== fingerprint(unknownUser)) {
        throw new RequirementFailure({
          title: "the 401 tells an unknown user from a wrong password",
          expected: `identical responses; wrong password gave ${fingerprint(wrongPassword).slice(0, 300)}`,
          actual: `unknown user gave ${fingerprint(unknownUser).slice(0, 300)}`,
          hint: this.meta.remediation,
          kind: "distinguishable 401s",
        });
      }
    });
  },
};
