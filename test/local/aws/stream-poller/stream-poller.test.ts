import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { DeleteCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { latestStreamArn } from "#local/tables.ts";
import { startDynamoDbLocal } from "#local/aws/dynamodb-local.ts";
import { silentLogger } from "#local/aws/stream-poller/poller-logger.ts";
import {
  startStreamPoller,
  type StreamFailure,
  type StreamPoller,
  type StreamPollerOptions,
} from "#local/aws/stream-poller/stream-poller.ts";
import { createTestTables, localRegion, type TestTables } from "#test/support/dynamodb.ts";
import { waitFor } from "#test/support/wait-for.ts";

const pollers: StreamPoller[] = [];
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
});

function streamsClient(tables: TestTables) {
  return new DynamoDBStreamsClient({ endpoint: tables.endpoint, region: localRegion, credentials: tables.credentials });
}

async function start(tables: TestTables, handler: StreamPollerOptions["handler"], options: Partial<StreamPollerOptions> = {}) {
  const poller = await startStreamPoller({
    client: streamsClient(tables),
    streamArn: await latestStreamArn(tables.client, tables.articles),
    handler,
    pollIntervalMs: 50,
    retryDelayMs: 0,
    logger: silentLogger,
    ...options,
  });
  pollers.push(poller);
  return poller;
}

/** Records every invocation as the item ids it carried; `answer` decides the response. */
function recordingHandler(answer: (records: DynamoDBRecord[], call: number) => Promise<DynamoDBBatchResponse | void> | void = () => {}) {
  const calls: DynamoDBRecord[][] = [];
  const handler = async (event: DynamoDBStreamEvent) => {
    calls.push(event.Records);
    return answer(event.Records, calls.length);
  };
  const ids = () => calls.map((records) => records.map(itemIdOf));
  return { calls, ids, handler };
}

const itemIdOf = (record: DynamoDBRecord) => record.dynamodb?.Keys?.itemId?.S;

/** Holds the handler's first invocation until opened, so records written meanwhile form one batch. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const held = {
    entered: false,
    open: () => open(),
    async hold() {
      held.entered = true;
      await opened;
    },
  };
  return held;
}

async function putArticle(tables: TestTables, itemId: string, extra: Record<string, unknown> = {}) {
  await tables.doc.send(new PutCommand({ TableName: tables.articles, Item: { userId: "alice", itemId, likesCount: 1, ...extra } }));
}

/** Writes "first", runs `write` while the handler holds that invocation, then lets it finish. */
async function writeWhileHandlerBusy(tables: TestTables, held: ReturnType<typeof gate>, write: () => Promise<void>) {
  await putArticle(tables, "first");
  await waitFor(() => (held.entered ? true : undefined), { what: "the first invocation" });
  await write();
  held.open();
}

function fixtureRecord(name: string): DynamoDBRecord {
  const event = JSON.parse(readFileSync(`test/events/dynamodb-stream/${name}.json`, "utf8")) as DynamoDBStreamEvent;
  return event.Records[0]!;
}
const shapeOf = (record: DynamoDBRecord) => ({
  record: Object.keys(record).sort(),
  dynamodb: Object.keys(record.dynamodb ?? {}).sort(),
});

