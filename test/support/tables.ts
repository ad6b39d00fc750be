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
import { type TableRole, tablesByRole } from "#adapters/dynamodb/table-definitions.ts";
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

export type Tables = Readonly<Record<TableRole, string>> & {
  readonly endpoint: string;
  /** What every client of these tables must sign with. */
  readonly credentials: LocalCredentials;
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  /** The same names as environment variables, as handlers and `loadConfig` read them. */
  readonly env: Record<string, string>;
};

export type TableNames = Pick<Tables, TableRole | "env">;

/**
 * New names for every table, not created: for a runtime that creates its own. `prefix` names
 * the user in them (e.g. "fanout-connections-1a2b3c4d").
 */
export function freshTableNames(prefix?: string): TableNames {
  const suffix = randomUUID().slice(0, 8);
  const name = (role: string) => `${prefix ? `${prefix}-` : ""}${role}-${suffix}`;
  // Roles in kebab-case, as table names read (publishKeys → publish-keys).
  const names = Object.fromEntries(
    Object.keys(tablesByRole).map((role) => [role, name(role.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))]),
  ) as Record<TableRole, string>;
  const env = Object.fromEntries(Object.entries(tablesByRole).map(([role, table]) => [table.envVar, names[role as TableRole]]));
  return { ...names, env };
}

/** Every table created under fresh names; `prefix` as for freshTableNames. */
export async function createTables(target: DynamoDbTarget, prefix?: string): Promise<Tables> {
  // A copy: the SDK marks the credentials object it is given.
  const client = new DynamoDBClient({ endpoint: target.endpoint, region: target.region, credentials: { ...target.credentials } });
  const names = freshTableNames(prefix);
  await Promise.all(Object.entries(tablesByRole).map(([role, table]) => ensureTable(client, table, names[role as TableRole])));
  return { endpoint: target.endpoint, credentials: target.credentials, client, doc: createDocumentClient(client), ...names };
}
