// Vitest global setup: runs once per `vitest run`, before any worker.
// - Finds or provisions the Docker engine and the base image, so that tests which boot
//   containers do not race to do it (and their timeouts do not include it).
// - Gives the session a run id (`test-<pid>-<time>`, also as env BAIP_RUN_ID): tests label
//   their containers with it, and teardown removes exactly those, plus leftovers of test
//   sessions whose process died. Containers of other runs (a concurrent CLI or test session) are left alone.
// A machine without Docker can still run the unit tests: the engine error is handed to
// the container tests through `inject("baipEngineError")`, which fail with it.
import type { TestProject } from "vitest/node";
import { ensureEngine } from "../engine/ensureEngine.ts";
import { ensureBaseImage } from "../images/baseImage.ts";
import { ensureTestTools } from "./testTools.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Run id that tests label their containers with. */
    baipRunId: string;
    /** Why no engine or base image is available, or null when they are. */
    baipEngineError: string | null;
  }
}

const runId = `test-${process.pid}-${Date.now().toString(36)}`;

export async function setup(project: TestProject): Promise<void> {
  project.provide("baipRunId", runId);
  // Workers inherit it: containers booted without an explicit run id get this one too.
  process.env.BAIP_RUN_ID = runId;
  let engineError: string | null = null;
  if (process.env.BAIP_TEST_NO_DOCKER === "1") {
    engineError = "BAIP_TEST_NO_DOCKER=1: container tests disabled";
  } else {
    try {
      await ensureEngine();
      await ensureBaseImage();
    } catch (error) {
      engineError = (error as Error).message;
      process.stderr.write(`baip: container tests will fail: ${engineError}\n`);
    }
  }
  project.provide("baipEngineError", engineError);
  // After the engine: both may use apt-get, which takes one lock at a time.
  await ensureTestTools().catch((error) =>
    process.stderr.write(`baip: ${(error as Error).message}\n`),
  );
}

export async function teardown(): Promise<void> {
  const { removeLabelledContainers, removeDeadTestRuns } = await import("../target/cleanup.ts");
  try {
    await removeLabelledContainers(runId);
    await removeDeadTestRuns();
  } catch {
    // No engine: nothing was started.
  }
}
