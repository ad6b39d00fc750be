/**
 * Publish keys of the `/v1` API, in the DynamoDB `npm start` uses (with npm start stopped, in its
 * DynamoDB Local opened from DATA_DIR, as `npm run token -- revoke` does: src/local/token-cli.ts):
 * - `npm run --silent key -- create NAME` prints a new key as its last stdout line: shown once,
 *   kept only as its SHA-256 hash;
 * - `npm run --silent key -- revoke NAME` refuses that key from the next request on;
 * - `npm run --silent key -- list` prints names and creation times, never keys.
 * With `--table NAME [--region REGION]`, the same commands work on a deployed stack's publish-keys
 * table (its PublishKeysTableName output) with the caller's AWS credentials, as the AWS CLI finds
 * them: the same store, so the items are exactly what the deployed API reads (docs/DEPLOY.md).
 * Errors: one line on stderr, nothing on stdout, exit code 2.
 */
import { randomBytes } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createDocumentClient } from "#adapters/dynamodb/document-client.ts";
import { DynamoDbPublishKeyStore } from "#adapters/dynamodb/dynamodb-publish-key-store.ts";
import { publishKeysTable } from "#adapters/dynamodb/table-definitions.ts";
import type { PublishKeyStore } from "#domain/ports.ts";
import { assertKeyName, hashPublishKey, KeyInputError, newPublishKey } from "#domain/publish/publish-keys.ts";
import { loadConfig } from "./config.ts";
import { ensureTable } from "./tables.ts";
import { openDatabase } from "./token-cli.ts";

// As in npm start (src/local/main.ts): the SDK's "upgrade to node >=22" notice would bury the one line a user reads.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

type Env = Readonly<Record<string, string | undefined>>;

const USAGE = "usage: npm run --silent key -- create NAME | revoke NAME | list [--table DEPLOYED_TABLE [--region REGION]]";

export interface KeyCliOptions {
  /** The client for `--table` (tests point it at DynamoDB Local); default: the AWS profile's. */
  readonly dynamodb?: (region: string | undefined) => DynamoDBClient;
}

/** Positional arguments apart from `--table NAME` and `--region REGION`. */
function parseArguments(argv: readonly string[]): { positional: string[]; table?: string; region?: string } {
  const positional: string[] = [];
  const flags: { table?: string; region?: string } = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === "--table" || arg === "--region") {
      const value = argv[i + 1];
      if (!value || value.startsWith("--")) throw new KeyInputError(`${arg} needs a value: ${USAGE}`);
      flags[arg === "--table" ? "table" : "region"] = value;
      i += 1;
    } else if (arg.startsWith("--")) {
      throw new KeyInputError(`unknown option ${arg}: ${USAGE}`);
    } else {
      positional.push(arg);
    }
  }
  if (flags.region && !flags.table) throw new KeyInputError(`--region goes with --table: ${USAGE}`);
  return { positional, ...flags };
}

/** Runs one command; resolves the lines for stdout (a created key is the last). */
export async function runKeyCli(
  argv: readonly string[],
  env: Env,
  nowMs: () => number = Date.now,
  options: KeyCliOptions = {},
): Promise<string[]> {
  const { positional, table, region } = parseArguments(argv);
  const [command, name, ...rest] = positional;
  if (rest.length > 0 || !(command === "list" ? name === undefined : (command === "create" || command === "revoke") && name)) {
    throw new KeyInputError(USAGE);
  }
  if (name !== undefined) assertKeyName(name);
  if (table) {
    // A deployed stack's table: the stack made it, so nothing to ensure; the caller's AWS credentials.
    const client = options.dynamodb ? options.dynamodb(region) : new DynamoDBClient(region ? { region } : {});
    try {
      const keys = new DynamoDbPublishKeyStore({ tableName: table, client: createDocumentClient(client) });
      return await run(command as string, name as string, keys, nowMs());
    } finally {
      client.destroy();
    }
  }
  const config = loadConfig(env);
  const database = await openDatabase(config, "npm run key");
  try {
    // npm start creates it too; a key made before npm start ever ran needs it here.
    await ensureTable(database.client, publishKeysTable, config.tables.publishKeys);
    const keys = new DynamoDbPublishKeyStore({ tableName: config.tables.publishKeys, client: createDocumentClient(database.client) });
    return await run(command as string, name as string, keys, nowMs());
  } finally {
    await database.close();
  }
}

async function run(command: string, name: string, keys: PublishKeyStore, now: number): Promise<string[]> {
  switch (command) {
    case "create": {
      const key = newPublishKey(randomBytes);
      if (!(await keys.create(name, hashPublishKey(key), now))) {
        throw new KeyInputError(`a key named ${name} exists: revoke it first (npm run key -- revoke ${name}) or choose another name`);
      }
      return [key];
    }
    case "revoke":
      if (!(await keys.revoke(name, now))) throw new KeyInputError(`no live key named ${name}: npm run --silent key -- list shows them`);
      return [`revoked key ${name}: its requests are refused from now on`];
    default: {
      const listed = await keys.list();
      if (listed.length === 0) return ["no publish keys yet: npm run --silent key -- create NAME"];
      const iso = (ms: number) => new Date(ms).toISOString();
      return listed.map(
        (key) => `${key.name}\tcreated ${iso(key.createdAt)}${key.revokedAt !== undefined ? `\trevoked ${iso(key.revokedAt)}` : ""}`,
      );
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const lines = await runKeyCli(process.argv.slice(2), process.env);
    if (process.argv[2] === "create") process.stderr.write("the key is shown once; it is kept only as a hash:\n");
    process.stdout.write(`${lines.join("\n")}\n`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}
