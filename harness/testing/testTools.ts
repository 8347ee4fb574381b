// Programs the test suite itself uses (not the tool): headless Chromium for the HTML
// report test, xmllint for JUnit XSD validation. Installed from Debian's packages when
// missing on a Debian machine as root (as in CI); elsewhere those tests say what to install.
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { aptInstall, hasCommand } from "../engine/ensureEngine.ts";

const TOOLS: { path: string; pkg: string }[] = [
  { path: "/usr/bin/chromium", pkg: "chromium" },
  { path: "/usr/bin/xmllint", pkg: "libxml2-utils" },
];

export async function ensureTestTools(): Promise<void> {
  const missing = TOOLS.filter((t) => !existsSync(t.path)).map((t) => t.pkg);
  if (missing.length === 0) return;
  const canInstall = process.getuid?.() === 0 && (await hasCommand("apt-get"));
  if (!canInstall) {
    process.stderr.write(
      `baip: tests that need ${missing.join(", ")} will be skipped (apt-get install -y ${missing.join(" ")})\n`,
    );
    return;
  }
  const started = Date.now();
  process.stderr.write(`baip: installing test tools: ${missing.join(", ")} (apt-get)\n`);
  await aptInstall(missing, join(tmpdir(), "baip-test-tools-apt.log"));
  process.stderr.write(
    `baip: test tools installed in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
}
