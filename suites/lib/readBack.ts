import type { Exchange } from "../../harness/http/exchange.ts";
import type { SuiteContext } from "../context.ts";
import { RequirementFailure } from "../failure.ts";
import { fromTargetRecord, jsonOf, type OwnedRecord, readAs } from "./resourceApi.ts";
import { describeExchange } from "./responseClass.ts";

/**
 * Read the record back as its owner and require each written field to hold exactly the
 * value sent (code point for code point), and every field in `unchanged` to be as before.
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
  const read = await readAs(ctx, record.owner, record);
  const state = fromTargetRecord(record.resource, jsonOf(read));
  if (!state) {
    throw new RequirementFailure({
      title: `${what}: the record could not be read back by its owner`,
      expected: "200 with the record",
      actual: describeExchange(read),
      hint,
      exchange: read,
      kind: "the owner could not read it back",
    });
  }
  const wrong = Object.entries({ ...unchanged, ...written }).filter(([k, v]) => state[k] !== v);
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
