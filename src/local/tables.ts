/**
 * Creates the tables of src/adapters/dynamodb/table-definitions.ts on DynamoDB Local, with the
 * same keys, index, stream and TTL the CDK app declares.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import type { TableDefinition } from "#adapters/dynamodb/table-definitions.ts";

export function createTableInput(definition: TableDefinition, name: string): CreateTableCommandInput {
  const attributes = new Map<string, AttributeDefinition>();
  const addAttribute = (key: { name: string; type: "S" | "N" }) =>
    attributes.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  addAttribute(definition.partitionKey);
  if (definition.sortKey) addAttribute(definition.sortKey);
  for (const index of definition.globalSecondaryIndexes ?? []) {
    addAttribute(index.partitionKey);
    if (index.sortKey) addAttribute(index.sortKey);
  }
  const keySchema = (partition: { name: string }, sort?: { name: string }) => [
    { AttributeName: partition.name, KeyType: "HASH" as const },
    ...(sort ? [{ AttributeName: sort.name, KeyType: "RANGE" as const }] : []),
  ];
  return {
    TableName: name,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [...attributes.values()],
    KeySchema: keySchema(definition.partitionKey, definition.sortKey),
    ...(definition.globalSecondaryIndexes?.length
      ? {
          GlobalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
            IndexName: index.indexName,
            KeySchema: keySchema(index.partitionKey, index.sortKey),
            Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: [...index.nonKeyAttributes] },
          })),
        }
      : {}),
    ...(definition.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: definition.stream } } : {}),
  };
}

/** Creates the table if it does not exist yet (a persisted DATA_DIR keeps it), then turns on TTL. */
export async function ensureTable(client: DynamoDBClient, definition: TableDefinition, name: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(definition, name)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    await addMissingIndexes(client, definition, name);
  }
  if (definition.timeToLiveAttribute) {
    try {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { Enabled: true, AttributeName: definition.timeToLiveAttribute },
        }),
      );
    } catch (error) {
      // Turning TTL on twice is refused with "TimeToLive is already enabled": that is the goal.
      if (!(error instanceof Error && /already enabled/i.test(error.message))) throw error;
    }
  }
}

/** A DATA_DIR kept from before an index was declared gets it added, as a CDK deploy would add it. */
async function addMissingIndexes(client: DynamoDBClient, definition: TableDefinition, name: string): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const input = createTableInput(definition, name);
  for (const index of input.GlobalSecondaryIndexes ?? []) {
    if (present.has(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: input.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
  }
}

/** The ARN of the table's current stream, for the stream poller. */
export async function latestStreamArn(client: DynamoDBClient, name: string): Promise<string> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
  if (!Table?.LatestStreamArn) throw new Error(`table ${name} has no stream`);
  return Table.LatestStreamArn;
}
