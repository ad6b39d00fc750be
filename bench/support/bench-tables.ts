/** Fresh, uniquely named tables on the bench's DynamoDB Local, as infra/ declares them. */
import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "#adapters/dynamodb/document-client.ts";
import { articlesTable, connectionsTable, eventsTable } from "#adapters/dynamodb/table-definitions.ts";
import { ensureTable } from "#local/tables.ts";

export interface BenchTables {
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly connections: string;
  readonly articles: string;
  readonly events: string;
}

export const awsConfig = (endpoint: string) => ({
  endpoint,
  region: "local",
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
});

export async function createBenchTables(endpoint: string, prefix: string): Promise<BenchTables> {
  const client = new DynamoDBClient(awsConfig(endpoint));
  const suffix = randomUUID().slice(0, 8);
  const names = { connections: `${prefix}-connections-${suffix}`, articles: `${prefix}-articles-${suffix}`, events: `${prefix}-events-${suffix}` };
  await ensureTable(client, connectionsTable, names.connections);
  await ensureTable(client, articlesTable, names.articles);
  await ensureTable(client, eventsTable, names.events);
  return { client, doc: createDocumentClient(awsConfig(endpoint)), ...names };
}
