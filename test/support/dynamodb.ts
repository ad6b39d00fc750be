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
  eventsTable,
} from "#adapters/dynamodb/table-definitions.ts";
import { ensureTable } from "#local/tables.ts";

export const localCredentials = { accessKeyId: "local", secretAccessKey: "local" };

export function dynamodbEndpoint(): string {
  return inject("dynamodbEndpoint");
}

export function localDynamoClient(endpoint = dynamodbEndpoint()): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: "local",
    credentials: localCredentials,
  });
}

export interface TestTables {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly connections: string;
  readonly articles: string;
  readonly events: string;
  /** The same names as environment variables, as handlers read them. */
  readonly env: Record<string, string>;
}

/** `endpoint`: another DynamoDB Local than the run's shared one, for a test that needs it alone. */
export async function createTestTables(endpoint = dynamodbEndpoint()): Promise<TestTables> {
  const client = localDynamoClient(endpoint);
  const suffix = randomUUID().slice(0, 8);
  const names = {
    connections: `connections-${suffix}`,
    articles: `articles-${suffix}`,
    events: `events-${suffix}`,
  };
  await Promise.all([
    ensureTable(client, connectionsTable, names.connections),
    ensureTable(client, articlesTable, names.articles),
    ensureTable(client, eventsTable, names.events),
  ]);
  return {
    endpoint,
    client,
    doc: createDocumentClient(client),
    ...names,
    env: {
      CONNECTIONS_TABLE: names.connections,
      ARTICLES_TABLE: names.articles,
      EVENTS_TABLE: names.events,
    },
  };
}
