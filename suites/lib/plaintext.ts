import type { Exchange } from "../../harness/http/exchange.ts";
import { RequirementFailure } from "../failure.ts";
import { describeExchange } from "./responseClass.ts";

/**
 * TLS-01's rule for the plaintext port: closed, a redirect to https://, or a 4xx.
 * `allowRedirect: false` is TLS-06's stricter rule (credentials already crossed in clear).
 */
export function expectPlaintextRefused(
  exchange: Exchange,
  what: string,
  hint: string,
  allowRedirect = true,
): void {
  const status = exchange.response?.status;
  if (status === undefined) return; // closed or reset: nothing was served
  if (status >= 400 && status < 500) return;
  const location = exchange.response?.headers.location ?? "";
  if (allowRedirect && status >= 300 && status < 400 && location.startsWith("https://")) return;
  throw new RequirementFailure({
    title: what,
    expected: allowRedirect
      ? "connection refused, a redirect to https://, or a 4xx"
      : "connection refused or a 4xx (no redirect)",
    actual: `${describeExchange(exchange)}${location ? ` Location: ${location}` : ""}`,
    hint,
    exchange,
    kind: `answered ${status} over plaintext`,
  });
}

/**
 * TLS-02 for creates: the ids the creator lists after the plaintext request are those it
 * listed before. A service that processes the create and then redirects has added one.
 */
export function expectNothingCreated(
  before: ReadonlySet<string>,
  after: ReadonlySet<string> | undefined,
  exchange: Exchange,
  what: string,
  hint: string,
): void {
  if (after === undefined) return; // the list did not answer: the status judged the case
  const added = [...after].filter((id) => !before.has(id));
  if (added.length === 0) return;
  throw new RequirementFailure({
    title: `${what}: a record was created`,
    expected: "the creator's list unchanged (nothing processed over plaintext)",
    actual: `${describeExchange(exchange)}; the list now also shows ${added.join(", ")}`,
    hint,
    exchange,
    kind: "created a record over plaintext",
  });
}
