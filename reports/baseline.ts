// The regression gate of `run --baseline`: what got worse and what got better since an
// earlier JSON report, so that CI can hold a service that is not conformant yet to "no
// worse than last time". A pure function of two RunResults, plus its renderers (CLI text,
// baseline.md) and the SARIF `baselineState` of each result (SARIF 2.1.0 section 3.27.24).
//
// Decisions (the README's gate section repeats them):
// - Targets are matched by name (or, when both runs have one target each, those two);
//   requirements by ID; findings by their stable `key` within their requirement
//   (suites/result.ts `Finding.key`), never by titles, which name generated identities.
// - Verdicts are ordered NON-CONFORMANT (worst) < INCONCLUSIVE < CONFORMANT: INCONCLUSIVE
//   proves no failure, but it has lost the guarantee CONFORMANT gave.
// - Worse, and so exit 1: a requirement that failed now and did not in the baseline (MUST
//   or SHOULD: a new warning is a regression too), a requirement that passed and is now
//   inconclusive (a guarantee lost), a finding key new to its requirement, and a verdict
//   that dropped. A waived requirement (current manifest) never counts as worse: it is
//   listed, as waived. A target that could not be exercised now (a target-level error:
//   did not boot, died, interrupted) is not compared: its verdict drop and the requirements
//   it did not reach are listed, not counted, and the CLI exits 2 as for any run that could
//   not judge; a requirement it did find failing still counts (a failure is proof).
// - A target new to this run is compared with an empty baseline (its failures are new); a
//   target of the baseline missing from this run (another shard, another selection) is
//   listed and does not count.
// - A baseline of another result schema or profile is refused (BaselineMismatch): finding
//   keys and requirement IDs are only comparable within one.
import type {
  Finding,
  RequirementResult,
  RequirementStatus,
  RunResult,
  TargetResult,
  Verdict,
} from "../suites/result.ts";
import { isWaived } from "../suites/verdict.ts";
import { compareRequirementIds, findingsOf } from "./reportOutcome.ts";
import { mdInline, visibleControls } from "./text.ts";

/** A baseline the current run cannot be compared with; the message names cause and fix. */
export class BaselineMismatch extends Error {
  override name = "BaselineMismatch";
}

/** Worst first: the index is the rank, a lower rank is worse. */
const VERDICT_ORDER: readonly Verdict[] = ["NON-CONFORMANT", "INCONCLUSIVE", "CONFORMANT"];

export type Direction = "worse" | "better" | "same";

/** A status, or `absent` where the run did not have the requirement (not selected). */
export type ComparedStatus = RequirementStatus | "absent";

/**
 * How one requirement moved:
 * - `newly-failed`: failed now, not in the baseline (worse unless waived);
 * - `fixed`: failed in the baseline, passed now;
 * - `unjudged`: passed in the baseline, inconclusive now (worse unless waived);
 * - `judged`: inconclusive in the baseline, passed now;
 * - `other`: any other change of status (to or from skipped or absent, failed to
 *   inconclusive): listed, neither worse nor better.
 */
export type RequirementChangeKind = "newly-failed" | "fixed" | "unjudged" | "judged" | "other";

export interface RequirementChange {
  id: string;
  kind: RequirementChangeKind;
  from: ComparedStatus;
  to: ComparedStatus;
  /** The current run's waiver of it, if any: then it never counts as worse. */
  waiver?: string;
  /** For inconclusive and skipped now: why. */
  reason?: string;
}

/** A finding as the comparison lists it (no transcript: the reports have those). */
export interface FindingRef {
  requirement: string;
  key: string;
  title: string;
  /** The current run's waiver of its requirement, if any. */
  waiver?: string;
}

/** A finding of the baseline that this run did not report, with where it came from. */
export interface GoneFinding extends FindingRef {
  /** Its requirement's status now: `passed` (fixed), `failed` (other findings remain), ... */
  now: ComparedStatus;
  /**
   * What a writer needs to render it as the baseline reported it (SARIF `absent` results):
   * the current target it is compared under (its location and fingerprint), and the
   * baseline's requirement result, finding and the finding's place among its findings.
   */
  target: TargetResult;
  baseline: {
    requirement: RequirementResult;
    finding: Finding;
    position: { index: number; total: number };
  };
}

