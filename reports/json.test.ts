import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { Exchange, RecordedRequest, RecordedResponse } from "../harness/http/exchange.ts";
import type { References, RequirementMeta } from "../suites/requirement.ts";
import type {
  Finding,
  Reproduction,
  RequirementResult,
  RunResult,
  TargetResult,
} from "../suites/result.ts";
import { targetVerdict } from "../suites/verdict.ts";
import { toJson } from "./json.ts";
import { mergeRuns } from "./mergeRuns.ts";
import { leakyRun, sampleRun } from "./testing/fixtures.ts";
import { golden } from "./testing/goldenFile.ts";
import { runResultValidator, SCHEMA_DIR } from "./testing/schemaValidators.ts";

const validate = runResultValidator();

describe("toJson", () => {
  test("matches the golden file", async () => {
    const json = toJson(sampleRun());
    expect(json).toBe(await golden("conformance.json", json));
  });

  test("is the RunResult itself: parsing it gives back the run", () => {
    const run = sampleRun();
    expect(JSON.parse(toJson(run))).toEqual(run);
  });

  test("does not depend on the order the runner built its objects in", () => {
    const reversed = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(reversed);
      if (v === null || typeof v !== "object") return v;
      return Object.fromEntries(
        Object.entries(v)
          .reverse()
          .map(([k, x]) => [k, reversed(x)]),
      );
    };
    const run = sampleRun({ hostile: true });
    expect(toJson(reversed(run) as RunResult)).toBe(toJson(run));
  });

  test("starts with the schema version and profile", () => {
    expect(toJson(sampleRun()).slice(0, 60)).toMatch(
      /^\{\n {2}"schemaVersion": "2\.0\.0",\n {2}"profile": "BAIP\/2"/,
    );
  });

  test("the sample targets carry the verdicts suites/verdict.ts gives them", () => {
    for (const t of sampleRun({ hostile: true }).targets) expect(targetVerdict(t)).toBe(t.verdict);
  });
});

