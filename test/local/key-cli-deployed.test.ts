/**
 * `npm run --silent key -- … --table NAME [--region R]`: the key CLI on a deployed stack's
 * publish-keys table (docs/DEPLOY.md), here a table on DynamoDB Local standing in for it. The keys
 * it creates are found by the same store the deployed publish function reads them with.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { DynamoDbPublishKeyStore } from "#adapters/dynamodb/dynamodb-publish-key-store.ts";
import { hashPublishKey, KeyInputError } from "#domain/publish/publish-keys.ts";
import { runKeyCli } from "#local/key-cli.ts";
import {
  createTestTables,
  dynamodbEndpoint,
  localCredentials,
  localDynamoClient,
  localRegion,
  type TestTables,
} from "#test/support/dynamodb.ts";

const run = promisify(execFile);

describe("publish keys CLI on a deployed table (--table)", () => {
  let tables: TestTables;
  let deployed: DynamoDbPublishKeyStore;
  const options = { dynamodb: () => localDynamoClient() };

  beforeAll(async () => {
    tables = await createTestTables();
    deployed = new DynamoDbPublishKeyStore({ tableName: tables.publishKeys, client: tables.doc });
  });

  it("creates a key the deployed store finds by its hash, lists it, and revokes it", async () => {
    // Act
    const [key] = await runKeyCli(["create", "ci", "--table", tables.publishKeys], {}, Date.now, options);

    // Assess
    expect(key).toMatch(/^llk_[A-Za-z0-9_-]{43}$/);
    expect(await deployed.findByHash(hashPublishKey(key as string))).toEqual({ name: "ci" });
    expect((await runKeyCli(["list", "--table", tables.publishKeys], {}, Date.now, options))[0]).toMatch(/^ci\tcreated \S+$/);
    await runKeyCli(["revoke", "ci", "--table", tables.publishKeys], {}, Date.now, options);
    expect(await deployed.findByHash(hashPublishKey(key as string))).toBeUndefined();
  });

  it("refuses --region without --table, an option without its value, and an unknown option", async () => {
    for (const argv of [
      ["list", "--region", "eu-west-1"],
      ["create", "ci", "--table"],
      ["list", "--tabel", "x"],
    ]) {
      await expect(runKeyCli(argv, {}, Date.now, options), argv.join(" ")).rejects.toBeInstanceOf(KeyInputError);
    }
  });

  it("works as npm run key with the AWS SDK's own endpoint, region and credentials settings", async () => {
    // Prepare: what the AWS CLI's environment would hold, pointed at DynamoDB Local.
    const env = {
      ...process.env,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint(),
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      AWS_CONFIG_FILE: "/nonexistent/config",
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
    };

    // Act
    const { stdout } = await run(
      "npm",
      ["run", "--silent", "key", "--", "create", "batch", "--table", tables.publishKeys, "--region", localRegion],
      {
        env,
        encoding: "utf8",
      },
    );
    const key = stdout.trim().split("\n").at(-1) as string;

    // Assess
    expect(await deployed.findByHash(hashPublishKey(key))).toEqual({ name: "batch" });
  });
});