describe("startStreamPoller", () => {
  it("delivers INSERT, MODIFY and REMOVE in order, shaped as Lambda's DynamoDB Streams records", async () => {
    // Prepare
    const tables = await createTestTables();
    const { calls, handler } = recordingHandler();
    await start(tables, handler);
    const key = { userId: "alice", itemId: "a1" };

    // Act
    await putArticle(tables, "a1", { title: "Hello" });
    await tables.doc.send(
      new UpdateCommand({
        TableName: tables.articles,
        Key: key,
        UpdateExpression: "SET likesCount = :count",
        ExpressionAttributeValues: { ":count": 2 },
      }),
    );
    await tables.doc.send(new DeleteCommand({ TableName: tables.articles, Key: key }));

    // Assess
    const records = await waitFor(() => (calls.flat().length >= 3 ? calls.flat() : undefined), {
      what: "three records",
    });
    expect(records.map((record) => record.eventName)).toEqual(["INSERT", "MODIFY", "REMOVE"]);
    records.forEach((record, index) => {
      expect(shapeOf(record)).toEqual(shapeOf(fixtureRecord(["insert", "modify", "remove"][index]!)));
    });
    const streamArn = await latestStreamArn(tables.client, tables.articles);
    expect(records.every((record) => record.eventSourceARN === streamArn)).toBe(true);
    expect(records[1]?.dynamodb?.OldImage?.likesCount).toEqual({ N: "1" });
    expect(records[1]?.dynamodb?.NewImage?.likesCount).toEqual({ N: "2" });
    expect(typeof records[0]?.dynamodb?.ApproximateCreationDateTime).toBe("number");
  });

  it("delivers DynamoDB Local's TTL deletion as a REMOVE by the DynamoDB service", async () => {
    // Prepare: a DynamoDB Local of its own. Its TTL sweep walks every table, and the shared one
    // holds hundreds by the end of a run, which delays the deletion past any sane deadline.
    const alone = await startDynamoDbLocal({ port: 0 });
    onTestFinished(async () => {
      await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
      await alone.stop();
    });
    const tables = await createTestTables(alone.endpoint, alone.credentials);
    await tables.client.send(
      new UpdateTimeToLiveCommand({
        TableName: tables.articles,
        TimeToLiveSpecification: { Enabled: true, AttributeName: "expiresAt" },
      }),
    );
    const { calls, handler } = recordingHandler();
    await start(tables, handler);

    // Act
    await putArticle(tables, "expired", { expiresAt: Math.floor(Date.now() / 1000) - 60 });

    // Assess
    const removal = await waitFor(() => calls.flat().find((record) => record.eventName !== "INSERT"), {
      timeoutMs: 20_000,
      what: "the TTL deletion",
    });
    expect(removal.eventName).toBe("REMOVE");
    expect(removal.userIdentity).toEqual(fixtureRecord("ttl-remove").userIdentity);
    expect(shapeOf(removal)).toEqual(shapeOf(fixtureRecord("ttl-remove")));
    // A JVM start of its own (several seconds on a loaded machine) plus the TTL sweep's 20 s.
  }, 60_000);

  it("retries from the lowest failed sequence number in batchItemFailures and never redelivers earlier records", async () => {
    // Prepare
    const tables = await createTestTables();
    const held = gate();
    let failedOnce = false;
    const { calls, ids, handler } = recordingHandler(async (records, call) => {
      if (call === 1) await held.hold();
      const failing = records.filter((record) => ["c", "d"].includes(itemIdOf(record)!));
      if (call === 2 && !failedOnce) {
        failedOnce = true;
        // Listed highest first: the poller must still pick the lowest.
        return { batchItemFailures: failing.reverse().map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber! })) };
      }
    });
    const poller = await start(tables, handler);

    // Act
    await writeWhileHandlerBusy(tables, held, async () => {
      for (const id of ["b", "c", "d", "e"]) await putArticle(tables, id);
    });
    await waitFor(() => (calls.length >= 3 ? true : undefined), { what: "the retry" });
    await poller.drained();

    // Assess
    expect(ids()).toEqual([["first"], ["b", "c", "d", "e"], ["c", "d", "e"]]);
  });

  it("bisects a throwing batch, gives the bad record to onFailure after the retries, and delivers the rest", async () => {
    // Prepare
    const tables = await createTestTables();
    const held = gate();
    const failures: StreamFailure[] = [];
    const { ids, handler } = recordingHandler(async (records, call) => {
      if (call === 1) await held.hold();
      if (records.some((record) => itemIdOf(record) === "d")) throw new Error("cannot handle d");
    });
    const poller = await start(tables, handler, {
      maxRetryAttempts: 2,
      onFailure: (failure) => {
        failures.push(failure);
      },
    });

    // Act
    await writeWhileHandlerBusy(tables, held, async () => {
      for (const id of ["b", "c", "d", "e"]) await putArticle(tables, id);
    });
    await waitFor(() => (failures.length > 0 ? true : undefined), { what: "onFailure" });
    await putArticle(tables, "after");
    await waitFor(() => (ids().flat().includes("after") ? true : undefined), { what: "the shard to move on" });
    await poller.drained();

    // Assess
    expect(ids()).toEqual([["first"], ["b", "c", "d", "e"], ["b", "c"], ["d", "e"], ["d"], ["d"], ["d"], ["e"], ["after"]]);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.records.map(itemIdOf)).toEqual(["d"]);
    expect(failures[0]?.records[0]?.eventSourceARN).toBe(await latestStreamArn(tables.client, tables.articles));
    expect(failures[0]?.error).toContain("cannot handle d");
    expect(poller.stats.failedRecords).toBe(1);
  });

  it("continues after the checkpoint on restart: only records written since are delivered", async () => {
    // Prepare
    const tables = await createTestTables();
    const checkpointFile = join(mkdtempSync(join(tmpdir(), "stream-poller-")), "checkpoint.json");
    const before = recordingHandler();
    const first = await start(tables, before.handler, { checkpointFile });
    await putArticle(tables, "a");
    await putArticle(tables, "b");
    await waitFor(() => (before.ids().flat().length === 2 ? true : undefined), { what: "a and b" });
    await first.stop();

    // Act
    await putArticle(tables, "c");
    await putArticle(tables, "d");
    const after = recordingHandler();
    const second = await start(tables, after.handler, { checkpointFile });
    await waitFor(() => (after.ids().flat().length >= 2 ? true : undefined), { what: "c and d" });
    await second.drained();

    // Assess
    expect(before.ids().flat()).toEqual(["a", "b"]);
    expect(after.ids().flat()).toEqual(["c", "d"]);
  });

  it("starts at LATEST without a checkpoint: records written before the start are not delivered", async () => {
    // Prepare
    const tables = await createTestTables();
    await putArticle(tables, "old");
    const { ids, handler } = recordingHandler();
    const poller = await start(tables, handler);

    // Act
    await putArticle(tables, "new");
    await waitFor(() => (ids().flat().length > 0 ? true : undefined), { what: "a delivery" });
    await poller.drained();

    // Assess
    expect(ids().flat()).toEqual(["new"]);
  });

  it("never puts more than batchSize records in one invocation", async () => {
    // Prepare
    const tables = await createTestTables();
    const held = gate();
    const { ids, handler } = recordingHandler(async (_, call) => (call === 1 ? held.hold() : undefined));
    const poller = await start(tables, handler, { batchSize: 3 });

    // Act
    await writeWhileHandlerBusy(tables, held, async () => {
      for (const id of ["b", "c", "d", "e", "f", "g", "h"]) await putArticle(tables, id);
    });
    await waitFor(() => (ids().flat().length === 8 ? true : undefined), { what: "all records" });
    await poller.drained();

    // Assess
    expect(ids()).toEqual([["first"], ["b", "c", "d"], ["e", "f", "g"], ["h"]]);
    expect(poller.stats.records).toBe(8);
  });
});
