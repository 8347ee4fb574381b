// Checks throw these; they never log-and-return-false (STYLE.md).
import type { Exchange } from "../harness/http/exchange.ts";

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
}

/** The requirement does not hold for this target. */
export class RequirementFailure extends Error {
  constructor(readonly detail: FailureDetail) {
    super(`${detail.title}: expected ${detail.expected}; actual ${detail.actual}`);
    this.name = "RequirementFailure";
  }
}

/** The target could not be exercised for this requirement (CONTRACT.md 5). */
export class Inconclusive extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "Inconclusive";
  }
}
