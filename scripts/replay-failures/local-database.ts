/**
 * The DynamoDB `npm start` uses, signed as src/local/runtime.ts signs: DYNAMODB_ENDPOINT with the
 * AWS_* settings, else the DynamoDB Local on DYNAMODB_PORT with the key kept in DATA_DIR/dynamodb
 * (it keeps one database per key, so any other key would find no ledger and no connections).
 * When `npm start` is stopped, its DynamoDB Local is started here on the same DATA_DIR for as long
 * as the replay takes, as `npm run token -- revoke` does: a failure can be replayed without
 * starting the whole runtime (and its collector) first.
 */
import { createConnection } from "node:net";
import { join } from "node:path";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DYNAMODB_LOCAL_REGION, readOrCreateCredentials, startDynamoDbLocal } from "#local/aws/dynamodb-local.ts";
import type { LocalConfig } from "#local/config.ts";

export interface LocalDatabase {
  readonly client: DynamoDBClient;
  readonly endpoint: string;
  /** True when this replay started DynamoDB Local itself (npm start was not running). */
  readonly startedHere: boolean;
  close(): Promise<void>;
}

/** A setting or state the replay cannot work with; the message says what to do. */
export class ReplayInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReplayInputError";
  }
}

export async function openLocalDatabase(config: LocalConfig & { readonly dataDir: string }): Promise<LocalDatabase> {
  if (config.dynamodbEndpoint) {
    const { region, credentials } = config.dynamodbSigning;
    const client = new DynamoDBClient({ endpoint: config.dynamodbEndpoint, region, credentials: { ...credentials }, maxAttempts: 2 });
    return checked({ client, endpoint: config.dynamodbEndpoint, startedHere: false, close: async () => client.destroy() }, config);
  }
  if (await listening(config.dynamodbPort)) {
    const endpoint = `http://127.0.0.1:${config.dynamodbPort}`;
    const credentials = readOrCreateCredentials(join(config.dataDir, "dynamodb"));
    const client = new DynamoDBClient({ endpoint, region: DYNAMODB_LOCAL_REGION, credentials: { ...credentials } });
    return checked({ client, endpoint, startedHere: false, close: async () => client.destroy() }, config);
  }
  const local = await startDynamoDbLocal({ port: 0, dataDir: join(config.dataDir, "dynamodb") });
  const client = new DynamoDBClient({ endpoint: local.endpoint, region: local.region, credentials: { ...local.credentials } });
  const close = async () => {
    client.destroy();
    await local.stop();
  };
  return checked({ client, endpoint: local.endpoint, startedHere: true, close }, config);
}

/** The deliveries table (the ledger) proves this is npm start's database, not an empty one of another key. */
async function checked(database: LocalDatabase, config: LocalConfig): Promise<LocalDatabase> {
  try {
    await database.client.send(new DescribeTableCommand({ TableName: config.tables.deliveries }));
    return database;
  } catch (error) {
    await database.close();
    if ((error as NodeJS.ErrnoException).code === "ECONNREFUSED") {
      throw new ReplayInputError(
        `cannot reach DynamoDB at ${database.endpoint} (DYNAMODB_ENDPOINT): start it and replay again with the settings npm start uses`,
      );
    }
    if ((error as Error).name !== "ResourceNotFoundException") throw error;
    throw new ReplayInputError(
      `no table ${config.tables.deliveries} in the DynamoDB at ${database.endpoint}: replay with the DATA_DIR, DYNAMODB_ENDPOINT and DELIVERIES_TABLE npm start uses`,
    );
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function listening(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
