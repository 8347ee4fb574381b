import { describeExchange } from "../lib/responseClass.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

/** `no-store`, or `private` with `no-cache`; never `public` (RFC 9111 section 5.2.2). */
export function cacheControlForbidsStorage(value: string): boolean {
  const directives = new Set(
    value
      .toLowerCase()
      .split(",")
      .map((d) => d.trim().split("=")[0]!.trim())
      .filter(Boolean),
  );
  if (directives.has("public")) return false;
  return directives.has("no-store") || (directives.has("private") && directives.has("no-cache"));
}

export const requirement: Requirement = {
  meta: {
    id: "CACHE-01",
    level: "MUST",
    family: "CACHE",
    title: "Responses to authenticated requests forbid caching",
    sentence:
      "Every response on the HTTPS port to a request carrying valid credentials carries `Cache-Control` with `no-store`, or with `private` and `no-cache`; never `public`. (The plaintext port is judged by TLS-01, -02 and -06.)",
    references: referencesFor("CACHE"),
    remediation:
      "Send `Cache-Control: no-store` on every response to a request that carried credentials.",
  },
  // Judged on every exchange of every suite that carried an identity's real credentials
  // to the HTTPS port. The contract scopes it there: what the plaintext port answers (a
  // redirect, a 4xx) is judged by TLS-01, -02 and -06, and a compliant 308 to https://
  // need not say anything about caching.
  inspect(exchange) {
    if (!exchange.authenticatedAs || !exchange.response) return { inScope: false };
    if (exchange.request.transport !== "tls") return { inScope: false };
    const value = exchange.response.headers["cache-control"] ?? "";
    if (cacheControlForbidsStorage(value)) return { inScope: true };
    return {
      inScope: true,
      violation: {
        title: "a response to an authenticated request may be cached",
        expected: "Cache-Control: no-store (or private, no-cache), never public",
        actual: `${describeExchange(exchange)} with ${value ? `Cache-Control: ${value}` : "no Cache-Control"}`,
      },
    };
  },
};
