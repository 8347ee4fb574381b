// The versioned result of a run. Reports are pure functions of this (STYLE.md 6); the
// JSON report *is* this object. Bump RESULT_SCHEMA_VERSION on any incompatible change.
import type { Exchange } from "../harness/http/exchange.ts";
import type { RequirementMeta } from "./requirement.ts";

export const RESULT_SCHEMA_VERSION = "1.0.0";

export type Verdict = "CONFORMANT" | "NON-CONFORMANT" | "INCONCLUSIVE";
export type RequirementStatus = "passed" | "failed" | "inconclusive" | "skipped";

export interface Reproduction {
  /** fast-check seed and path: `{ seed, path, endOnFailure: true }` replays the case. */
  seed: number;
  path?: string;
  /** The shrunk counterexample, rendered with fc.stringify, credentials redacted. */
  counterexample?: string;
  /** CLI command that replays this failure. */
  command: string;
  /** curl commands for the failing exchanges; credentials come from env vars named there. */
  curl: string[];
  /**
   * Where the passwords those variables must hold come from, one entry per identity,
   * never a password; reports print them after "Credentials: from ", e.g.
   * "users.json of the run, for alice-x1 (set BAIP_USER_ALICE_X1 and BAIP_PASS_ALICE_X1)".
   * Optional: without it, reports name the sources the transcript's redaction labels give.
   */
  credentials?: string[];
}

export interface RequirementResult {
  id: string;
  meta: RequirementMeta;
  status: RequirementStatus;
  durationMs: number;
  /** Generated cases run. */
  numRuns: number;
  requests: number;
  /** For failed: what went wrong. */
  failure?: {
    title: string;
    expected: string;
    actual: string;
    hint: string;
    reproduction: Reproduction;
    transcript: Exchange[];
  };
  /** For inconclusive and skipped: why. */
  reason?: string;
}

export interface TargetResult {
  name: string;
  /** Where the target came from: folder, image or URL. */
  source: string;
  verdict: Verdict;
  /** Why INCONCLUSIVE, when it is the target as a whole (did not boot, interrupted). */
  error?: string;
  bootMs?: number;
  durationMs: number;
  requests: number;
  requirements: RequirementResult[];
  /** The IDs the manifest says this target must fail (corpus targets). */
  expectedFailures?: string[];
}

export interface RunResult {
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  profile: "BAIP/1";
  tool: { name: string; version: string };
  startedAt: string;
  finishedAt: string;
  interrupted: boolean;
  config: {
    numRuns: number;
    seed: number;
    only?: string[];
    skip?: string[];
    shard?: { index: number; count: number };
  };
  targets: TargetResult[];
}
