import { describe, expect, test } from "vitest";
import type { RunResult } from "../suites/result.ts";
import { sampleRun } from "./fixtures.ts";
import { toJson } from "./json.ts";
import { mergeRuns } from "./mergeRuns.ts";

/** The sample run cut into shards that each hold some requirements of every target. */
function shards(): RunResult[] {
  const a = sampleRun();
  const b = sampleRun();
  a.config.shard = { index: 1, count: 2 };
  b.config.shard = { index: 2, count: 2 };
  a.finishedAt = "2025-03-14T09:27:30.000Z";
  b.startedAt = "2025-03-14T09:27:00.000Z";
  for (const [i, t] of a.targets.entries()) {
    const u = b.targets[i]!;
    t.requirements = t.requirements.filter((_, j) => j % 2 === 0);
    u.requirements = u.requirements.filter((_, j) => j % 2 === 1);
    t.durationMs = 1000;
    u.durationMs = 2000;
    t.requests = 10;
    u.requests = 20;
  }
  return [b, a];
}

describe("mergeRuns", () => {
  test("shards of a run merge back into the run", () => {
    const merged = mergeRuns(shards());
    const run = sampleRun();
    expect(merged.startedAt).toBe(run.startedAt);
    expect(merged.finishedAt).toBe(run.finishedAt);
    expect(merged.config).toEqual(run.config);
    expect(merged.targets.map((t) => [t.name, t.verdict, t.durationMs, t.requests])).toEqual([
      ["reference-flask", "CONFORMANT", 3000, 30],
      ["broken-bola", "NON-CONFORMANT", 3000, 30],
      ["broken-no-boot", "INCONCLUSIVE", 3000, 30],
    ]);
    for (const [i, t] of merged.targets.entries()) {
      expect(t.requirements).toEqual(run.targets[i]!.requirements);
      expect(t.error).toBe(run.targets[i]!.error);
      expect(t.expectedFailures).toEqual(run.targets[i]!.expectedFailures);
    }
  });

  test("merging is insensitive to shard order", () => {
    const [x, y] = shards();
    expect(toJson(mergeRuns([x!, y!]))).toBe(toJson(mergeRuns([y!, x!])));
  });

  test("a requirement reported twice keeps the more telling result", () => {
    const passed = sampleRun();
    const failed = sampleRun();
    const flask = failed.targets[0]!;
    const authz = flask.requirements[1]!;
    authz.status = "failed";
    authz.failure = structuredClone(failed.targets[1]!.requirements[1]!.failure);
    const merged = mergeRuns([passed, failed]);
    expect(merged.targets[0]!.requirements.map((r) => r.status)).toEqual([
      "passed",
      "failed",
      "passed",
      "passed",
      "passed",
    ]);
    expect(merged.targets[0]!.verdict).toBe("NON-CONFORMANT");
    expect(mergeRuns([failed, passed]).targets[0]!.requirements[1]!.status).toBe("failed");
  });

  test("an interrupted shard makes the run interrupted and its targets INCONCLUSIVE (unless a MUST failed)", () => {
    const [x, y] = shards();
    y!.interrupted = true;
    const merged = mergeRuns([x!, y!]);
    expect(merged.interrupted).toBe(true);
    expect(merged.targets.map((t) => t.verdict)).toEqual([
      "INCONCLUSIVE",
      "NON-CONFORMANT",
      "INCONCLUSIVE",
    ]);
  });

  test("refuses to merge different profiles or schema versions, or nothing", () => {
    const other = { ...sampleRun(), schemaVersion: "2.0.0" } as unknown as RunResult;
    expect(() => mergeRuns([sampleRun(), other])).toThrow(/cannot merge/);
    expect(() => mergeRuns([])).toThrow(/no results/);
  });
});
