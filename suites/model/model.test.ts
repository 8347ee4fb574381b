import { describe, expect, it } from "vitest";
import type { Identity } from "../../harness/identity/identity.ts";
import type { OwnedRecord } from "../lib/resourceApi.ts";
import type { RequirementResult } from "../result.ts";
import { runTarget } from "../runner/runTarget.ts";
import { createFakeTarget, type FakeDefect } from "../testing/fakeTarget.ts";
import { requirement as MODEL_01 } from "./MODEL-01.operations-agree-with-model.ts";
import { addCreated, entryOf, type Model } from "./model.ts";
import { createTaskFake, TASK_IDENTITIES, type TaskDefect, taskManifest } from "./taskFake.ts";

async function run(
  defects: FakeDefect[],
  options: { plaintext?: boolean; seed?: number; numRuns?: number } = {},
) {
  const fake = createFakeTarget({ defects, plaintext: options.plaintext ?? true });
  const outcome = await runTarget(fake.target, fake.sender, [MODEL_01], {
    numRuns: options.numRuns ?? 40,
    seed: options.seed ?? 424242,
  });
  return { fake, result: outcome.requirements[0]! };
}

/** Every finding, the first first, in one line each; or why it did not fail. */
function text(r: RequirementResult): string {
  const fs = r.failures ?? [];
  return fs.length > 0
    ? fs.map((f) => `${f.title} | expected ${f.expected} | actual ${f.actual}`).join("\n")
    : `${r.status}: ${r.reason ?? ""}`;
}

/** Number of steps in the (shrunk) sequence the first finding reports. */
function steps(r: RequirementResult): number {
  return (r.failures?.[0]?.actual.match(/\[\d+\] /g) ?? []).length;
}