export interface TargetComparison {
  name: string;
  /** `new`: not in the baseline, compared with an empty one. */
  match: "matched" | "new";
  /** The baseline target it was compared with, when named otherwise (see pairTargets). */
  baselineName?: string;
  verdict: {
    baseline?: Verdict;
    current: Verdict;
    direction: Direction;
  };
  /** Set when the target could not be exercised now: it was not compared (CLI exit 2). */
  notCompared?: string;
  /** Status changes, in contract order. */
  changes: RequirementChange[];
  newFindings: FindingRef[];
  goneFindings: GoneFinding[];
  /**
   * Same key in both; `updated` when its requirement was waived in one run and not the
   * other, or changed level (SARIF `updated`).
   */
  unchangedFindings: Array<FindingRef & { updated: boolean }>;
  /** Whether anything here counts as worse. */
  worse: boolean;
}

export interface BaselineComparison {
  baseline: { startedAt: string; seed: number; numRuns: number };
  targets: TargetComparison[];
  /** Targets of the baseline this run did not have. */
  missingTargets: string[];
  /** Anything worse in any target: the gate fails (exit 1). */
  worse: boolean;
  /** Targets that could not be compared (exit 2 unless something is worse). */
  notCompared: string[];
}

/**
 * Throws BaselineMismatch when `baseline` is not a report this run can be compared with:
 * not a RunResult at all, or of another result schema or profile. `where` names the file.
 * The CLI checks a baseline before booting anything; compareWithBaseline checks it again
 * against the finished run.
 */
export function checkBaseline(
  baseline: unknown,
  current: Pick<RunResult, "schemaVersion" | "profile">,
  where = "baseline",
): asserts baseline is RunResult {
  const b = baseline as Partial<RunResult> | null;
  const fix = "re-run the baseline with this version of conformance and pass its conformance.json";
  if (
    b === null ||
    typeof b !== "object" ||
    typeof b.schemaVersion !== "string" ||
    !Array.isArray(b.targets)
  ) {
    throw new BaselineMismatch(`${where}: not a conformance JSON report; ${fix}`);
  }
  if (b.schemaVersion !== current.schemaVersion || b.profile !== current.profile) {
    throw new BaselineMismatch(
      `${where}: a report of result schema ${b.schemaVersion} (profile ${String(b.profile)}), this run writes ${current.schemaVersion} (profile ${current.profile}), whose findings cannot be compared; ${fix}`,
    );
  }
}

function direction(from: Verdict | undefined, to: Verdict): Direction {
  if (from === undefined) return to === "CONFORMANT" ? "same" : "worse";
  const d = VERDICT_ORDER.indexOf(to) - VERDICT_ORDER.indexOf(from);
  return d < 0 ? "worse" : d > 0 ? "better" : "same";
}

function changeKind(from: ComparedStatus, to: ComparedStatus): RequirementChangeKind {
  if (to === "failed") return "newly-failed";
  if (from === "failed" && to === "passed") return "fixed";
  if (from === "passed" && to === "inconclusive") return "unjudged";
  if (from === "inconclusive" && to === "passed") return "judged";
  return "other";
}

function ref(r: RequirementResult, f: Finding, waiver: string | undefined): FindingRef {
  return { requirement: r.id, key: f.key, title: f.title, ...(waiver ? { waiver } : {}) };
}

