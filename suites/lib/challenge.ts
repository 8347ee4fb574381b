import type { Exchange } from "../../harness/http/exchange.ts";
import { RequirementFailure } from "../failure.ts";
import { describeExchange, responseClassOf } from "./responseClass.ts";

/** 401 carrying `WWW-Authenticate: Basic ...` (RFC 7617 section 2). */
export function expectBasicChallenge(exchange: Exchange, what: string, hint: string): void {
  const challenge = exchange.response?.headers["www-authenticate"] ?? "";
  if (exchange.response?.status === 401 && /^\s*basic\b/i.test(challenge)) return;
  throw new RequirementFailure({
    title: what,
    expected: "401 with WWW-Authenticate: Basic ...",
    actual: `${describeExchange(exchange)}${challenge ? ` with WWW-Authenticate: ${challenge}` : " without a Basic challenge"}`,
    hint,
    exchange,
    kind:
      exchange.response?.status === 401
        ? "no Basic challenge"
        : `answered ${responseClassOf(exchange)}`,
  });
}
