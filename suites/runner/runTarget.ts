// Runs the catalogue against one started target: positive controls first, dependents
// INCONCLUSIVE when their control did not hold, cross-cutting inspectors over every
// exchange, verdict per CONTRACT.md section 5.
import type { Exchange } from "../../harness/http/exchange.ts";
import type { StartedTarget } from "../../harness/target/startedTarget.ts";
import { Inconclusive, RequirementFailure } from "../failure.ts";
import type { Requirement, Violation } from "../requirement.ts";
import type { Reproduction, RequirementResult } from "../result.ts";
import { type ExchangeSender, PropertyFailure, RunContext } from "./suiteContext.ts";

export interface RunTargetOptions {
  numRuns: number;
  seed: number;
  /** Replay: fast-check path of one failure (with `only` naming its requirement). */
  path?: string;
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
}

interface Inspection {
  requirement: Requirement;
  judged: number;
  violation?: Violation & { exchange: Exchange };
}

/** Positive controls run before everything that relies on them (CONTRACT.md 5). */
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
    .map((requirement) => ({ requirement, judged: 0 }));
  let requests = 0;
  const onExchange = (exchange: Exchange) => {
    requests++;
    for (const ins of inspections) {
      const verdict = ins.requirement.inspect!(exchange);
      if (!verdict.inScope) continue;
      ins.judged++;
      if (verdict.violation && !ins.violation) ins.violation = { ...verdict.violation, exchange };
    }
  };
  const ctx = new RunContext({
    target,
    sender,
    numRuns: options.numRuns,
    seed: options.seed,
    path: options.path,
    onExchange,
    signal: options.signal,
  });

  const results = new Map<string, RequirementResult>();
  for (const requirement of orderRequirements(requirements)) {
    const started = performance.now();
    const result = ctx.unavailable
      ? {
          ...base(requirement),
          status: "inconclusive" as const,
          reason: `not run: ${firstLine(ctx.unavailable.reason)}`,
        }
      : await runOne(ctx, requirement, results, options);
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

async function runOne(
  ctx: RunContext,
  requirement: Requirement,
  earlier: Map<string, RequirementResult>,
  options: RunTargetOptions,
): Promise<RequirementResult> {
  const result = base(requirement);
  // A failed positive control does not stop the check: a failure found anyway is real
  // (a wrong password that gets in fails AUTHN-03 whatever AUTHN-01 says), but a pass is
  // vacuous and reported INCONCLUSIVE (CONTRACT.md 5).
  const unmet = (requirement.dependsOn ?? []).filter((dep) => {
    const d = earlier.get(dep);
    return d !== undefined && d.status !== "passed";
  });
  if (requirement.preconditions?.includes("plaintext-port") && !ctx.target.plaintextUrl()) {
    return { ...result, status: "skipped", reason: "the target declares no plaintext listener" };
  }
  if (options.signal?.aborted)
    return { ...result, status: "inconclusive", reason: "run interrupted" };
  ctx.begin(requirement.meta.id);
  try {
    await requirement.check!(ctx);
    // A requirement leaves the seeded state behind for the next one.
    ctx.markDirty();
    await ctx.restore();
    const counts = { numRuns: ctx.cases, requests: ctx.requests };
    if (unmet.length > 0) {
      const why = unmet.map((d) => `${d} ${earlier.get(d)?.status}`).join(", ");
      return {
        ...result,
        ...counts,
        status: "inconclusive",
        reason: `no failure found, but a pass would be vacuous: positive control ${why}`,
      };
    }
    return { ...result, ...counts };
  } catch (error) {
    ctx.markDirty();
    await ctx.restore().catch(() => undefined);
    const counts = { numRuns: ctx.cases, requests: ctx.requests };
    if (error instanceof RequirementFailure && error.detail.restrictive && unmet.length > 0) {
      return {
        ...result,
        ...counts,
        status: "inconclusive",
        reason: `the target declined (${error.detail.actual}), which cannot be judged while positive control ${unmet.join(", ")} does not hold`,
      };
    }
    if (error instanceof RequirementFailure) {
      const repro = error instanceof PropertyFailure ? error.reproduction : undefined;
      const seed = repro?.seed ?? options.seed;
      const transcript = (error.detail.exchanges ?? []).map(forReport);
      const reproduction: Reproduction = {
        seed,
        ...(repro?.path ? { path: repro.path } : {}),
        ...(repro?.counterexample ? { counterexample: repro.counterexample } : {}),
        command: options.replayCommand?.(requirement.meta.id, seed, repro?.path) ?? "",
        curl: options.toCurl ? transcript.map(options.toCurl) : [],
        ...(options.credentialSources ? { credentials: options.credentialSources } : {}),
      };
      return {
        ...result,
        ...counts,
        status: "failed",
        failure: {
          title: error.detail.title,
          expected: error.detail.expected,
          actual: error.detail.actual,
          hint: error.detail.hint ?? requirement.meta.remediation,
          reproduction,
          transcript,
        },
      };
    }
    if (error instanceof Inconclusive)
      return { ...result, ...counts, status: "inconclusive", reason: firstLine(error.reason) };
    return {
      ...result,
      ...counts,
      status: "inconclusive",
      reason: `internal error: ${String(error)}`,
    };
  }
}

function judgeInspection(ins: Inspection, options: RunTargetOptions): RequirementResult {
  const result = base(ins.requirement);
  result.numRuns = ins.judged;
  if (ins.violation) {
    const { exchange, ...v } = ins.violation;
    return {
      ...result,
      status: "failed",
      failure: {
        ...v,
        hint: ins.requirement.meta.remediation,
        reproduction: {
          seed: options.seed,
          command:
            options.replayCommand?.(
              exchange.requirement ?? ins.requirement.meta.id,
              options.seed,
              undefined,
            ) ?? "",
          curl: options.toCurl ? [options.toCurl(exchange)] : [],
          ...(options.credentialSources ? { credentials: options.credentialSources } : {}),
        },
        transcript: [forReport(exchange)],
      },
    };
  }
  if (ins.judged === 0) {
    return {
      ...result,
      status: "inconclusive",
      reason: "no exchange of this run was in scope, so nothing was judged",
    };
  }
  return result;
}
