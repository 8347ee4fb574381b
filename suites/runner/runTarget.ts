// Runs the catalogue against one started target: positive controls first, dependents
// INCONCLUSIVE when their control did not hold, cross-cutting inspectors over every
// exchange, verdict per docs/SPEC.md section 5.
import type { Exchange } from "../../harness/http/exchange.ts";
import type { StartedTarget } from "../../harness/target/startedTarget.ts";
import { Inconclusive, RequirementFailure, SuiteError } from "../failure.ts";
import type { Requirement, Violation } from "../requirement.ts";
import type { Finding, Reproduction, RequirementResult, TargetResult } from "../result.ts";
import { findingKey } from "./findings.ts";
import {
  type ExchangeSender,
  type PropertyReproduction,
  type RecordedFinding,
  RunContext,
  TargetUnavailable,
} from "./suiteContext.ts";

export interface RunTargetOptions {
  numRuns: number;
  seed: number;
  /** Replay: fast-check path of one failure (with `only` naming its requirement). */
  path?: string;
  /**
   * Every case one at a time (see PropertyRunner.runInBatches). Default: batches for
   * container targets, serial for URL targets.
   */
  serial?: boolean;
  signal?: AbortSignal;
  onProgress?: (event: {
    requirement: string;
    status: RequirementResult["status"];
    durationMs: number;
  }) => void;
  /** Builds the replay command of a failure (the CLI knows how it was invoked). */
  replayCommand?: (requirementId: string, seed: number, path: string | undefined) => string;
  /** Builds curl lines for a failure's exchanges (credentials by reference). */
  toCurl?: (exchange: Exchange) => string;
  /** Where the credentials of reproductions come from (never the credentials). */
  credentialSources?: string[];
}

export interface TargetRunOutcome {
  requirements: RequirementResult[];
  requests: number;
  /**
   * Why the run stopped early: the target stopped answering or its container died
   * (TargetUnavailable). The target is then INCONCLUSIVE, whatever was judged before.
   */
  unavailable?: string;
  /** Identities left out after AUTHN-01 found their valid credentials refused. */
  excludedIdentities?: TargetResult["excludedIdentities"];
}

interface Inspection {
  requirement: Requirement;
  judged: number;
  violations: Array<Violation & { exchange: Exchange; key: string }>;
}

/** Positive controls run before everything that relies on them (docs/SPEC.md 5). */
export function orderRequirements(requirements: readonly Requirement[]): Requirement[] {
  const byId = new Map(requirements.map((r) => [r.meta.id, r]));
  const done = new Set<string>();
  const ordered: Requirement[] = [];
  const visit = (r: Requirement) => {
    if (done.has(r.meta.id)) return;
    done.add(r.meta.id);
    for (const dep of r.dependsOn ?? []) {
      const d = byId.get(dep);
      if (d) visit(d);
    }
    ordered.push(r);
  };
  for (const r of requirements.filter((r) => r.check)) visit(r);
  return ordered;
}

export async function runTarget(
  target: StartedTarget,
  sender: ExchangeSender,
  requirements: readonly Requirement[],
  options: RunTargetOptions,
): Promise<TargetRunOutcome> {
  const inspections: Inspection[] = requirements
    .filter((r) => r.inspect)
    .map((requirement) => ({ requirement, judged: 0, violations: [] }));
  let requests = 0;
  const onExchange = (exchange: Exchange) => {
    requests++;
    for (const ins of inspections) {
      const verdict = ins.requirement.inspect!(exchange);
      if (!verdict.inScope) continue;
      ins.judged++;
      const violation = verdict.violation;
      if (violation === undefined || ins.violations.length >= MAX_VIOLATIONS) continue;
      const key = findingKey({ ...violation, exchange, kind: violation.title }, ctx.findingScope);
      if (!ins.violations.some((v) => v.key === key))
        ins.violations.push({ ...violation, exchange, key });
    }
  };
  const ctx = new RunContext({
    target,
    sender,
    numRuns: options.numRuns,
    seed: options.seed,
    path: options.path,
    // A URL target cannot be reset: a batch whose cases changed what the API cannot put
    // back would leave the serial replay nothing to find. Batches only where any change
    // can be undone (a container), unless the caller decides.
    serial: options.serial ?? "url" in target.manifest.boot,
    onExchange,
    signal: options.signal,
  });
  // Sign-ups, records created through the API, the baseline read back (docs/SPEC.md 1b).
  // A target gone or a run interrupted here leaves every requirement inconclusive below.
  await ctx.establish().catch((error: unknown) => {
    if (!(error instanceof Inconclusive)) throw error;
  });

  const results = new Map<string, RequirementResult>();
  for (const requirement of orderRequirements(requirements)) {
    const started = performance.now();
    const result: RequirementResult = ctx.unavailable
      ? {
          ...base(requirement),
          status: "inconclusive" as const,
          reason: `not run: ${firstLine(ctx.unavailable.reason)}`,
          reasonKind: "target-unavailable",
        }
      : await runOne(ctx, requirement, results, options);
    // Valid credentials of some identities did not work: the rest of the catalogue runs
    // with those that do, rather than going INCONCLUSIVE as a whole (one broken feature
    // must not blind the rest); the report names who was left out and why.
    if (
      requirement.meta.id === CREDENTIALS_CONTROL &&
      result.status === "failed" &&
      !ctx.unavailable
    )
      await ctx.excludeUnauthenticated().catch((error: unknown) => {
        if (!(error instanceof Inconclusive)) throw error;
      });
    result.durationMs = Math.round(performance.now() - started);
    results.set(requirement.meta.id, result);
    options.onProgress?.({
      requirement: requirement.meta.id,
      status: result.status,
      durationMs: result.durationMs,
    });
  }
  for (const ins of inspections) {
    const result = judgeInspection(ins, options);
    results.set(ins.requirement.meta.id, result);
    options.onProgress?.({
      requirement: ins.requirement.meta.id,
      status: result.status,
      durationMs: 0,
    });
  }
  // Report in catalogue order, whatever order they ran in.
  return {
    requirements: requirements.map((r) => results.get(r.meta.id)!).filter(Boolean),
    requests,
    ...(ctx.unavailable ? { unavailable: ctx.unavailable.reason } : {}),
    ...(ctx.excludedIdentities.length > 0 ? { excludedIdentities: ctx.excludedIdentities } : {}),
  };
}

