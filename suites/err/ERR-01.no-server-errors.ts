import { describeExchange } from "../lib/responseClass.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

export const requirement: Requirement = {
  meta: {
    id: "ERR-01",
    level: "MUST",
    family: "ERR",
    title: "No generated request gets a 5xx",
    sentence: "No generated request, in any suite, gets a 5xx.",
    references: referencesFor("ERR"),
    remediation:
      "Validate input before use and map every client mistake to a 4xx; a 5xx means an unhandled path.",
  },
  inspect(exchange) {
    if (!exchange.response) return { inScope: false };
    if (exchange.response.status < 500) return { inScope: true };
    return {
      inScope: true,
      violation: {
        title: "a generated request got a server error",
        expected: "a status below 500",
        actual: describeExchange(exchange),
      },
    };
  },
};
