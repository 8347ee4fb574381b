import { describeExchange } from "../lib/responseClass.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";

// What debuggers and default error pages of common stacks print (CWE-209).
const TRACE_MARKERS: readonly RegExp[] = [
  /Traceback \(most recent call last\)/,
  /File "[^"]+\.py", line \d+/,
  /Werkzeug Debugger|werkzeug\.debug|__debugger__/i,
  /\bat [\w$.]+\([\w$]+\.(?:java|kt|scala):\d+\)/,
  /\bat (?:async )?[\w$.<>]+ \((?:file:\/\/)?\/[^)]+:\d+:\d+\)/,
  /\.rb:\d+:in `/,
  /Stack trace:|Exception in thread "/,
  /<b>(?:Fatal error|Warning)<\/b>:.* on line <b>\d+<\/b>/,
];

export const requirement: Requirement = {
  meta: {
    id: "ERR-02",
    level: "SHOULD",
    family: "ERR",
    title: "No response body contains a stack trace or debugger page",
    sentence: "No response body contains a stack trace or debugger page.",
    references: referencesFor("ERR"),
    remediation:
      "Disable debug mode in production and return generic error bodies; log details server-side.",
  },
  inspect(exchange) {
    if (!exchange.response) return { inScope: false };
    const marker = TRACE_MARKERS.find((m) => m.test(exchange.response!.body));
    if (!marker) return { inScope: true };
    return {
      inScope: true,
      violation: {
        title: "a response body exposes a stack trace",
        expected: "a generic error body",
        actual: `${describeExchange(exchange)} whose body matches ${marker}`,
      },
    };
  },
};
