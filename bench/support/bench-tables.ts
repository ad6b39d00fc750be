/** Fresh, uniquely named tables on the bench's DynamoDB Local, as infra/ declares them. */
import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "#adapters/dynamodb/document-client.ts";
import { articlesTable, connectionsTable, deliveriesTable, eventsTable, revocationsTable } from "#adapters/dynamodb/table-definitions.ts";
import { ensureTable } from "#local/tables.ts";

export interface BenchTables {
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly connections: string;
  readonly articles: string;
  readonly events: string;
  readonly deliveries: string;
  readonly revocations: string;
}

export const awsConfig = (endpoint: string) => ({
  endpoint,
  region: "local",
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
});

export async function createBenchTables(endpoint: string, prefix: string): Promise<BenchTables> {
  const client = new DynamoDBClient(awsConfig(endpoint));
  const suffix = randomUUID().slice(0, 8);
  const name = (role: string) => `${prefix}-${role}-${suffix}`;
  const names = { connections: name("connections"), articles: name("articles"), events: name("events"), deliveries: name("deliveries"), revocations: name("revocations") };
  await Promise.all([
    ensureTable(client, connectionsTable, names.connections),
    ensureTable(client, articlesTable, names.articles),
    ensureTable(client, eventsTable, names.events),
    ensureTable(client, deliveriesTable, names.deliveries),
    ensureTable(client, revocationsTable, names.revocations),
  ]);
  return { client, doc: createDocumentClient(awsConfig(endpoint)), ...names };
}
