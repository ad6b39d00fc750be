/**
 * Clients and per-test tables on the DynamoDB Local that test/support/global-setup.ts started.
 * Every call makes tables with a fresh random suffix, so tests never share state.
 */
import { inject } from "vitest";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createTables, type Tables } from "./tables.ts";

/** The key of the run's DynamoDB Local: it keeps one database per access key id and region. */
export const localCredentials = inject("dynamodbCredentials");
export const localRegion = inject("dynamodbRegion");

export function dynamodbEndpoint(): string {
  return inject("dynamodbEndpoint");
}

/** `credentials`: for a DynamoDB Local other than the run's, which has a key of its own. */
export function localDynamoClient(
  endpoint = dynamodbEndpoint(),
  credentials: { accessKeyId: string; secretAccessKey: string } = localCredentials,
): DynamoDBClient {
  // A copy: the SDK marks the credentials object it is given.
  return new DynamoDBClient({ endpoint, region: localRegion, credentials: { ...credentials } });
}

export type TestTables = Tables;

/** `endpoint`, `credentials`: another DynamoDB Local than the run's shared one, for a test that needs it alone. */
export function createTestTables(
  endpoint = dynamodbEndpoint(),
  credentials: { accessKeyId: string; secretAccessKey: string } = localCredentials,
): Promise<TestTables> {
  return createTables({ endpoint, region: localRegion, credentials });
}
