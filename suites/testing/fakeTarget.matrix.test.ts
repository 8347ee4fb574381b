// The fake's defect table is data other tests rely on: check that its INPUT and MODEL
// entries say the truth, with the positive controls they depend on (AUTHN-01, AUTHZ-05).
import { describe, expect, it } from "vitest";
import { requirement as AUTHN_01 } from "../authn/AUTHN-01.valid-credentials-authenticate.ts";
import { requirement as AUTHZ_05 } from "../authz/AUTHZ-05.owners-and-admins-allowed.ts";
import { requirement as INPUT_01 } from "../input/INPUT-01.unknown-keys-rejected-atomically.ts";
import { requirement as INPUT_02 } from "../input/INPUT-02.non-object-bodies-rejected.ts";
import { requirement as INPUT_03 } from "../input/INPUT-03.invalid-values-rejected.ts";
import { requirement as INPUT_04 } from "../input/INPUT-04.valid-writes-round-trip.ts";
import { requirement as INPUT_05 } from "../input/INPUT-05.non-json-content-type-rejected.ts";
import { requirement as INPUT_06 } from "../input/INPUT-06.oversized-body-rejected.ts";
import { requirement as MODEL_01 } from "../model/MODEL-01.operations-agree-with-model.ts";
import { runTarget } from "../runner/runTarget.ts";
import {
  createFakeTarget,
  FAKE_DEFECTS,
  type FakeDefect,
  type FakeDefectSpec,
} from "./fakeTarget.ts";

const REQUIREMENTS = [
  AUTHN_01,
  AUTHZ_05,
  INPUT_01,
  INPUT_02,
  INPUT_03,
  INPUT_04,
  INPUT_05,
  INPUT_06,
  MODEL_01,
];
const JUDGED = REQUIREMENTS.map((r) => r.meta.id).filter((id) => /^(INPUT|MODEL)-/.test(id));

async function statuses(defects: FakeDefect[]) {
  const fake = createFakeTarget({ defects });
  const outcome = await runTarget(fake.target, fake.sender, REQUIREMENTS, { numRuns: 30, seed: 1 });
  return new Map(outcome.requirements.map((r) => [r.id, r]));
}

describe("FAKE_DEFECTS tells the truth about INPUT and MODEL", () => {
  it("the compliant fake passes every one of them", async () => {
    const byId = await statuses([]);
    for (const r of byId.values())
      expect(r.status, `${r.id}: ${r.failure?.title ?? r.reason}`).toBe("passed");
  });

  it.each(Object.keys(FAKE_DEFECTS) as FakeDefect[])("%s", async (defect) => {
    const spec: FakeDefectSpec = FAKE_DEFECTS[defect];
    const byId = await statuses([defect]);
    for (const id of JUDGED) {
      const r = byId.get(id)!;
      const why = `${id}: ${r.status} ${r.failure?.title ?? r.reason ?? ""}`;
      if (spec.breaks.includes(id)) expect(r.status, why).toBe("failed");
      else if (!spec.mayBreak?.includes(id)) expect(r.status, why).not.toBe("failed");
    }
  });
});