describe("run-result.schema.json", () => {
  const runs: [string, RunResult][] = [
    ["sample", sampleRun()],
    ["hostile", sampleRun({ hostile: true })],
    ["leaky (after the writer's scrubbing)", leakyRun()],
    ["merged shards", mergeRuns([sampleRun(), sampleRun({ hostile: true })])],
  ];
  test.each(runs)("accepts the %s run", (_name, run) => {
    expect(validate(JSON.parse(toJson(run)))).toEqual([]);
  });

  test("rejects what the model does not allow", () => {
    const bad = (mutate: (r: RunResult) => void) => {
      const run = JSON.parse(toJson(sampleRun())) as RunResult;
      mutate(run);
      return validate(run);
    };
    expect(bad((r) => Object.assign(r, { schemaVersion: "1.0.0" }))).not.toEqual([]);
    expect(bad((r) => Object.assign(r.targets[0]!, { verdict: "PASS" }))).not.toEqual([]);
    expect(
      bad((r) => Object.assign(r.targets[0]!.requirements[0]!, { status: "warning" })),
    ).not.toEqual([]);
    expect(bad((r) => Object.assign(r.targets[0]!, { extra: 1 }))).not.toEqual([]);
    expect(bad((r) => Object.assign(r, { startedAt: "yesterday" }))).not.toEqual([]);
    const byId = (r: RunResult, t: number, id: string) =>
      r.targets[t]!.requirements.find((x) => x.id === id)!;
    // a failed requirement must say why, with at least one finding; a skipped one, a reason
    expect(bad((r) => delete byId(r, 1, "AUTHZ-01").failures)).not.toEqual([]);
    expect(bad((r) => Object.assign(byId(r, 1, "AUTHZ-01"), { failures: [] }))).not.toEqual([]);
    expect(bad((r) => delete byId(r, 1, "TLS-06").reason)).not.toEqual([]);
    expect(bad((r) => Object.assign(byId(r, 1, "TLS-06"), { reasonKind: "bad-luck" }))).not.toEqual(
      [],
    );
    // a finding has a key; a waiver has a reason
    expect(
      bad((r) => Reflect.deleteProperty(byId(r, 1, "AUTHZ-02").failures![1]!, "key")),
    ).not.toEqual([]);
    expect(bad((r) => Reflect.deleteProperty(r.targets[0]!.waivers![0]!, "reason"))).not.toEqual(
      [],
    );
    expect(bad((r) => Object.assign(r, { profile: "BAIP/1" }))).not.toEqual([]);
  });

  // Drift guard: the objects below must list every key of the model's types (tsc fails
  // when a field is added to suites/result.ts or harness/http/exchange.ts and not here),
  // and each must match the schema's properties exactly.
  const keys = {
    run: {
      schemaVersion: 1,
      profile: 1,
      tool: 1,
      startedAt: 1,
      finishedAt: 1,
      interrupted: 1,
      config: 1,
      targets: 1,
    } satisfies Record<keyof RunResult, 1>,
    config: { numRuns: 1, seed: 1, only: 1, skip: 1, shard: 1 } satisfies Record<
      keyof RunResult["config"],
      1
    >,
    targetResult: {
      name: 1,
      source: 1,
      verdict: 1,
      error: 1,
      bootMs: 1,
      durationMs: 1,
      requests: 1,
      requirements: 1,
      expectedFailures: 1,
      waivers: 1,
      excludedIdentities: 1,
    } satisfies Record<keyof TargetResult, 1>,
    waiver: { id: 1, reason: 1 } satisfies Record<
      keyof NonNullable<TargetResult["waivers"]>[number],
      1
    >,
    excludedIdentity: { username: 1, role: 1, reason: 1 } satisfies Record<
      keyof NonNullable<TargetResult["excludedIdentities"]>[number],
      1
    >,
    requirementResult: {
      id: 1,
      meta: 1,
      status: 1,
      durationMs: 1,
      numRuns: 1,
      requests: 1,
      failures: 1,
      reason: 1,
      reasonKind: 1,
      waiver: 1,
    } satisfies Record<keyof RequirementResult, 1>,
    requirementMeta: {
      id: 1,
      level: 1,
      family: 1,
      title: 1,
      sentence: 1,
      references: 1,
      remediation: 1,
    } satisfies Record<keyof RequirementMeta, 1>,
    references: { owasp: 1, cwe: 1, asvs4: 1, asvs5: 1 } satisfies Record<keyof References, 1>,
    finding: {
      key: 1,
      title: 1,
      expected: 1,
      actual: 1,
      hint: 1,
      reproduction: 1,
      transcript: 1,
    } satisfies Record<keyof Finding, 1>,
    reproduction: {
      seed: 1,
      path: 1,
      counterexample: 1,
      command: 1,
      curl: 1,
      credentials: 1,
    } satisfies Record<keyof Reproduction, 1>,
    exchange: {
      seq: 1,
      requirement: 1,
      authenticatedAs: 1,
      request: 1,
      response: 1,
      error: 1,
      durationMs: 1,
    } satisfies Record<keyof Exchange, 1>,
    request: {
      method: 1,
      url: 1,
      transport: 1,
      headers: 1,
      body: 1,
      bodyBytes: 1,
      bodyTruncated: 1,
      authorization: 1,
    } satisfies Record<keyof RecordedRequest, 1>,
    response: { status: 1, headers: 1, body: 1, bodyTruncated: 1 } satisfies Record<
      keyof RecordedResponse,
      1
    >,
  };

  test("lists exactly the fields of the result model", () => {
    const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, "run-result.schema.json"), "utf8"));
    const defs = schema.$defs;
    const props = (o: { properties: Record<string, unknown> }) => Object.keys(o.properties).sort();
    const sorted = (o: object) => Object.keys(o).sort();
    expect(props(schema)).toEqual(sorted(keys.run));
    expect(props(schema.properties.config)).toEqual(sorted(keys.config));
    // $defs are named after the types they are generated from (scripts/runResultSchema.ts)
    expect(props(defs.TargetResult)).toEqual(sorted(keys.targetResult));
    expect(props(defs.RequirementResult)).toEqual(sorted(keys.requirementResult));
    expect(props(defs.RequirementMeta)).toEqual(sorted(keys.requirementMeta));
    expect(props(defs.References)).toEqual(sorted(keys.references));
    expect(props(defs.TargetResult.properties.waivers.items)).toEqual(sorted(keys.waiver));
    expect(props(defs.TargetResult.properties.excludedIdentities.items)).toEqual(
      sorted(keys.excludedIdentity),
    );
    expect(props(defs.Finding)).toEqual(sorted(keys.finding));
    expect(props(defs.Reproduction)).toEqual(sorted(keys.reproduction));
    expect(props(defs.Exchange)).toEqual(sorted(keys.exchange));
    expect(props(defs.RecordedRequest)).toEqual(sorted(keys.request));
    expect(props(defs.RecordedResponse)).toEqual(sorted(keys.response));
  });
});
