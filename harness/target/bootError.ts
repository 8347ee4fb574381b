/** A target did not become ready. Names the container and quotes the end of its log. */
export class TargetBootError extends Error {
  override readonly name = "TargetBootError";
  constructor(
    readonly targetName: string,
    /** What went wrong, one line. */
    readonly reason: string,
    readonly containerId?: string,
    readonly logTail?: string,
  ) {
    const container = containerId === undefined ? "" : ` (container ${containerId.slice(0, 12)})`;
    const log =
      logTail === undefined || logTail === ""
        ? ""
        : `\n--- last log lines of container ${containerId?.slice(0, 12)} ---\n${logTail}`;
    super(`target ${targetName}${container} did not boot: ${reason}${log}`);
  }
}
