// conformance.json: the RunResult itself (suites/result.ts), described by
// reports/schemas/run-result.schema.json. Keys are written in a fixed order per kind of
// object (alphabetical for maps such as headers), so that two runs with the same results
// produce the same bytes whatever order the runner built its objects in.
import type { RunResult } from "../suites/result.ts";
import { sanitizeRun } from "./sanitize.ts";

type Kind =
  | "run"
  | "tool"
  | "config"
  | "shard"
  | "target"
  | "requirement"
  | "meta"
  | "references"
  | "finding"
  | "waiver"
  | "excludedIdentity"
  | "reproduction"
  | "exchange"
  | "request"
  | "authorization"
  | "response"
  | "error"
  | "map";

/**
 * Per object kind: its keys in reading order (short facts first, long lists last) and the
 * kind of each nested object. Keys not listed (added later, header names) follow in
 * alphabetical order; objects of unknown kind are written in alphabetical order.
 */
const SHAPES: Record<Exclude<Kind, "map">, { order: string[]; children?: Record<string, Kind> }> = {
  run: {
    order: [
      "schemaVersion",
      "profile",
      "tool",
      "startedAt",
      "finishedAt",
      "interrupted",
      "config",
      "targets",
    ],
    children: { tool: "tool", config: "config", targets: "target" },
  },
  tool: { order: ["name", "version"] },
  config: { order: ["numRuns", "seed", "only", "skip", "shard"], children: { shard: "shard" } },
  shard: { order: ["index", "count"] },
  target: {
    order: [
      "name",
      "source",
      "verdict",
      "error",
      "bootMs",
      "durationMs",
      "requests",
      "expectedFailures",
      "waivers",
      "excludedIdentities",
      "requirements",
    ],
    children: {
      requirements: "requirement",
      waivers: "waiver",
      excludedIdentities: "excludedIdentity",
    },
  },
  waiver: { order: ["id", "reason"] },
  excludedIdentity: { order: ["username", "role", "reason"] },
  requirement: {
    order: [
      "id",
      "status",
      "waiver",
      "reason",
      "reasonKind",
      "durationMs",
      "numRuns",
      "requests",
      "meta",
      "failures",
    ],
    children: { meta: "meta", failures: "finding" },
  },
  meta: {
    order: ["id", "level", "family", "title", "sentence", "references", "remediation"],
    children: { references: "references" },
  },
  references: { order: ["owasp", "cwe", "asvs4", "asvs5"] },
  finding: {
    order: ["key", "title", "expected", "actual", "hint", "reproduction", "transcript"],
    children: { reproduction: "reproduction", transcript: "exchange" },
  },
  reproduction: { order: ["seed", "path", "counterexample", "command", "curl", "credentials"] },
  exchange: {
    order: ["seq", "requirement", "authenticatedAs", "durationMs", "request", "response", "error"],
    children: { request: "request", response: "response", error: "error" },
  },
  request: {
    order: [
      "method",
      "url",
      "transport",
      "authorization",
      "headers",
      "body",
      "bodyBytes",
      "bodyTruncated",
    ],
    children: { authorization: "authorization", headers: "map" },
  },
  authorization: { order: ["kind", "label"] },
  response: { order: ["status", "headers", "body", "bodyTruncated"], children: { headers: "map" } },
  error: { order: ["code", "message"] },
};

function alphabetical(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function ordered(value: unknown, kind: Kind): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v, kind));
  if (value === null || typeof value !== "object") return value;
  const shape = kind === "map" ? undefined : SHAPES[kind];
  const rank = (k: string) => {
    const i = shape?.order.indexOf(k) ?? -1;
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  };
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => rank(a) - rank(b) || alphabetical(a, b));
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) out[k] = ordered(v, shape?.children?.[k] ?? "map");
  return out;
}

/** conformance.json: stable, pretty-printed, credential-scrubbed JSON of the run. */
export function toJson(run: RunResult): string {
  return `${JSON.stringify(ordered(sanitizeRun(run), "run"), null, 2)}\n`;
}
