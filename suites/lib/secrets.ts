import type { OwnedRecord } from "./resourceApi.ts";
import { seededState } from "./resourceApi.ts";

/**
 * Values of a record that would prove a leak if they appeared in a refusal: its writable
 * fields (e-mail, display name). The id and role are left out on purpose: the id is in
 * the request path and the role is one of two words, so echoing them proves nothing.
 */
export function leakableValues(record: OwnedRecord, current?: Record<string, unknown>): unknown[] {
  const state = current ?? seededState(record);
  return Object.keys(record.resource.writable).map((f) => state[f]);
}
