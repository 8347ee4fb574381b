import { type TlsHandshakeResult, tlsHandshake } from "../../harness/http/tlsHandshake.ts";
import type { SuiteContext } from "../context.ts";
import { Inconclusive, RequirementFailure } from "../failure.ts";
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
    await checkVersions(ctx, tlsHandshake, this.meta.remediation);
  },
};

/**
 * Every version, every run: four handshakes cost nothing, and a sample of them could miss
 * the one that matters. Each is pinned on both ends of the client, so the server's choice
 * is observed. A failure on any version outranks a version the client could not offer;
 * only then is the requirement INCONCLUSIVE, never passed. `handshake` is a parameter so
 * that tests can stand in for a client without legacy protocols.
 */
export async function checkVersions(
  ctx: Pick<SuiteContext, "target">,
  handshake: typeof tlsHandshake,
  hint: string,
): Promise<void> {
  const unjudged: string[] = [];
  for (const version of VERSIONS) {
    const result = await handshake(ctx.target.tlsEndpoint(), ctx.target.caPem(), {
      minVersion: version,
      maxVersion: version,
    });
    const reason = judgeHandshake(version, result, hint);
    if (reason !== undefined) unjudged.push(reason);
  }
  if (unjudged.length > 0) throw new Inconclusive(unjudged.join("; "), "client-limitation");
}

/**
 * Throws RequirementFailure when `result` breaks TLS-04 for `version`; returns why it
 * cannot be judged when the client itself could not offer the version; else undefined.
 */
export function judgeHandshake(
  version: Version,
  result: TlsHandshakeResult,
  hint: string,
): string | undefined {
  if (LEGACY.has(version)) {
    if (result.ok || result.serverVersion === version) {
      throw new RequirementFailure({
        title: `a ${version} handshake was accepted`,
        expected: `${version} refused`,
        actual: result.ok
          ? `handshake completed with ${result.protocol}`
          : `the server answered with a ${version} ServerHello (${result.error})`,
        hint,
      });
    }
    if (result.refusedBy === "client") {
      return `this client cannot offer ${version}, so whether the server refuses it is unknown: ${result.error}`;
    }
    return undefined;
  }
  if (version === "TLSv1.2" && !result.ok) {
    if (result.refusedBy === "client") {
      return `the client ended the TLS 1.2 handshake itself: ${result.error}`;
    }
    throw new RequirementFailure({
      title: "a TLS 1.2 handshake failed",
      expected: "TLS 1.2 accepted",
      actual: result.error ?? "refused",
      hint: "Enable TLS 1.2 (and 1.3) with a certificate the client trusts.",
    });
  }
  return undefined;
}
