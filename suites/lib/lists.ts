// Lists (collections, docs/SPEC.md 1b): who may call them, calling them, and what they
// answered, for AUTHZ-05 (an owner's list holds its own record), AUTHZ-07 (a list holds
// only what its caller may read) and AUTHZ-08 (a created record is in no one else's).
import type { Exchange } from "../../harness/http/exchange.ts";
import type { Identity } from "../../harness/identity/identity.ts";
import type { ResourceSpec } from "../../harness/manifest/schema.ts";
import type { SuiteContext } from "../context.ts";
import { withQuery } from "./query.ts";
import {
  credentialsOf,
  isPrivileged,
  jsonOf,
  listedIdOf,
  listedItems,
  type Operation,
  operationsOf,
} from "./resourceApi.ts";

/** Every declared list of every resource. */
export function listOperations(ctx: SuiteContext): Operation[] {
  return ctx.resources.flatMap((r) => operationsOf(r).filter((op) => op.kind === "list"));
}

/** The lists of one resource. */
export function listsOf(resource: ResourceSpec): Operation[] {
  return operationsOf(resource).filter((op) => op.kind === "list");
}

/**
 * May `actor` call the list? A list names no record, so its audience is read as who may
 * ask: `owner` means every identity, for its own records; `privileged` only those roles.
 */
export function mayCallList(ctx: SuiteContext, op: Operation, actor: Identity): boolean {
  return op.who !== "privileged" || isPrivileged(ctx, actor);
}

/** Call a list as `actor`, with extra query parameters. */
export function listAs(
  ctx: SuiteContext,
  actor: Identity,
  op: Operation,
  query: Record<string, string> = {},
): Promise<Exchange> {
  return ctx.send({
    method: op.method,
    path: withQuery(op.path, query),
    auth: credentialsOf(actor),
  });
}

/** A listed item with its id (undefined where the item names none). */
export interface ListedItem {
  id: string | undefined;
  item: unknown;
}

/** The items a list answered, each with its id; undefined when the answer is no list. */
export function listedRecords(op: Operation, exchange: Exchange): ListedItem[] | undefined {
  const items = listedItems(op, jsonOf(exchange));
  return items?.map((item) => ({ id: listedIdOf(op.resource, item), item }));
}