describe("MODEL-01 against the in-process fake", () => {
  it("passes on the compliant fake, exercising every kind of step", async () => {
    const { result, fake } = await run([]);
    expect(result.status, text(result)).toBe("passed");
    const seen = new Set(fake.exchanges.map((e) => `${e.request.transport} ${e.request.method}`));
    for (const s of ["tls GET", "tls PUT", "tls PATCH"]) expect(seen).toContain(s);
    expect([...seen].some((s) => s.startsWith("plaintext "))).toBe(true);
    const statuses = new Set(fake.exchanges.map((e) => e.response?.status));
    for (const s of [200, 401, 403]) expect(statuses).toContain(s);
    expect([...statuses].some((s) => s === 400 || s === 422)).toBe(true);
  });

  it("sends no plaintext step when the target declares no plaintext listener", async () => {
    const { result, fake } = await run([], { plaintext: false, numRuns: 10 });
    expect(result.status, text(result)).toBe("passed");
    expect(fake.exchanges.some((e) => e.request.transport === "plaintext")).toBe(false);
  });

  it("depends on the positive controls", () => {
    expect(MODEL_01.dependsOn).toEqual(["AUTHZ-05", "INPUT-04"]);
    expect(MODEL_01.meta).toMatchObject({ id: "MODEL-01", level: "MUST", family: "MODEL" });
  });

  const cases: [FakeDefect, RegExp][] = [
    ["bolaWrite", /disagrees with the model.*expected refusal.*\(success\)/s],
    ["massAssignment", /unknown key.*expected invalid.*\(success\)/s],
    ["nonAtomic", /\(invalid (email|display_name)\)|unknown key.*read-back/s],
    ["patchClearsOtherField", /PATCH.*read-back.*disagrees/s],
    ["plaintextServes", /over plaintext HTTP.*expected no success/s],
    ["plaintextWriteThenRedirect", /over plaintext HTTP.*read-back.*disagrees/s],
    ["staleProfileAfterAdminWrite", /profile.*disagrees with the model/s],
    ["writesRefused", /expected success.*\(refusal\)/s],
    ["lowercasesEmail", /read-back.*disagrees.*email=/s],
  ];
  it.each(cases)("fails on %s, shrunk to a short sequence", async (defect, reason) => {
    const { result } = await run([defect]);
    expect(result.status, text(result)).toBe("failed");
    expect(text(result)).toMatch(reason);
    expect(text(result)).toMatch(/^step \d+ \(/);
    expect(steps(result)).toBeGreaterThan(0);
    expect(steps(result)).toBeLessThanOrEqual(3);
    for (const f of result.failures!) {
      expect(f.reproduction.counterexample).toBeTruthy();
      expect(f.transcript.length).toBeGreaterThan(0);
    }
  });

  it("never sends or reports a password", async () => {
    const { result, fake } = await run(["bolaWrite"]);
    const passwords = fake.target.identities().map((i) => i.password);
    const shown = JSON.stringify({
      requests: fake.exchanges.map((e) => e.request),
      failures: result.failures,
    });
    for (const p of passwords) expect(shown).not.toContain(p);
  });
});

describe("MODEL-01 against the in-process BAIP/2 task service", () => {
  async function runTasks(
    defects: TaskDefect[],
    options: { reuseIds?: boolean; seed?: number; numRuns?: number } = {},
  ) {
    const fake = createTaskFake({ defects, reuseIds: options.reuseIds ?? false });
    const outcome = await runTarget(fake.target, fake.sender, [MODEL_01], {
      numRuns: options.numRuns ?? 100,
      seed: options.seed ?? 424242,
    });
    return { fake, result: outcome.requirements[0]! };
  }

  it("passes on the compliant service, exercising every kind of operation", async () => {
    const { result, fake } = await runTasks([]);
    expect(result.status, text(result)).toBe("passed");
    const seen = new Set(
      fake.exchanges.map((e) => {
        const path = new URL(e.request.url).pathname.replace(/\d+/g, "{id}");
        return `${e.request.method} ${path} ${e.response?.status}`;
      }),
    );
    for (const s of [
      "POST /tasks 201",
      "GET /tasks 200",
      "GET /task 200",
      "GET /task 404",
      "PUT /task 200",
      "PATCH /tasks/{id} 200",
      "DELETE /tasks/{id} 204",
      "DELETE /tasks/{id} 404",
      "POST /tasks/delete 204",
      "POST /tasks/complete 200",
      "POST /tasks/complete 404",
      "PATCH /me 200",
      "PATCH /me 422",
      "GET /me 401",
    ])
      expect(seen).toContain(s);
  });

  it("passes on a service that hands a deleted task's id to the next one", async () => {
    const { result } = await runTasks([], { reuseIds: true });
    expect(result.status, text(result)).toBe("passed");
  });

  it("a deleted record whose id a later create reuses is no longer judged by that id", () => {
    const task = taskManifest().resources[1]!;
    const [alice, bob] = TASK_IDENTITIES as [Identity, Identity];
    const old: OwnedRecord = { resource: task, id: "7", owner: alice, key: "task#alice#0" };
    const model: Model = {
      entries: new Map([[old.key, { record: old, state: undefined, superseded: false }]]),
      created: new Map(),
    };
    const made: OwnedRecord = { resource: task, id: "7", owner: bob, key: "task#7" };
    addCreated(model, made, { id: 7, title: "t" });
    expect(entryOf(model, { key: old.key })).toBeUndefined();
    expect(entryOf(model, { resource: "task", latest: 0 })?.record).toBe(made);
    expect(entryOf(model, { resource: "task", latest: 1 })).toBeUndefined();
  });

  const cases: [TaskDefect, RegExp][] = [
    ["deleteByBodyIdUnchecked", /deletes task .* via POST \/tasks\/delete.*expected refusal/s],
    ["completeUnchecked", /complete.*expected refusal.*\(success\)/s],
    ["queryReadUnchecked", /via read #1.*expected refusal.*\(success\)/s],
    ["listShowsAll", /the list shows task .* who may not read it/s],
    ["listKeepsDeleted", /the list shows task \d+, deleted earlier/s],
    ["softDelete", /still readable after its delete succeeded/s],
    ["completeClearsNotes", /complete.*read-back.*disagrees.*notes=/s],
    ["createDropsNotes", /creates a task.*read-back.*disagrees.*notes=/s],
    ["patchMeIgnored", /PATCH account.*read-back.*disagrees.*display_name=/s],
  ];
  it.each(cases)("fails on %s, shrunk to a short sequence", async (defect, reason) => {
    const { result } = await runTasks([defect]);
    expect(result.status, text(result)).toBe("failed");
    expect(text(result)).toMatch(reason);
    expect(steps(result)).toBeGreaterThan(0);
    expect(steps(result)).toBeLessThanOrEqual(3);
  });
});
