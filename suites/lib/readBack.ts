import type { Exchange } from "../../harness/http/exchange.ts";
import type { SuiteContext } from "../context.ts";
import { RequirementFailure } from "../failure.ts";
import type { OwnedRecord } from "./resourceApi.ts";
import { describeExchange } from "./responseClass.ts";
import { sameValue } from "./sameState.ts";

/**
 * Read the record back as its owner (ctx.readRecord, the one read-back) and require each
 * written field to hold the value sent, and every field in `unchanged` to be as before,
 * by the one equality rule (sameValue).
 */
export async function expectReadBack(
  ctx: SuiteContext,
  record: OwnedRecord,
  written: Record<string, unknown>,
  unchanged: Record<string, unknown>,
  what: string,
  hint: string,
  write?: Exchange,
): Promise<void> {
  const read = await ctx.readRecord(record);
  if (!("state" in read)) {
    throw new RequirementFailure({
      title: `${what}: the record could not be read back by its owner`,
      expected: "200 with the record",
      actual: describeExchange(read.exchange),
      hint,
      exchange: write ?? read.exchange,
      kind: "the owner could not read it back",
    });
  }
  const state = read.state;
  const wrong = Object.entries({ ...unchanged, ...written }).filter(
    ([k, v]) => !sameValue(state[k], v),
  );
  if (wrong.length === 0) return;
  throw new RequirementFailure({
    kind: "the read-back differs from what was written",
    ...(write ? { exchange: write } : {}),
    title: `${what}: the read-back differs from what was written`,
    expected: wrong.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", "),
    actual: `${wrong.map(([k]) => `${k}=${JSON.stringify(state[k])}`).join(", ")}${write ? ` after ${describeExchange(write)}` : ""}`,
    hint,
  });
}
