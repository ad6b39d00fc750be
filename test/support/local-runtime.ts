/**
 * The environment a test gives `loadConfig` to run the local runtime: a free port, the run's
 * shared DynamoDB Local with tables of its own, nothing persisted, no timer-driven polls (tests
 * call `collectNow()`; hot polls are off unless a test sets HOT_POLL_BUDGET_PERCENT), and a known
 * token secret.
 */
import { signToken } from "#domain/token.ts";
import { dynamodbEndpoint, localCredentials, localRegion } from "./dynamodb.ts";
import { freshTableNames } from "./tables.ts";

export const TEST_TOKEN_SECRET = "local-runtime-test-secret-of-32-chars";

export function localRuntimeEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: "0",
    DYNAMODB_ENDPOINT: dynamodbEndpoint(),
    // The run's DynamoDB Local keeps one database per access key id.
    AWS_REGION: localRegion,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    DATA_DIR: "memory",
    // Each runtime's own s3rver on a free port: tests run side by side.
    S3_PORT: "0",
    // And its own SES emulator.
    SES_PORT: "0",
    POLL_INTERVAL_SECONDS: "3600",
    HOT_POLL_BUDGET_PERCENT: "0",
    TOKEN_SECRET: TEST_TOKEN_SECRET,
    ...freshTableNames().env,
    ...overrides,
  };
}

/** A subscription token for `userId`, good for an hour, signed with TEST_TOKEN_SECRET. */
export function testToken(userId: string): string {
  return signToken({ userId, expiresAt: Math.floor(Date.now() / 1000) + 3_600 }, TEST_TOKEN_SECRET);
}