function compareTarget(
  baseline: TargetResult | undefined,
  current: TargetResult,
): TargetComparison {
  const before = new Map((baseline?.requirements ?? []).map((r) => [r.id, r]));
  const now = new Map(current.requirements.map((r) => [r.id, r]));
  const ids = [...new Set([...before.keys(), ...now.keys()])].sort(compareRequirementIds);
  const changes: RequirementChange[] = [];
  const newFindings: FindingRef[] = [];
  const goneFindings: GoneFinding[] = [];
  const unchangedFindings: TargetComparison["unchangedFindings"] = [];
  let worse = false;
  // A target that could not be exercised (did not boot, died, interrupted) says nothing
  // about what it did not reach; what it did find failing is proof all the same.
  const notCompared = current.error === undefined ? undefined : current.error.split("\n")[0];
  for (const id of ids) {
    const b = before.get(id);
    const c = now.get(id);
    const from: ComparedStatus = b?.status ?? "absent";
    const to: ComparedStatus = c?.status ?? "absent";
    const waiver = c !== undefined && isWaived(c) ? c.waiver : undefined;
    const kind = changeKind(from, to);
    // A target new to this run: every requirement is new to it, only failures are news.
    if (from !== to && !(baseline === undefined && kind === "other")) {
      changes.push({
        id,
        kind,
        from,
        to,
        ...(waiver ? { waiver } : {}),
        ...(c?.reason && (to === "inconclusive" || to === "skipped") ? { reason: c.reason } : {}),
      });
      if (!waiver && (kind === "newly-failed" || (kind === "unjudged" && !notCompared))) {
        worse = true;
      }
    }
    const old = new Map((b ? findingsOf(b) : []).map((f) => [f.key, f]));
    const fresh = new Map((c ? findingsOf(c) : []).map((f) => [f.key, f]));
    for (const [key, f] of fresh) {
      const o = old.get(key);
      if (o === undefined) {
        newFindings.push(ref(c!, f, waiver));
        if (!waiver) worse = true;
      } else {
        // Titles name generated identities, so they differ from seed to seed: not compared.
        const updated = isWaived(b!) !== isWaived(c!) || b!.meta.level !== c!.meta.level;
        unchangedFindings.push({ ...ref(c!, f, waiver), updated });
      }
    }
    // Findings of a requirement this run did not select were not looked for: not gone.
    for (const [key, f] of to === "absent" ? [] : old) {
      if (fresh.has(key)) continue;
      goneFindings.push({
        ...ref(b!, f, waiver),
        now: to,
        target: current,
        baseline: {
          requirement: b!,
          finding: f,
          position: { index: findingsOf(b!).indexOf(f), total: old.size },
        },
      });
    }
  }
  const verdictDirection = direction(baseline?.verdict, current.verdict);
  if (verdictDirection === "worse" && notCompared === undefined) worse = true;
  return {
    name: current.name,
    match: baseline === undefined ? "new" : "matched",
    ...(baseline !== undefined && baseline.name !== current.name
      ? { baselineName: baseline.name }
      : {}),
    verdict: {
      ...(baseline ? { baseline: baseline.verdict } : {}),
      current: current.verdict,
      direction: verdictDirection,
    },
    ...(notCompared === undefined ? {} : { notCompared }),
    changes,
    newFindings,
    goneFindings,
    unchangedFindings,
    worse,
  };
}

/**
 * Each target of `current` with its baseline target: the one of the same name; or, when
 * both runs have exactly one target, that one whatever its name (a renamed service, or
 * one service built two ways, compared before a switch).
 */
function pairTargets(
  baseline: RunResult,
  current: RunResult,
): Array<[TargetResult | undefined, TargetResult]> {
  const [onlyBefore] = baseline.targets;
  const [onlyNow] = current.targets;
  if (baseline.targets.length === 1 && current.targets.length === 1 && onlyBefore && onlyNow) {
    return [[onlyBefore, onlyNow]];
  }
  const byName = new Map<string, TargetResult>();
  for (const t of baseline.targets) if (!byName.has(t.name)) byName.set(t.name, t);
  return current.targets.map((t) => [byName.get(t.name), t]);
}

/**
 * What got worse and what got better from `baseline` to `current`, per target (see
 * pairTargets). Throws BaselineMismatch for a baseline of another schema version or profile.
 */
export function compareWithBaseline(baseline: RunResult, current: RunResult): BaselineComparison {
  checkBaseline(baseline, current);
  const pairs = pairTargets(baseline, current);
  const paired = new Set(pairs.map(([b]) => b));
  const targets = pairs.map(([b, t]) => compareTarget(b, t));
  return {
    baseline: {
      startedAt: baseline.startedAt,
      seed: baseline.config.seed,
      numRuns: baseline.config.numRuns,
    },
    targets,
    missingTargets: [...new Set(baseline.targets.filter((t) => !paired.has(t)).map((t) => t.name))],
    worse: targets.some((t) => t.worse),
    notCompared: targets.filter((t) => t.notCompared !== undefined).map((t) => t.name),
  };
}

/** SARIF 2.1.0 section 3.27.24. */
export type SarifBaselineState = "new" | "unchanged" | "updated" | "absent";

/**
 * The `baselineState` of the SARIF result for one finding of `requirement` in `target`
 * (or, with no key, for the requirement as a whole: a failed requirement without findings).
 */
export function baselineStateOf(
  comparison: BaselineComparison,
  target: string,
  requirement: string,
  key?: string,
): SarifBaselineState {
  const t = comparison.targets.find((x) => x.name === target);
  if (t === undefined) return "new";
  if (key === undefined) {
    const change = t.changes.find((c) => c.id === requirement);
    return change?.kind === "newly-failed" ? "new" : "unchanged";
  }
  const same = t.unchangedFindings.find((f) => f.requirement === requirement && f.key === key);
  if (same === undefined) return "new";
  return same.updated ? "updated" : "unchanged";
}

