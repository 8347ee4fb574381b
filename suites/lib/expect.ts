// Shared assertions: each throws a RequirementFailure with expected, actual and a hint,
// so no check hand-rolls its own failure message.
import type { Exchange } from "../../harness/http/exchange.ts";
import type { Snapshot, SuiteContext } from "../context.ts";
import { Inconclusive, RequirementFailure } from "../failure.ts";
import { describe, type Outcome, outcomeOf } from "./outcome.ts";

export function expectOutcome(
  exchange: Exchange,
  allowed: readonly Outcome[],
  what: string,
  hint: string,
  expectedText = allowed.join(" or "),
): void {
  const outcome = outcomeOf(exchange);
  if (allowed.includes(outcome)) return;
  throw new RequirementFailure({
    title: what,
    expected: expectedText,
    actual: `${describe(exchange)} (${outcome})`,
    hint,
    restrictive: RESTRICTIVE.includes(outcome),
  });
}

export function expectStatus(
  exchange: Exchange,
  allowed: readonly number[],
  what: string,
  hint: string,
): void {
  const status = exchange.response?.status;
  if (status !== undefined && allowed.includes(status)) return;
  throw new RequirementFailure({
    title: what,
    expected: `status ${allowed.join(" or ")}`,
    actual: describe(exchange),
    hint,
    restrictive: RESTRICTIVE.includes(outcomeOf(exchange)),
  });
}

/**
 * The contract's integrity rule: read the records back before and after `action` (as
 * their owners) and require them identical. Status codes alone never prove integrity;
 * but when the records cannot be read, the action still runs so that a wrong answer can
 * prove a violation, and the case is marked as not judged (no pass is claimed from it).
 */
export async function withNoStateChange<T>(
  ctx: SuiteContext,
  what: string,
  action: () => Promise<T>,
): Promise<T> {
  let before: Snapshot;
  try {
    before = await ctx.snapshot();
  } catch (error) {
    if (!(error instanceof Inconclusive)) throw error;
    ctx.cannotJudge(error.reason);
    return action();
  }
  const result = await action();
  const after = await ctx.snapshot();
  ctx.expectUnchanged(before, after, what);
  return result;
}

const DISTINCTIVE = 8;

/** Outcomes in which the target declined: nothing was served or done. */
const RESTRICTIVE: readonly Outcome[] = ["refusal", "unauthenticated", "invalid"];

/** Whether the target declined (see FailureDetail.restrictive). */
export function isRestrictive(exchange: Exchange): boolean {
  return RESTRICTIVE.includes(outcomeOf(exchange));
}

/** The response body must not contain any of `values` (AUTHZ-01, TLS-01). */
export function expectBodyFree(
  exchange: Exchange,
  values: readonly unknown[],
  what: string,
  hint: string,
): void {
  const body = exchange.response?.body ?? "";
  // Long values are looked for anywhere; short ones ("bi") only as a whole JSON string,
  // or every "forbidden" would leak a display name.
  const leaked = values
    .filter((v): v is string => typeof v === "string" && v.length > 0)
    .filter((v) =>
      v.length >= DISTINCTIVE
        ? body.includes(v) || body.includes(JSON.stringify(v).slice(1, -1))
        : body.includes(JSON.stringify(v)),
    );
  if (leaked.length === 0) return;
  throw new RequirementFailure({
    title: what,
    expected: "a body with none of the record's field values",
    actual: `${describe(exchange)} with a body containing ${leaked.map((v) => JSON.stringify(v)).join(", ")}`,
    hint,
  });
}
