// The "Judging" rules of docs/SPEC.md section 3 that every check shares: a 5xx answer is
// an ERR-01 finding, never a refusal. A check that expected a refusal and got a 5xx has
// not seen a refusal, nor a breach: the case is judged only by what was read back, and
// a requirement none of whose cases could be judged is INCONCLUSIVE, naming the 5xx.
//
// The case being run is found through AsyncLocalStorage rather than passed to every
// assertion, because targets run concurrently in one process and assertions are plain
// functions of an exchange.
import { AsyncLocalStorage } from "node:async_hooks";

/** What the property runner wants to hear about the case in progress. */
export interface CaseJudging {
  /** This case could not be judged, for this reason (a 5xx where a refusal was due). */
  notJudged(reason: string): void;
}

const currentCase = new AsyncLocalStorage<CaseJudging>();

/** Run one generated case with `judging` listening to it. */
export function judgingCase<T>(judging: CaseJudging, run: () => Promise<T>): Promise<T> {
  return currentCase.run(judging, run);
}

/** Tell the runner that the case in progress could not be judged. */
export function caseNotJudged(reason: string): void {
  currentCase.getStore()?.notJudged(reason);
}
