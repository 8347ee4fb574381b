import fc from "fast-check";
import { tlsHandshake } from "../../harness/http/tlsHandshake.ts";
import { RequirementFailure } from "../failure.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

const VERSIONS = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] as const;
type Version = (typeof VERSIONS)[number];
const LEGACY = new Set<Version>(["TLSv1", "TLSv1.1"]);

export const requirement: Requirement = {
  meta: {
    id: "TLS-04",
    level: "MUST",
    family: "TLS",
    title: "TLS 1.0 and 1.1 are refused; TLS 1.2 or newer succeeds",
    sentence: "TLS 1.0 and 1.1 handshakes are refused; TLS 1.2 or newer succeeds.",
    references: referencesFor("TLS"),
    remediation: "Set the server's minimum protocol version to TLS 1.2 (ssl.TLSVersion.TLSv1_2).",
  },
  async check(ctx) {
    let modern = 0;
    // Each version pinned on both ends of the client, so the server's choice is observed.
    await ctx.property([fc.constantFrom(...VERSIONS)], async (version) => {
      const result = await tlsHandshake(ctx.target.tlsEndpoint(), ctx.target.caPem(), {
        minVersion: version,
        maxVersion: version,
      });
      if (LEGACY.has(version) && result.ok) {
        throw new RequirementFailure({
          title: `a ${version} handshake was accepted`,
          expected: `${version} refused`,
          actual: `handshake completed with ${result.protocol}`,
          hint: this.meta.remediation,
        });
      }
      if (version === "TLSv1.2" && !result.ok) {
        throw new RequirementFailure({
          title: "a TLS 1.2 handshake failed",
          expected: "TLS 1.2 accepted",
          actual: result.error ?? "refused",
          hint: "Enable TLS 1.2 (and 1.3) with a certificate the client trusts.",
        });
      }
      if (!LEGACY.has(version) && result.ok) modern++;
    });
    if (modern === 0) throw new Error("no TLS 1.2+ handshake was tried");
  },
};
