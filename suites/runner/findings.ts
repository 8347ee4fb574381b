// What makes two failures of one requirement the same finding: the operation they are
// about and the kind of failure, never the generated values (docs/SPEC.md section 3,
// "Judging": each requirement reports every distinct failure, per operation and kind).
// The key is also what a baseline compares (`run --baseline`), so it must be stable
// across seeds: identity names become `{id}`, claims in the query string are dropped.
import type { Exchange } from "../../harness/http/exchange.ts";
import type { FailureDetail } from "../failure.ts";

/** What a key is written in: identity names, and the operations the manifest declares. */
export interface FindingScope {
  ids: readonly string[];
  endpoints: ReadonlyArray<{ method: string; path: string }>;
}

/**
 * `PATCH /users/{id}` for `PATCH /users/alice-x1?role=admin`: the declared operation the
 * request is an attempt at. Path variants of AUTHZ-04 (percent-encoding, case, dot
 * segments, doubled or trailing slashes) name the same operation; query parameters are
 * part of it only where the manifest's path declares them (`/profile?username={id}`),
 * never generated claims. A request matching no declared operation (an undocumented
 * method) is named by its method and normalised path.
 */
export function operationOf(exchange: Exchange, scope: FindingScope): string {
  const url = new URL(exchange.request.url);
  const lowerIds = new Set(scope.ids.map((id) => id.toLowerCase()));
  const path = normalPath(url.pathname, lowerIds);
  const transport = exchange.request.transport === "plaintext" ? " (plaintext)" : "";
  const method = exchange.request.method;
  for (const ep of scope.endpoints) {
    if (ep.method !== method) continue;
    const template = new URL(ep.path, "https://x");
    if (normalPath(template.pathname, new Set(["{id}"])) !== path) continue;
    const wanted = [...template.searchParams].filter(([, v]) => v === "{id}");
    const sameQuery = wanted.every(([name]) => {
      const value = url.searchParams.get(name);
      return value !== null && lowerIds.has(value.toLowerCase());
    });
    if (sameQuery) return `${method} ${ep.path}${transport}`;
  }
  return `${method} ${path}${transport}`;
}

function normalPath(pathname: string, ids: ReadonlySet<string>): string {
  const normal: string[] = [];
  for (const segment of pathname.split("/").map(safeDecode)) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") normal.pop();
    else normal.push(ids.has(segment.toLowerCase()) ? "{id}" : segment);
  }
  return `/${normal.join("/")}`;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** `PATCH /users/{id}: state changed`; without an exchange, the failure's kind or title. */
export function findingKey(detail: FailureDetail, scope: FindingScope): string {
  const kind = detail.kind ?? detail.title;
  return detail.exchange ? `${operationOf(detail.exchange, scope)}: ${kind}` : kind;
}
