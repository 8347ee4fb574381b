// The versioned result of a run. Reports are pure functions of this (STYLE.md 6); the
// JSON report *is* this object. Bump RESULT_SCHEMA_VERSION on any incompatible change.
import type { Exchange } from "../harness/http/exchange.ts";
import type { RequirementMeta } from "./requirement.ts";

export const RESULT_SCHEMA_VERSION = "2.0.0";
/** The profile (docs/SPEC.md) every result of this version is judged by. */
export const RESULT_PROFILE = "BAIP/2";

export type Verdict = "CONFORMANT" | "NON-CONFORMANT" | "INCONCLUSIVE";
export type RequirementStatus = "passed" | "failed" | "inconclusive" | "skipped";

/**
 * Why a requirement was not judged (inconclusive) or not run (skipped): the named guard
 * that did not hold. A suite error is never one of these: it ends the run (exit 2).
 */
export type ReasonKind =
  /** A positive control it depends on (AUTHN-01, AUTHZ-05, INPUT-04) did not hold. */
  | "positive-control"
  /** Every case that could have judged it got a 5xx (an ERR-01 finding). */
  | "server-error"
  /** Records could not be read back as their owners, so integrity could not be judged. */
  | "state-unreadable"
  /** The target stopped answering or its container died. */
  | "target-unavailable"
  /** The run was interrupted or hit its deadline. */
  | "interrupted"
  /** Cross-cutting requirement: no exchange of the run was in its scope. */
  | "nothing-in-scope"
  /** The target lacks what the requirement needs (no plaintext port, no privileged role). */
  | "precondition"
  /** The suite's own client cannot do what the check needs (e.g. offer TLS 1.0). */
  | "client-limitation"
  /** Generated cases never met the check's precondition. */
  | "no-case";

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

/**
 * One distinct failure of a requirement: what went wrong for one operation and one kind
 * of failure (docs/SPEC.md section 3, "Judging": every distinct failure is reported, so
 * that one finding never hides another). Each has its own shrunk counterexample.
 */
export interface Finding {
  /**
   * Stable identity of the finding within its requirement, e.g. "PATCH /users/{id}: state
   * changed": the operation and the kind of failure, never generated values. Baselines
   * and deduplication compare findings by it.
   */
  key: string;
  title: string;
  expected: string;
  actual: string;
  hint: string;
  reproduction: Reproduction;
  transcript: Exchange[];
}

export interface RequirementResult {
  id: string;
  meta: RequirementMeta;
  /** What was found, waived or not. */
  status: RequirementStatus;
  durationMs: number;
  /** Generated cases run. */
  numRuns: number;
  requests: number;
  /** For failed: every distinct failure, the first found first. */
  failures?: Finding[];
  /** For inconclusive and skipped: why, in one line. */
  reason?: string;
  /** For inconclusive and skipped: the class of `reason`, answerable from the type. */
  reasonKind?: ReasonKind;
  /**
   * The manifest waives this requirement for this target, with this written reason: it
   * ran and reports what it found, but does not count against the verdict (section 5).
   */
  waiver?: string;
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
  /** Requirement ID -> the manifest's written reason for waiving it (section 5). */
  waivers?: Array<{ id: string; reason: string }>;
  /**
   * Identities whose valid credentials did not authenticate (AUTHN-01): the rest of the
   * catalogue ran without them, and says so here.
   */
  excludedIdentities?: Array<{ username: string; role: string; reason: string }>;
}

export interface RunResult {
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  profile: typeof RESULT_PROFILE;
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
