/**
 * Fresh, uniquely named tables of every kind live-likes keeps, as infra/ declares them, on a
 * DynamoDB Local: for the bench and the soak, and for tests through test/support/dynamodb.ts
 * (which knows the run's DynamoDB Local). Fresh names, so users of one database never share state.
 *
 * @example
 * const tables = await createTables({ endpoint, region: "local", credentials }, "fanout");
 * new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc });
 */
import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "#adapters/dynamodb/document-client.ts";
import {
  articlesTable,
  connectionsTable,
  deliveriesTable,
  eventsTable,
  notificationsTable,
  publishKeysTable,
  groupsTable,
  revocationsTable,
} from "#adapters/dynamodb/table-definitions.ts";
import { ensureTable } from "#local/tables.ts";

export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Where the tables go. DynamoDB Local keeps one database per access key id and region. */
export interface DynamoDbTarget {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: LocalCredentials;
}

export interface Tables {
  readonly endpoint: string;
  /** What every client of these tables must sign with. */
  readonly credentials: LocalCredentials;
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly connections: string;
  readonly articles: string;
  readonly events: string;
  readonly deliveries: string;
  readonly revocations: string;
  readonly notifications: string;
  readonly publishKeys: string;
  readonly groups: string;
  /** The same names as environment variables, as handlers and `loadConfig` read them. */
  readonly env: Record<string, string>;
}

const definitions = {
  connections: connectionsTable,
  articles: articlesTable,
  events: eventsTable,
  deliveries: deliveriesTable,
  revocations: revocationsTable,
  notifications: notificationsTable,
  publishKeys: publishKeysTable,
  groups: groupsTable,
};

export type TableNames = Pick<Tables, keyof typeof definitions | "env">;

/**
 * New names for every table, not created: for a runtime that creates its own. `prefix` names
 * the user in them (e.g. "fanout-connections-1a2b3c4d").
 */
export function freshTableNames(prefix?: string): TableNames {
  const suffix = randomUUID().slice(0, 8);
  const name = (role: string) => `${prefix ? `${prefix}-` : ""}${role}-${suffix}`;
  const names = {
    connections: name("connections"),
    articles: name("articles"),
    events: name("events"),
    deliveries: name("deliveries"),
    revocations: name("revocations"),
    notifications: name("notifications"),
    publishKeys: name("publish-keys"),
    groups: name("groups"),
  };
  const env = Object.fromEntries(Object.entries(definitions).map(([role, table]) => [table.envVar, names[role as keyof typeof names]]));
  return { ...names, env };
}

/** Every table created under fresh names; `prefix` as for freshTableNames. */
export async function createTables(target: DynamoDbTarget, prefix?: string): Promise<Tables> {
  // A copy: the SDK marks the credentials object it is given.
  const client = new DynamoDBClient({ endpoint: target.endpoint, region: target.region, credentials: { ...target.credentials } });
  const names = freshTableNames(prefix);
  await Promise.all(
    Object.entries(definitions).map(([role, table]) => ensureTable(client, table, names[role as keyof typeof definitions])),
  );
  return { endpoint: target.endpoint, credentials: target.credentials, client, doc: createDocumentClient(client), ...names };
}
