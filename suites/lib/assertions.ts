// Shared assertions: each throws a RequirementFailure with expected, actual and a hint,
// so no check hand-rolls its own failure message.
import type { Exchange } from "../../harness/http/exchange.ts";
import type { Snapshot, SuiteContext } from "../context.ts";
import { Inconclusive, RequirementFailure } from "../failure.ts";
import { caseNotJudged } from "./judging.ts";
import type { OwnedRecord } from "./resourceApi.ts";
import {
  describeExchange,
  type ResponseClass,
  responseClassOf,
  responseClassOfStatus,
} from "./responseClass.ts";
import { sameState } from "./sameState.ts";

export interface ExpectOptions {
  /**
   * The requirement's own sentence says "never 5xx" (AUTHN-05, INPUT-02, INPUT-06): a 5xx
   * fails it. Otherwise a 5xx where a refusal was due is not judged (judging.ts).
   */
  serverErrorFails?: boolean;
}

/**
 * A 5xx where the check expected the target to decline: neither a refusal nor a breach
 * (docs/SPEC.md section 3, "Judging"). Where a success was due (a positive control), a
 * 5xx is not one, and fails like any other wrong answer.
 */
function notJudgedServerError(
  exchange: Exchange,
  allowed: readonly ResponseClass[],
  options: ExpectOptions,
): boolean {
  if (responseClassOf(exchange) !== "server-error" || options.serverErrorFails) return false;
  if (allowed.includes("success")) return false;
  caseNotJudged(
    `${describeExchange(exchange)}: a 5xx is an ERR-01 finding, neither a refusal nor a success, so the case could not be judged`,
  );
  return true;
}

export function expectOutcome(
  exchange: Exchange,
  allowed: readonly ResponseClass[],
  what: string,
  hint: string,
  expectedText = allowed.join(" or "),
  options: ExpectOptions = {},
): void {
  const outcome = responseClassOf(exchange);
  if (allowed.includes(outcome)) return;
  if (notJudgedServerError(exchange, allowed, options)) return;
  throw new RequirementFailure({
    title: what,
    expected: expectedText,
    actual: `${describeExchange(exchange)} (${outcome})`,
    hint,
    restrictive: RESTRICTIVE.includes(outcome),
    exchange,
    kind: `answered ${outcome}`,
  });
}

export function expectStatus(
  exchange: Exchange,
  allowed: readonly number[],
  what: string,
  hint: string,
  options: ExpectOptions = {},
): void {
  const status = exchange.response?.status;
  if (status !== undefined && allowed.includes(status)) return;
  const allowedOutcomes = allowed.map((code) => responseClassOfStatus(code));
  if (notJudgedServerError(exchange, allowedOutcomes, options)) return;
  throw new RequirementFailure({
    title: what,
    expected: `status ${allowed.join(" or ")}`,
    actual: describeExchange(exchange),
    hint,
    restrictive: RESTRICTIVE.includes(responseClassOf(exchange)),
    exchange,
    kind: `answered ${status === undefined ? (exchange.error?.code ?? "no response") : `${Math.floor(status / 100)}xx`}`,
  });
}

export interface NoStateChangeOptions {
  /**
   * Records the action may rightly change (AUTHZ-03: the actor's own, by a self update or
   * a create), left out of the comparison. Where they did change (rightly or not, no
   * finding of this check), the run's records are put back before the next case.
   */
  except?: (record: OwnedRecord) => boolean;
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
  options: NoStateChangeOptions = {},
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
  const excepted = options.except ? ctx.records.filter(options.except) : [];
  if (excepted.some((r) => changedBetween(before, after, r))) ctx.markDirty();
  try {
    ctx.expectUnchanged(without(before, excepted), without(after, excepted), what);
  } catch (error) {
    // The finding is about the action's request: name it by that operation.
    if (error instanceof RequirementFailure && isExchange(result)) error.detail.exchange ??= result;
    throw error;
  }
  return result;
}

function changedBetween(before: Snapshot, after: Snapshot, record: OwnedRecord): boolean {
  const a = before.get(record.resource.name)?.get(record.id);
  const b = after.get(record.resource.name)?.get(record.id);
  return a === undefined || b === undefined || !sameState(a, b) || !sameState(b, a);
}

/** The snapshot without these records (the same snapshot where there are none). */
function without(snapshot: Snapshot, records: readonly OwnedRecord[]): Snapshot {
  if (records.length === 0) return snapshot;
  const left = (resource: string, id: string) =>
    !records.some((r) => r.resource.name === resource && r.id === id);
  return new Map(
    [...snapshot].map(([resource, byId]) => [
      resource,
      new Map([...byId].filter(([id]) => left(resource, id))),
    ]),
  );
}

function isExchange(value: unknown): value is Exchange {
  return typeof value === "object" && value !== null && "request" in value && "seq" in value;
}

const DISTINCTIVE = 8;

/** Outcomes in which the target declined: nothing was served or done. */
const RESTRICTIVE: readonly ResponseClass[] = ["refusal", "unauthenticated", "invalid"];

/** Whether the target declined (see FailureDetail.restrictive). */
export function isRestrictive(exchange: Exchange): boolean {
  return RESTRICTIVE.includes(responseClassOf(exchange));
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
    actual: `${describeExchange(exchange)} with a body containing ${leaked.map((v) => JSON.stringify(v)).join(", ")}`,
    hint,
    exchange,
    kind: "leaked field values",
  });
}
