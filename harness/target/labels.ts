// Every container, volume and network the harness makes carries these labels, so that it
// can be found and removed (harness/target/cleanup.ts): by run, or all of them.

export const LABEL = "baip.conformance";
export const LABEL_RUN = "baip.run";
export const LABEL_TARGET = "baip.target";

export function labelsFor(runId: string, targetName: string): Record<string, string> {
  return { [LABEL]: "1", [LABEL_RUN]: runId, [LABEL_TARGET]: targetName };
}

/**
 * Run id used when a caller gives none: env BAIP_RUN_ID (the vitest global setup sets it
 * for its workers, so that its teardown removes their containers), else
 * `run-<pid>-<time>` for this process.
 */
export const PROCESS_RUN_ID =
  process.env.BAIP_RUN_ID || `run-${process.pid}-${Date.now().toString(36)}`;
