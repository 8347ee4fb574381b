// Checks throw these; they never log-and-return-false (STYLE.md).
import type { Exchange } from "../harness/http/exchange.ts";
import type { ReasonKind } from "./result.ts";

export interface FailureDetail {
  /** One line: what went wrong, e.g. "non-admin read another user's record". */
  title: string;
  expected: string;
  actual: string;
  /** One-line fix. */
  hint?: string;
  /**
   * The target said "no" where "yes" (or another "no") was expected: it refused, asked
   * for credentials or rejected the request, and nothing changed or leaked. Such a
   * failure cannot be judged when a positive control failed (the target may refuse
   * everything), so the runner then reports it INCONCLUSIVE instead.
   */
  restrictive?: boolean;
  /** The exchanges of the failing case (already redacted). */
  exchanges?: Exchange[];
  /**
   * The exchange the failure is about (the refused-or-not request, the leaking answer,
   * the write that changed state): its operation names the finding (see findingKey).
   */
  exchange?: Exchange;
  /**
   * The kind of failure, without generated values: "answered success", "state changed",
   * "leaked field values". With the operation it tells distinct findings apart.
   */
  kind?: string;
}

/** The requirement does not hold for this target. */
export class RequirementFailure extends Error {
  constructor(readonly detail: FailureDetail) {
    super(`${detail.title}: expected ${detail.expected}; actual ${detail.actual}`);
    this.name = "RequirementFailure";
  }
}

/** The target could not be exercised for this requirement (docs/SPEC.md 5). */
export class Inconclusive extends Error {
  constructor(
    readonly reason: string,
    /** The named guard that did not hold; reports and the corpus test read it. */
    readonly kind: ReasonKind = "state-unreadable",
  ) {
    super(reason);
    this.name = "Inconclusive";
  }
}

/**
 * A bug in the suite itself (a check threw something that is neither a failure nor an
 * inconclusive case). Never a verdict about the target: it ends the run, exit 2.
 */
export class SuiteError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = "SuiteError";
  }
}
