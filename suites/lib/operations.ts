// "Every operation" of docs/SPEC.md section 1 as one arbitrary: a read through any read
// endpoint or a valid write through any update endpoint, on any record. AUTHN checks send
// these with broken credentials; the operation itself is always well-formed.
import fc from "fast-check";
import type { Exchange, RequestSpec } from "../../harness/http/exchange.ts";
import type { SuiteContext } from "../context.ts";
import { validBody } from "./bodies.ts";
import { anyRecord } from "./pairs.ts";
import { type OwnedRecord, readAs, type WriteKind, writeAs, writeKinds } from "./resourceApi.ts";

export type Operation =
  | { kind: "read"; record: OwnedRecord; readIndex: number }
  | { kind: "write"; record: OwnedRecord; writeKind: WriteKind; body: Record<string, unknown> };

export function operations(ctx: SuiteContext): fc.Arbitrary<Operation> {
  return anyRecord(ctx).chain((record) => {
    const reads = record.resource.reads.map((_, readIndex) =>
      fc.constant<Operation>({ kind: "read", record, readIndex }),
    );
    const writes = writeKinds(record.resource).map((writeKind) =>
      validBody(record.resource, writeKind).map<Operation>((body) => ({
        kind: "write",
        record,
        writeKind,
        body,
      })),
    );
    return fc.oneof(...reads, ...writes);
  });
}

/** Send the operation with the given credentials part (auth, rawAuthorization or none). */
export function perform(
  ctx: SuiteContext,
  op: Operation,
  credentials: Partial<RequestSpec>,
): Promise<Exchange> {
  return op.kind === "read"
    ? readAs(ctx, undefined, op.record, op.readIndex, credentials)
    : writeAs(ctx, undefined, op.record, op.writeKind, op.body, credentials);
}