/** Response body characters a report keeps per exchange of a failure's transcript. */
export const REPORT_BODY_CHARS = 16 * 1024;

/**
 * An exchange as a report keeps it: response bodies cut to REPORT_BODY_CHARS. Checks read
 * up to the client's cap (256 KiB); a target answering every request with a huge body
 * would otherwise put megabytes per failure into each report format.
 */
function forReport(exchange: Exchange): Exchange {
  const response = exchange.response;
  if (response === undefined || response.body.length <= REPORT_BODY_CHARS) return exchange;
  const last = response.body.charCodeAt(REPORT_BODY_CHARS - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? REPORT_BODY_CHARS - 1 : REPORT_BODY_CHARS;
  return {
    ...exchange,
    response: { ...response, body: response.body.slice(0, end), bodyTruncated: true },
  };
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? "";
}

function base(requirement: Requirement): RequirementResult {
  return {
    id: requirement.meta.id,
    meta: requirement.meta,
    status: "passed",
    durationMs: 0,
    numRuns: 0,
    requests: 0,
  };
}

/**
 * The positive control of valid credentials: after it fails, identities whose credentials
 * do not work are left out, and it holds for the rest of the run with the others.
 */
const CREDENTIALS_CONTROL = "AUTHN-01";

/**
 * The positive controls `requirement` depends on that did not hold. AUTHN-01 failed only
 * for identities that were then left out of the run still holds for the rest: what runs
 * after it runs with the identities that can authenticate.
 */
function unmetControls(
  ctx: RunContext,
  requirement: Requirement,
  earlier: Map<string, RequirementResult>,
): string[] {
  return (requirement.dependsOn ?? []).filter((dep) => {
    const d = earlier.get(dep);
    if (d === undefined || d.status === "passed") return false;
    return !(
      dep === CREDENTIALS_CONTROL &&
      d.status === "failed" &&
      ctx.excludedIdentities.length > 0
    );
  });
}

/** Stops the run, rather than the requirement: the target is gone or the run is over. */
function isFatal(ctx: RunContext, error: Inconclusive, signal?: AbortSignal): boolean {
  return error instanceof TargetUnavailable || ctx.unavailable !== undefined || !!signal?.aborted;
}

async function runOne(
  ctx: RunContext,
  requirement: Requirement,
  earlier: Map<string, RequirementResult>,
  options: RunTargetOptions,
): Promise<RequirementResult> {
  const result = base(requirement);
  // A failed positive control does not stop the check: a failure found anyway is real
  // (a wrong password that gets in fails AUTHN-03 whatever AUTHN-01 says), but a pass is
  // vacuous and reported INCONCLUSIVE (docs/SPEC.md 5).
  const unmet = unmetControls(ctx, requirement, earlier);
  if (requirement.preconditions?.includes("plaintext-port") && !ctx.target.plaintextUrl()) {
    return {
      ...result,
      status: "skipped",
      reason: "the target declares no plaintext listener",
      reasonKind: "precondition",
    };
  }
  const notApplicable = requirement.notApplicable?.(ctx);
  if (notApplicable !== undefined)
    return { ...result, status: "skipped", reason: notApplicable, reasonKind: "precondition" };
  if (options.signal?.aborted)
    return {
      ...result,
      status: "inconclusive",
      reason: "run interrupted",
      reasonKind: "interrupted",
    };
  ctx.begin(requirement.meta.id);
  let stopped: Inconclusive | undefined;
  const settle = (error: unknown) => {
    if (error instanceof RequirementFailure) ctx.recordFailure(error);
    else if (error instanceof Inconclusive) {
      if (isFatal(ctx, error, options.signal)) stopped ??= error;
      else ctx.inconclusive ??= error;
    } else if (error instanceof SuiteError) throw error;
    else
      throw new SuiteError(
        `${requirement.meta.id}: internal error of the suite (not a verdict about the target): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        error,
      );
  };
  try {
    await requirement.check!(ctx);
  } catch (error) {
    settle(error);
  }
  // A requirement leaves the seeded state behind for the next one.
  ctx.markDirty();
  if (!stopped) await ctx.restore().catch(settle);
  const counts = { numRuns: ctx.cases, requests: ctx.requests };
  // While a positive control does not hold, the target may decline everything: a
  // refusal where a success was due proves nothing, and only the other findings stand.
  const declined = unmet.length > 0 ? ctx.findings.filter((f) => f.detail.restrictive) : [];
  const findings = ctx.findings.filter((f) => !declined.includes(f));
  if (findings.length > 0) {
    return {
      ...result,
      ...counts,
      status: "failed",
      failures: findings.map((f) => toFinding(requirement, f, options)),
    };
  }
  if (declined.length > 0) {
    return {
      ...result,
      ...counts,
      status: "inconclusive",
      reason: `the target declined (${declined[0]!.detail.actual}), which cannot be judged while positive control ${unmet.join(", ")} does not hold`,
      reasonKind: "positive-control",
    };
  }
  const notJudged = stopped ?? ctx.inconclusive;
  const lost = ctx.lostRecords[0];
  if (notJudged?.kind === "precondition" && lost !== undefined)
    // Nothing left to draw from because records were lost: that is the reason to name.
    return {
      ...result,
      ...counts,
      status: "inconclusive",
      reason: `records were left out of the run: ${lost.reason}`,
      reasonKind: "state-unreadable",
    };
  if (notJudged) {
    return {
      ...result,
      ...counts,
      status: "inconclusive",
      reason: firstLine(notJudged.reason),
      reasonKind: stopped && options.signal?.aborted ? "interrupted" : notJudged.kind,
    };
  }
  if (unmet.length > 0) {
    const why = unmet.map((d) => `${d} ${earlier.get(d)?.status}`).join(", ");
    return {
      ...result,
      ...counts,
      status: "inconclusive",
      reason: `no failure found, but a pass would be vacuous: positive control ${why}`,
      reasonKind: "positive-control",
    };
  }
  // A URL target's record the suite could not put back was left out: what ran without
  // it cannot claim the pass it would have needed that record for (docs/SPEC.md 1b).
  if (lost !== undefined)
    return {
      ...result,
      ...counts,
      status: "inconclusive",
      reason: `no failure found, but not every record could be exercised: ${lost.reason}`,
      reasonKind: "state-unreadable",
    };
  return { ...result, ...counts };
}

/** A recorded finding as reports show it: transcript cut for reports, reproduction built. */
function toFinding(
  requirement: Requirement,
  finding: RecordedFinding,
  options: RunTargetOptions,
): Finding {
  const transcript = (finding.detail.exchanges ?? []).map(forReport);
  return {
    key: finding.key,
    title: finding.detail.title,
    expected: finding.detail.expected,
    actual: finding.detail.actual,
    hint: finding.detail.hint ?? requirement.meta.remediation,
    reproduction: reproductionOf(requirement.meta.id, finding.reproduction, transcript, options),
    transcript,
  };
}

/**
 * How a finding is replayed: the seed and path of its property (a cross-cutting finding
 * has none: the run's seed and the requirement that sent the exchange replay it), the
 * CLI command, and curl lines whose credentials come from environment variables.
 */
function reproductionOf(
  requirementId: string,
  property: PropertyReproduction | undefined,
  transcript: readonly Exchange[],
  options: RunTargetOptions,
): Reproduction {
  const seed = property?.seed ?? options.seed;
  return {
    seed,
    ...(property?.path ? { path: property.path } : {}),
    ...(property?.counterexample ? { counterexample: property.counterexample } : {}),
    command: options.replayCommand?.(requirementId, seed, property?.path) ?? "",
    curl: options.toCurl ? transcript.map(options.toCurl) : [],
    ...(options.credentialSources ? { credentials: options.credentialSources } : {}),
  };
}

/** Distinct violations an inspector keeps (per operation and kind), first seen first. */
const MAX_VIOLATIONS = 8;

function judgeInspection(ins: Inspection, options: RunTargetOptions): RequirementResult {
  const result = base(ins.requirement);
  result.numRuns = ins.judged;
  if (ins.violations.length > 0) {
    return {
      ...result,
      status: "failed",
      failures: ins.violations.map(({ exchange, key, ...v }) => {
        const transcript = [forReport(exchange)];
        const replayed = exchange.requirement ?? ins.requirement.meta.id;
        return {
          key,
          ...v,
          hint: ins.requirement.meta.remediation,
          reproduction: reproductionOf(replayed, undefined, transcript, options),
          transcript,
        };
      }),
    };
  }
  if (ins.judged === 0) {
    return {
      ...result,
      status: "inconclusive",
      reason: "no exchange of this run was in scope, so nothing was judged",
      reasonKind: "nothing-in-scope",
    };
  }
  return result;
}
