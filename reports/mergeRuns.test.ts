import { describe, expect, test } from "vitest";
import type { RunResult } from "../suites/result.ts";
import { toJson } from "./json.ts";
import { mergeRuns } from "./mergeRuns.ts";
import { sampleRun } from "./testing/fixtures.ts";

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
    const authz = flask.requirements.find((r) => r.id === "AUTHZ-01")!;
    authz.status = "failed";
    authz.failures = structuredClone(failed.targets[1]!.requirements[1]!.failures);
    const merged = mergeRuns([passed, failed]);
    expect(merged.targets[0]!.requirements.map((r) => [r.id, r.status])).toEqual([
      ["AUTHN-02", "failed"], // waived
      ["AUTHN-06", "passed"],
      ["AUTHZ-01", "failed"],
      ["INPUT-01", "passed"],
      ["TLS-05", "passed"],
      ["TLS-06", "passed"],
    ]);
    expect(merged.targets[0]!.verdict).toBe("NON-CONFORMANT");
    expect(mergeRuns([failed, passed]).targets[0]!.requirements[2]!.status).toBe("failed");
  });

  test("two failed results of one requirement keep the findings of both, each key once", () => {
    const a = sampleRun();
    const b = sampleRun();
    const [patch, put] = a.targets[1]!.requirements[2]!.failures!;
    a.targets[1]!.requirements[2]!.failures = [patch!];
    b.targets[1]!.requirements[2]!.failures = [put!, patch!];
    const merged = mergeRuns([a, b]).targets[1]!.requirements[2]!;
    expect(merged.failures!.map((f) => f.key)).toEqual([patch!.key, put!.key]);
  });

  test("waivers and excluded identities survive the merge", () => {
    const merged = mergeRuns(shards());
    const run = sampleRun();
    for (const [i, t] of merged.targets.entries()) {
      expect(t.waivers).toEqual(run.targets[i]!.waivers);
      expect(t.excludedIdentities).toEqual(run.targets[i]!.excludedIdentities);
    }
    expect(merged.targets[0]!.verdict).toBe("CONFORMANT");
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
    const other = { ...sampleRun(), schemaVersion: "1.0.0" } as unknown as RunResult;
    expect(() => mergeRuns([sampleRun(), other])).toThrow(/cannot merge/);
    expect(() => mergeRuns([])).toThrow(/no results/);
  });
});
