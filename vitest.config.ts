import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**", "conformance-reports/**", "coverage/**"],
    // Finds or starts the Docker engine and builds the base image once per test run
    // (the first build on a fresh machine takes about 2 minutes), and removes the run's
    // containers at the end.
    globalSetup: ["harness/testing/globalSetup.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    teardownTimeout: 60_000,
  },
});
