import { describeExchange } from "../lib/responseClass.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

const MIN_MAX_AGE = 15_552_000; // 180 days

export const requirement: Requirement = {
  meta: {
    id: "TLS-05",
    level: "SHOULD",
    family: "TLS",
    title: "Every HTTPS response carries HSTS of at least 180 days",
    sentence:
      "Every HTTPS response carries `Strict-Transport-Security` with `max-age` of at least 15552000 (180 days).",
    references: referencesFor("TLS"),
    remediation:
      "Add `Strict-Transport-Security: max-age=31536000; includeSubDomains` to every HTTPS response, errors included.",
  },
  // Judged on every HTTPS exchange of every other suite, as it is recorded.
  inspect(exchange) {
    if (exchange.request.transport !== "tls" || !exchange.response) return { inScope: false };
    const hsts = exchange.response.headers["strict-transport-security"] ?? "";
    const maxAge = Number(/(?:^|;)\s*max-age\s*=\s*"?(\d+)"?/i.exec(hsts)?.[1] ?? Number.NaN);
    if (maxAge >= MIN_MAX_AGE) return { inScope: true };
    return {
      inScope: true,
      violation: {
        title: "an HTTPS response without a long-lived HSTS header",
        expected: `Strict-Transport-Security with max-age >= ${MIN_MAX_AGE}`,
        actual: `${describeExchange(exchange)} with ${hsts ? `Strict-Transport-Security: ${hsts}` : "no Strict-Transport-Security"}`,
      },
    };
  },
};
