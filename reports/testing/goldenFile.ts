// Golden files for the report writers' tests: `UPDATE_GOLDEN=1 npx vitest run reports/`
// (re)writes them; otherwise a test compares the writer's output with the stored file and
// fails, with a diff, on any change. A missing golden file is a failure, not a silent write.
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "testdata", "golden");

export function updatingGolden(): boolean {
  // BAIP_UPDATE_GOLDEN is the name the corpus test documents (suites/corpus.test.ts).
  return process.env.UPDATE_GOLDEN === "1" || process.env.BAIP_UPDATE_GOLDEN === "1";
}

/**
 * The stored golden text for `name` (after writing `actual` there when UPDATE_GOLDEN=1).
 * Compare the result with `actual` in the test, so that the runner shows the diff.
 */
export async function golden(name: string, actual: string, dir = GOLDEN_DIR): Promise<string> {
  const path = join(dir, name);
  if (updatingGolden()) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, actual, "utf8");
    return actual;
  }
  if (!existsSync(path)) {
    throw new Error(`golden file ${path} is missing: run the tests once with UPDATE_GOLDEN=1`);
  }
  return readFile(path, "utf8");
}