/** Findings of the baseline gone from this run: SARIF results with baselineState `absent`. */
export function absentFindings(comparison: BaselineComparison): GoneFinding[] {
  return comparison.targets.flatMap((t) => t.goneFindings);
}

// ---------------------------------------------------------------------------------------
// Rendering: one model of lines, two syntaxes (CLI text, baseline.md).

interface Line {
  text: string;
  /** Nested under the previous line of lower depth. */
  depth: 0 | 1 | 2;
}

function findingLine(f: FindingRef): string {
  return `${f.requirement} ${f.key}${f.title !== f.key ? ` (${f.title})` : ""}${f.waiver ? ` [waived: ${f.waiver}]` : ""}`;
}

function changeLine(c: RequirementChange): string {
  const waived = c.waiver ? ` [waived: ${c.waiver}]` : "";
  const why = c.reason ? `: ${c.reason}` : "";
  return `${c.id} ${c.from} -> ${c.to}${why}${waived}`;
}

function verdictLine(t: TargetComparison): string {
  const v = t.verdict;
  if (v.baseline === undefined) return `${v.current} (not in the baseline)`;
  const was = t.baselineName === undefined ? "" : ` (baseline: ${t.baselineName})`;
  if (v.baseline === v.current) return `${v.current} (unchanged)${was}`;
  return `${v.baseline} -> ${v.current} (${v.direction})${was}`;
}

function section(lines: Line[], title: string, items: string[]): void {
  if (items.length === 0) return;
  lines.push({ text: `${title}:`, depth: 1 });
  for (const text of items) lines.push({ text, depth: 2 });
}

function lines(c: BaselineComparison): Line[] {
  const out: Line[] = [];
  for (const t of c.targets) {
    const head = t.notCompared
      ? "NOT COMPARED"
      : t.worse
        ? "WORSE"
        : t.changes.length || t.goneFindings.length
          ? "NO WORSE"
          : "UNCHANGED";
    out.push({ text: `${head} ${t.name}: ${verdictLine(t)}`, depth: 0 });
    if (t.notCompared) out.push({ text: `could not be exercised: ${t.notCompared}`, depth: 1 });
    const of = (kinds: RequirementChangeKind[]) =>
      t.changes.filter((x) => kinds.includes(x.kind)).map(changeLine);
    section(out, "newly failed", of(["newly-failed"]));
    section(out, "no longer judged", of(["unjudged"]));
    section(out, "new findings", t.newFindings.map(findingLine));
    section(out, "fixed", of(["fixed"]));
    section(out, "judged again", of(["judged"]));
    section(
      out,
      "findings gone",
      t.goneFindings.map((f) => `${findingLine(f)}, now ${f.now}`),
    );
    section(out, "other changes", of(["other"]));
  }
  if (c.missingTargets.length > 0) {
    out.push({
      text: `not in this run (not compared): ${c.missingTargets.join(", ")}`,
      depth: 0,
    });
  }
  return out;
}

function summary(c: BaselineComparison): string {
  const worse = c.targets.filter((t) => t.worse).map((t) => t.name);
  if (worse.length > 0) return `worse than the baseline: ${worse.join(", ")}`;
  if (c.notCompared.length > 0)
    return `not compared (could not be exercised): ${c.notCompared.join(", ")}`;
  return "nothing got worse than the baseline";
}

/** The comparison as the CLI prints it: plain text, indented, one fact a line. */
export function baselineText(c: BaselineComparison): string {
  const head = `Baseline: run of ${c.baseline.startedAt} (seed ${c.baseline.seed}, ${c.baseline.numRuns} runs)`;
  const body = lines(c).map((l) => `${"  ".repeat(l.depth)}${visibleControls(l.text)}`);
  return `${[head, ...body, summary(c)].join("\n")}\n`;
}

/** baseline.md: the same comparison, as Markdown. */
export function baselineMarkdown(c: BaselineComparison): string {
  const body = lines(c).map((l) =>
    l.depth === 0
      ? `\n## ${mdInline(l.text)}\n`
      : `${"  ".repeat(l.depth - 1)}- ${mdInline(l.text)}`,
  );
  return `${[
    "# Comparison with the baseline",
    "",
    `Baseline: run of ${mdInline(c.baseline.startedAt)} (seed ${c.baseline.seed}, ${c.baseline.numRuns} runs).`,
    "",
    `**${mdInline(summary(c))}**`,
    ...body,
  ]
    .join("\n")
    // A heading with no list under it would leave two blank lines.
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}
