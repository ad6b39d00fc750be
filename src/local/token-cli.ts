/**
 * `npm run --silent token -- USER_ID [--ttl 30d]` prints one subscription token on stdout; the
 * ttl is at most 90 days. It signs with the same secret `npm start` uses (TOKEN_SECRET, else
 * DATA_DIR/token-secret).
 * `npm run token -- revoke USER_ID` refuses every token of USER_ID issued so far and closes the
 * user's open connections, in the DynamoDB and on the port `npm start` uses (with npm start
 * stopped, in its DynamoDB Local opened from DATA_DIR); tokens minted after it returns work.
 * Errors: one line on stderr, nothing on stdout, exit code 2 (1 when a revoke closed only some).
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import { DescribeTableCommand, DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { ManagementApiConnectionCloser } from "#adapters/apigateway/management-api-connection-closer.ts";
import { createDocumentClient } from "#adapters/dynamodb/document-client.ts";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { DynamoDbRevocationStore } from "#adapters/dynamodb/dynamodb-revocation-store.ts";
import { revocationsTable } from "#adapters/dynamodb/table-definitions.ts";
import type { CloseOutcome, ConnectionCloser } from "#domain/ports.ts";
import { revokeTokens, type RevokeResult } from "#domain/revoke-tokens.ts";
import { assertUserId, parseTtl, signToken, TokenInputError } from "#domain/token.ts";
import { DYNAMODB_LOCAL_REGION, readOrCreateCredentials, startDynamoDbLocal } from "./aws/dynamodb-local.ts";
import { loadConfig, type LocalConfig } from "./config.ts";
import { ensureTable } from "./tables.ts";
import { resolveTokenSecret } from "./token-secret.ts";

// As in npm start (src/local/main.ts): the SDK's "upgrade to node >=22" notice would bury the one line a user reads.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

type Env = Readonly<Record<string, string | undefined>>;

const DEFAULT_TTL = "30d";
const USAGE = "usage: npm run --silent token -- USER_ID [--ttl 30d] (s, m, h or d; at most 90d), or: npm run token -- revoke USER_ID";

export function mintToken(argv: readonly string[], env: Env, nowMs: number): string {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { ttl: { type: "string", default: DEFAULT_TTL } },
    allowPositionals: true,
  });
  const userId = positionals[0];
  if (!userId || positionals.length > 1) throw new TokenInputError(USAGE);
  const ttl = parseTtl(values.ttl);
  const config = loadConfig(env);
  if (!config.tokenSecret && !config.dataDir) {
    throw new TokenInputError(
      "DATA_DIR=memory keeps no token secret (npm start makes a new one each start): set TOKEN_SECRET, the same for npm start, to mint tokens it accepts",
    );
  }
  const secret = resolveTokenSecret({ tokenSecret: config.tokenSecret, dataDir: config.dataDir });
  const issuedAt = Math.floor(nowMs / 1000);
  return signToken({ userId, issuedAt, expiresAt: issuedAt + ttl }, secret);
}

export interface RevokeOptions {
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Revokes the tokens of one user; resolves the line to print and whether everything was done. */
export async function revokeUser(
  argv: readonly string[],
  env: Env,
  options: RevokeOptions = {},
): Promise<{ line: string; complete: boolean }> {
  const { positionals } = parseArgs({ args: [...argv], options: {}, allowPositionals: true });
  const userId = positionals[0];
  if (!userId || positionals.length > 1) throw new TokenInputError(USAGE);
  assertUserId(userId);
  const config = loadConfig(env);
  const database = await openDatabase(config);
  const management = new ApiGatewayManagementApiClient({
    endpoint: `http://localhost:${config.port}`,
    region: database.region,
    credentials: database.credentials,
    // One try: a refused port means npm start is not running, not a passing hiccup.
    maxAttempts: 1,
  });
  try {
    await ensureTable(database.client, revocationsTable, config.tables.revocations);
    const doc = createDocumentClient(database.client);
    const closer = new LocalRuntimeCloser(new ManagementApiConnectionCloser({ client: management }));
    const result = await revokeTokens(userId, {
      revocations: new DynamoDbRevocationStore({ tableName: config.tables.revocations, client: doc }),
      connections: new DynamoDbConnectionStore({ tableName: config.tables.connections, client: doc }),
      closer,
      now: options.now ?? Date.now,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    });
    return { line: summary(userId, result, closer.unreachable ? config.port : undefined), complete: result.failed.length === 0 };
  } finally {
    management.destroy();
    await database.close();
  }
}

export interface Database {
  readonly client: DynamoDBClient;
  readonly region: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  close(): Promise<void>;
}

/**
 * npm start's database, for a CLI command (`command` names it in errors: "revoke", "npm run key").
 * When npm start is stopped, its DynamoDB Local is started here on the same DATA_DIR for as long
 * as the command takes: a leaked token is then refused from npm start's first connect on, instead
 * of after a revoke run once it is up; a publish key created then works from its first request.
 */
