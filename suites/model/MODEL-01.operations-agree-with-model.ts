// Model-based testing (fast-check `commands` + `asyncModelRun`): random sequences of
// reads, lists, creates, valid and invalid updates, deletes, actions, cross-user and
// admin attempts, wrong passwords and plaintext attempts, over every declared resource,
// each checked against a reference model of the records (model.ts). Every step checks
// its response class and reads the touched record back as its owner; at the end every
// record is read back. A failing sequence shrinks to the shortest one that still
// disagrees with the model (a deleted record stays modelled as gone, so steps after a
// removed delete are predicted accordingly).
import fc from "fast-check";
import { RequirementFailure } from "../failure.ts";
import { referencesFor } from "../references.ts";
import type { Requirement } from "../requirement.ts";
import { stepArbitrary } from "./arbitraries.ts";
import { expectRecord, HINT, initialModel, type Real, SequenceNotJudged } from "./model.ts";

/** Long enough for create, act, delete, act again and list; short enough to replay. */
const MAX_STEPS = 12;

export const requirement: Requirement = {
  meta: {
    id: "MODEL-01",
    level: "MUST",
    family: "MODEL",
    title: "Random sequences of operations agree with the reference model",
    sentence:
      "Random sequences of operations by random identities (reads, lists, creates, deletes, valid and invalid updates, cross-user attempts, admin updates, plaintext attempts, over every declared resource) agree with the reference model: each response's class (success / refusal / 400-class / 401) and every record read back equal the model's prediction. Counterexamples shrink to the shortest sequence.",
    references: referencesFor("MODEL"),
    remediation: HINT,
  },
  dependsOn: ["AUTHZ-05", "INPUT-04"],
  async check(ctx) {
    const identities = new Map(ctx.identities.all.map((i) => [i.username, i]));
    const sequences = fc.commands([stepArbitrary(ctx)], { maxCommands: MAX_STEPS });
    await ctx.property(
      [sequences],
      async (cmds) => {
        // The runner restored the run's records before this case if anything was marked
        // dirty (every step that may change state says so): the baselines are the state.
        const model = initialModel(ctx);
        const real: Real = { ctx, identities, log: [] };
        try {
          await fc.asyncModelRun(() => ({ model, real }), cmds);
          // And at the end, every record (not only the touched ones) is as predicted.
          for (const entry of model.entries.values())
            if (!entry.superseded)
              await expectRecord(real, entry, "end of the sequence", real.lastChange);
        } catch (error) {
          // Whatever the target did in a failing sequence, the next one starts restored.
          ctx.markDirty();
          if (error instanceof SequenceNotJudged) return;
          if (!(error instanceof RequirementFailure)) throw error;
          throw new RequirementFailure({
            ...error.detail,
            actual: `${error.detail.actual}; the sequence: ${real.log.map((l, i) => `[${i + 1}] ${l}`).join(" | ")}`,
          });
        }
      },
      // Sequences change records on purpose: one at a time, never in concurrent batches.
      { numRuns: ctx.numRuns, serial: true },
    );
  },
};
