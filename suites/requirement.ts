// The shape of one requirement of docs/SPEC.md section 3: its metadata, declared once
// as data (reports, docs, SARIF rules are generated from it), and its check.
import type { Exchange } from "../harness/http/exchange.ts";
import type { SuiteContext } from "./context.ts";

export type Level = "MUST" | "SHOULD";
export type Family = "AUTHN" | "AUTHZ" | "INPUT" | "TLS" | "CACHE" | "ERR" | "MODEL";

export interface References {
  owasp: string[];
  cwe: number[];
  asvs4: string[];
  asvs5: string[];
}

export interface RequirementMeta {
  /** e.g. "AUTHZ-01": the contract's ID, verbatim. */
  id: string;
  level: Level;
  family: Family;
  /** Short name that says what is checked. */
  title: string;
  /** The requirement sentence from docs/SPEC.md, quoted. */
  sentence: string;
  references: References;
  /** One-line hint on how to fix a target that fails it. */
  remediation: string;
}

/** What a check needs from the target; a check whose precondition fails is skipped. */
export type Precondition = "plaintext-port" | "container";

export interface Requirement {
  meta: RequirementMeta;
  /** Requirements whose positive control must hold first (AUTHN-01, AUTHZ-05, INPUT-04). */
  dependsOn?: string[];
  preconditions?: Precondition[];
  /**
   * Why the requirement does not apply to this target's declared API, or undefined when
   * it does: a service with no lists has nothing for AUTHZ-07, one without privileged
   * roles nothing for admin checks. The requirement is then SKIPPED with this reason,
   * never passed and never inconclusive (docs/SPEC.md 1b).
   */
  notApplicable?: (ctx: SuiteContext) => string | undefined;
  /** Throws RequirementFailure (or Inconclusive); returns normally when it holds. */
  check?: (ctx: SuiteContext) => Promise<void>;
  /**
   * Cross-cutting requirements (ERR-01, ERR-02, CACHE-01, TLS-05) send nothing: they
   * inspect every exchange of every other suite as it is recorded (so nothing has to be
   * kept in memory) and fail on the first violation. Returns undefined when the exchange
   * is fine or out of scope; `inScope` says whether it was judged at all, so that a run
   * with nothing in scope is inconclusive rather than vacuously passed.
   */
  inspect?: (exchange: Exchange) => { inScope: boolean; violation?: Violation };
}

export interface Violation {
  title: string;
  expected: string;
  actual: string;
}