export async function openDatabase(config: LocalConfig, command = "revoke"): Promise<Database> {
  const access = dynamoDbAccess(config, command);
  const client = new DynamoDBClient({ ...access, maxAttempts: 2 });
  try {
    await assertRuntimeTables(client, config, command);
    return { client, region: access.region, credentials: access.credentials, close: async () => client.destroy() };
  } catch (error) {
    client.destroy();
    if (!isConnectionRefused(error)) throw error;
    if (config.dynamodbEndpoint || !config.dataDir) {
      throw new TokenInputError(
        `cannot reach DynamoDB at ${access.endpoint} (DYNAMODB_ENDPOINT): start that DynamoDB and run ${command} again, with the settings npm start uses`,
      );
    }
  }
  const local = await startDynamoDbLocal({ port: 0, dataDir: join(config.dataDir, "dynamodb") });
  const own = new DynamoDBClient({ endpoint: local.endpoint, region: local.region, credentials: { ...local.credentials } });
  const close = async () => {
    own.destroy();
    await local.stop();
  };
  try {
    await assertRuntimeTables(own, config, command);
  } catch (error) {
    await close();
    throw error;
  }
  return { client: own, region: local.region, credentials: { ...local.credentials }, close };
}

/**
 * How `npm start` signs its DynamoDB requests, as src/local/runtime.ts does: DynamoDB Local keeps
 * one database per access key id and region, so any other pair would write the revocation where
 * `npm start` never looks. DYNAMODB_ENDPOINT: the AWS_* settings; else the key of the DynamoDB
 * Local it starts, kept in DATA_DIR/dynamodb.
 */
export function dynamoDbAccess(
  config: LocalConfig,
  command = "revoke",
): DynamoDBClientConfig & {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  if (config.dynamodbEndpoint) {
    return {
      endpoint: config.dynamodbEndpoint,
      region: config.dynamodbSigning.region,
      credentials: { ...config.dynamodbSigning.credentials },
    };
  }
  if (!config.dataDir) {
    throw new TokenInputError(
      command === "revoke"
        ? "DATA_DIR=memory: npm start's DynamoDB Local has a new key every start, so revoke cannot reach it; stop npm start instead (in memory every token dies with it)"
        : `DATA_DIR=memory: npm start's DynamoDB Local has a new key every start, so ${command} cannot reach it; run npm start with a DATA_DIR (or DYNAMODB_ENDPOINT) to keep publish keys`,
    );
  }
  return {
    endpoint: `http://127.0.0.1:${config.dynamodbPort}`,
    region: DYNAMODB_LOCAL_REGION,
    credentials: readOrCreateCredentials(join(config.dataDir, "dynamodb")),
  };
}

/** The connections table proves this is npm start's database, not an empty one of another key. */
async function assertRuntimeTables(dynamodb: DynamoDBClient, config: LocalConfig, command: string): Promise<void> {
  try {
    await dynamodb.send(new DescribeTableCommand({ TableName: config.tables.connections }));
  } catch (error) {
    if ((error as Error).name !== "ResourceNotFoundException") throw error;
    throw new TokenInputError(
      `no table ${config.tables.connections} in that DynamoDB: run ${command} with the DATA_DIR, DYNAMODB_ENDPOINT and CONNECTIONS_TABLE npm start uses, after it has started once`,
    );
  }
}

/** With npm start stopped its sockets are gone with it: a refused port counts as "gone". */
class LocalRuntimeCloser implements ConnectionCloser {
  unreachable = false;

  constructor(private readonly inner: ConnectionCloser) {}

  async close(connectionId: string): Promise<CloseOutcome> {
    if (this.unreachable) return "gone";
    try {
      return await this.inner.close(connectionId);
    } catch (error) {
      if (!isConnectionRefused(error)) throw error;
      this.unreachable = true;
      return "gone";
    }
  }
}

function summary(userId: string, result: RevokeResult, unreachablePort: number | undefined): string {
  const before = new Date(result.revokedAt * 1000).toISOString().replace(".000Z", "Z");
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const parts = [`revoked tokens of ${userId} issued before ${before}`];
  if (result.closed + result.gone + result.failed.length === 0) {
    parts.push("no connection was open");
  } else if (unreachablePort !== undefined) {
    parts.push(
      `npm start is not running on port ${unreachablePort}, so no connection was open: removed ${plural(result.gone, "connection row")}`,
    );
  } else {
    parts.push(`closed ${plural(result.closed, "connection")}`);
    if (result.gone > 0) parts.push(`removed ${plural(result.gone, "row")} of connections already gone`);
  }
  if (result.failed.length > 0) {
    const first = result.failed[0] as RevokeResult["failed"][number];
    parts.push(
      `could not close ${plural(result.failed.length, "connection")} (${first.connectionId}: ${first.error.message}): run revoke again`,
    );
  }
  return parts.join("; ");
}

function isConnectionRefused(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "ECONNREFUSED";
}

export async function runTokenCli(argv: readonly string[], env: Env): Promise<{ line: string; exitCode: number }> {
  if (argv[0] === "revoke") {
    const { line, complete } = await revokeUser(argv.slice(1), env);
    return { line, exitCode: complete ? 0 : 1 };
  }
  return { line: mintToken(argv, env, Date.now()), exitCode: 0 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const { line, exitCode } = await runTokenCli(process.argv.slice(2), process.env);
    (exitCode === 0 ? process.stdout : process.stderr).write(`${line}\n`);
    process.exitCode = exitCode;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}
