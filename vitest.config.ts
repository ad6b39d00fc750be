import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One DynamoDB Local for the whole run; each test file makes its own tables.
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers than that only adds contention with DynamoDB Local's JVM.
    maxWorkers: 2,
    // The JSON report gives .ci/run the pass/fail counts it prints last.
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest.json" },
  },
});
