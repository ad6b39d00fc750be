import { configDefaults, defineConfig } from "vitest/config";

/**
 * Two projects: "unit" is pure logic (no DynamoDB Local, no Java, no sockets), so
 * `npx vitest run --project unit` needs nothing but Node; "integration" is everything else, on
 * one DynamoDB Local per run. `*.integration.test.ts` files under test/domain need the database.
 */
const unit = [
  "test/domain/**/!(*.integration).test.ts",
  "test/bench/**/*.test.ts",
  "test/web/live-feed.test.ts",
  "test/web/dashboard.test.ts",
  "test/support/statistics.test.ts",
  "test/scripts/soak/tally.test.ts",
];

// The AWS SDK's documented switch for its Node 22 notice. Set here, not in test.env, so the global
// setup (this process) is quiet too; workers and the processes tests spawn inherit it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers than that only adds contention with DynamoDB Local's JVM.
    maxWorkers: 2,
    // The JSON report gives .ci/run the pass/fail counts it prints last.
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest.json" },
    projects: [
      { extends: true, test: { name: "unit", include: unit } },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...unit],
          // One DynamoDB Local for the whole run; each test file makes its own tables.
          globalSetup: ["test/support/global-setup.ts"],
        },
      },
    ],
  },
});
