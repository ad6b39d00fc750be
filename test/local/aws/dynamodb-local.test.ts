/**
 * DynamoDB Local for this machine only: a client that does not know the installation's access
 * key id sees nothing, and the server listens on loopback only.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-dynamodb";
import {
  DynamoDbLocalError,
  readOrCreateCredentials,
  randomCredentials,
  startDynamoDbLocal,
  type DynamoDbLocal,
} from "#local/aws/dynamodb-local.ts";

const table = "guarded";
const key = { id: { S: "secret-item" } };

function clientOf(dynamo: DynamoDbLocal, overrides: { accessKeyId?: string; region?: string } = {}) {
  return new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: overrides.region ?? dynamo.region,
    credentials: { ...dynamo.credentials, ...(overrides.accessKeyId ? { accessKeyId: overrides.accessKeyId } : {}) },
    maxAttempts: 1,
  });
}

/** Local addresses (hex, as /proc/net shows them) of the sockets listening on `port`; Linux only. */
function listeningAddresses(port: number): string[] | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const addresses: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      return undefined;
    }
    for (const line of text.split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [address, portPart] = (local ?? "").split(":");
      if (state === "0A" && portPart === hexPort && address) addresses.push(address);
    }
  }
  return addresses;
}

describe("startDynamoDbLocal", () => {
  let dynamo: DynamoDbLocal;

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal({ port: 0 });
    const owner = clientOf(dynamo);
    await owner.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      }),
    );
    await owner.send(new PutItemCommand({ TableName: table, Item: key }));
    owner.destroy();
  });

  afterAll(async () => {
    await dynamo?.stop();
  });

  it("returns a random access key id per in-memory start, with the region to sign with", () => {
    // Assess
    expect(dynamo.credentials.accessKeyId).toMatch(/^LL[A-Z2-7]{32}$/);
    expect(dynamo.credentials.accessKeyId).not.toBe(randomCredentials().accessKeyId);
    expect(dynamo.region).toBe("local");
  });

  it("lets the holder of the credentials read what it wrote", async () => {
    // Act
    const item = await clientOf(dynamo).send(new GetItemCommand({ TableName: table, Key: key }));

    // Assess
    expect(item.Item).toEqual(key);
  });

  it("shows a client with another access key id no tables and no items", async () => {
    // Prepare
    const stranger = clientOf(dynamo, { accessKeyId: "local" });

    // Act
    const listed = await stranger.send(new ListTablesCommand({}));
    const read = stranger.send(new GetItemCommand({ TableName: table, Key: key }));

    // Assess
    expect(listed.TableNames).toEqual([]);
    await expect(read).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it("shows the right access key id in another region no tables either", async () => {
    // Act
    const listed = await clientOf(dynamo, { region: "us-east-1" }).send(new ListTablesCommand({}));

    // Assess
    expect(listed.TableNames).toEqual([]);
  });

  it("listens on the loopback address only (when the JDK can run the loopback launcher)", (context) => {
    // Prepare
    const addresses = listeningAddresses(dynamo.port);
    if (dynamo.listensOn !== "127.0.0.1" || addresses === undefined) context.skip();

    // Assess: 127.0.0.1, as IPv4 or IPv4-mapped IPv6; never 0.0.0.0 or ::
    expect(addresses).not.toEqual([]);
    for (const address of addresses ?? []) {
      expect(["0100007F", "0000000000000000FFFF00000100007F"]).toContain(address);
    }
  });
});

describe("readOrCreateCredentials", () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "dynamodb-credentials-"));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates the key once, readable by this user only, and returns the same one after", () => {
    // Act
    const created = readOrCreateCredentials(join(dir, "fresh"));
    const again = readOrCreateCredentials(join(dir, "fresh"));

    // Assess
    expect(again).toEqual(created);
    expect(statSync(join(dir, "fresh", "dynamodb-credentials.json")).mode & 0o777).toBe(0o600);
  });

  it("refuses a file it did not write, with a line saying what to do", () => {
    // Prepare
    const broken = join(dir, "broken");
    readOrCreateCredentials(broken);
    writeFileSync(join(broken, "dynamodb-credentials.json"), "");

    // Act
    const read = () => readOrCreateCredentials(broken);

    // Assess
    expect(read).toThrow(DynamoDbLocalError);
    expect(read).toThrow(/delete it to get new ones/);
  });
});

describe("startDynamoDbLocal with a data directory", () => {
  it("keeps the tables under the key stored beside them, across restarts", async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), "dynamodb-local-data-"));
    let dynamo = await startDynamoDbLocal({ port: 0, dataDir });
    try {
      await clientOf(dynamo).send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        }),
      );
      await dynamo.stop();

      // Act
      dynamo = await startDynamoDbLocal({ port: 0, dataDir });
      const listed = await clientOf(dynamo).send(new ListTablesCommand({}));

      // Assess
      expect(dynamo.credentials).toEqual(readOrCreateCredentials(dataDir));
      expect(listed.TableNames).toEqual([table]);
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    } finally {
      await dynamo.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
    // Two JVM starts: over 20 s on a loaded two-core machine.
  }, 90_000);

  it("takes over the database a -sharedDb start left, so an old data directory keeps its tables", async () => {
    // Prepare: a database file as -sharedDb names it (made under another key, then renamed)
    const dataDir = mkdtempSync(join(tmpdir(), "dynamodb-local-shared-"));
    const before = randomCredentials();
    let dynamo = await startDynamoDbLocal({ port: 0, dataDir, credentials: before });
    try {
      await clientOf(dynamo).send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        }),
      );
      await dynamo.stop();
      renameSync(join(dataDir, `${before.accessKeyId}_local.db`), join(dataDir, "shared-local-instance.db"));

      // Act: the first start without -sharedDb, with the key kept in the directory
      dynamo = await startDynamoDbLocal({ port: 0, dataDir });
      const listed = await clientOf(dynamo).send(new ListTablesCommand({}));

      // Assess
      expect(listed.TableNames).toEqual([table]);
      expect(existsSync(join(dataDir, "shared-local-instance.db"))).toBe(false);
    } finally {
      await dynamo.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
    // Two JVM starts: over 20 s on a loaded two-core machine.
  }, 90_000);
});
