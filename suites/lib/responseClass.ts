// Response classes of docs/SPEC.md: the vocabulary checks and the MODEL-01 model share.
import type { Exchange } from "../../harness/http/exchange.ts";

export type ResponseClass =
  | "success" // 2xx
  | "refusal" // 403 or 404 (section 1: both count as a refusal)
  | "invalid" // 400, 413, 415, 422, 431: the request itself was rejected
  | "unauthenticated" // 401
  | "redirect" // 3xx
  | "server-error" // 5xx
  | "other" // any other status
  | "no-response"; // transport error: refused, reset, timeout

export function responseClassOf(exchange: Exchange): ResponseClass {
  const status = exchange.response?.status;
  if (status === undefined) return "no-response";
  return responseClassOfStatus(status);
}

export function responseClassOfStatus(status: number): ResponseClass {
  if (status >= 200 && status < 300) return "success";
  if (status === 401) return "unauthenticated";
  if (status === 403 || status === 404) return "refusal";
  if ([400, 413, 415, 422, 431].includes(status)) return "invalid";
  if (status >= 300 && status < 400) return "redirect";
  if (status >= 500) return "server-error";
  return "other";
}

/** "PATCH /users/bob -> 200" for failure messages. */
export function describeExchange(exchange: Exchange): string {
  const r = exchange.request;
  const got = exchange.response
    ? String(exchange.response.status)
    : (exchange.error?.code ?? "no response");
  return `${r.method} ${r.url.replace(/^https?:\/\/[^/]+/, "")} (${r.transport}) -> ${got}`;
}
