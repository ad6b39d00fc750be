/**
 * Clients and per-test tables on the DynamoDB Local that test/support/global-setup.ts started.
 * Every call makes tables with a fresh random suffix, so tests never share state.
 */
import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "#adapters/dynamodb/document-client.ts";
import {
  articlesTable,
  connectionsTable,
  deliveriesTable,
  eventsTable,
  revocationsTable,
} from "#adapters/dynamodb/table-definitions.ts";
import { ensureTable } from "#local/tables.ts";

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

export interface TestTables {
  readonly endpoint: string;
  /** What every client of these tables must sign with (one database per access key id). */
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly connections: string;
  readonly articles: string;
  readonly events: string;
  readonly deliveries: string;
  readonly revocations: string;
  /** The same names as environment variables, as handlers read them. */
  readonly env: Record<string, string>;
}

/** `endpoint`, `credentials`: another DynamoDB Local than the run's shared one, for a test that needs it alone. */
export async function createTestTables(
  endpoint = dynamodbEndpoint(),
  credentials: { accessKeyId: string; secretAccessKey: string } = localCredentials,
): Promise<TestTables> {
  const client = localDynamoClient(endpoint, credentials);
  const suffix = randomUUID().slice(0, 8);
  const names = {
    connections: `connections-${suffix}`,
    articles: `articles-${suffix}`,
    events: `events-${suffix}`,
    deliveries: `deliveries-${suffix}`,
    revocations: `revocations-${suffix}`,
  };
  await Promise.all([
    ensureTable(client, connectionsTable, names.connections),
    ensureTable(client, articlesTable, names.articles),
    ensureTable(client, eventsTable, names.events),
    ensureTable(client, deliveriesTable, names.deliveries),
    ensureTable(client, revocationsTable, names.revocations),
  ]);
  return {
    endpoint,
    credentials,
    client,
    doc: createDocumentClient(client),
    ...names,
    env: {
      CONNECTIONS_TABLE: names.connections,
      ARTICLES_TABLE: names.articles,
      EVENTS_TABLE: names.events,
      DELIVERIES_TABLE: names.deliveries,
      REVOCATIONS_TABLE: names.revocations,
    },
  };
}
