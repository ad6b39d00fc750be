/**
 * `npm run replay-failures -- --bucket NAME`: the real S3 and Lambda SDK clients against small
 * fakes of S3 (ListObjectsV2, GetObject, DeleteObject) and Lambda (Invoke). The "deployed" stream
 * function is the real stream handler on DynamoDB Local tables with the real LINE sender and a
 * fake LINE, so exactly once is checked end to end, not only the bucket bookkeeping.
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Logger } from "@aws-lambda-powertools/logger";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { DynamoDbDeliveryLedger } from "#adapters/dynamodb/dynamodb-delivery-ledger.ts";
import { DynamoDbEventLog } from "#adapters/dynamodb/dynamodb-event-log.ts";
import { MessagingApiLineSender } from "#adapters/line/messaging-api-line-sender.ts";
import { createStreamHandler } from "#handlers/stream.handler.ts";
import { replayDeployedFailures } from "../../../scripts/replay-failures/replay-deployed.ts";
import { ReplayInputError } from "../../../scripts/replay-failures/local-database.ts";
import { FakeLambdaServer } from "#test/fakes/fake-lambda-server.ts";
import { FakeLineServer } from "#test/fakes/fake-line-server.ts";
import { FakeS3Server } from "#test/fakes/fake-s3-server.ts";
import { likeRecord } from "#test/support/article-records.ts";
import { createTestTables } from "#test/support/dynamodb.ts";
import { RecordingPoster } from "#test/support/recording-poster.ts";

const BUCKET = "livelikesstateless-streamfailures-1a2b3c";
const FUNCTION = "LiveLikesStateless-Stream-AbC123";
const FUNCTION_ARN = `arn:aws:lambda:us-east-1:123456789012:function:${FUNCTION}`;
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "example-secret" };

/** The object Lambda's S3 on-failure destination writes for a discarded DynamoDB stream batch. */
function invocationRecord(records: DynamoDBRecord[], { functionArn = FUNCTION_ARN, payloadAsText = true } = {}): string {
  const event: DynamoDBStreamEvent = { Records: records };
  return JSON.stringify({
    requestContext: { requestId: randomUUID(), functionArn, condition: "RetryAttemptsExhausted", approximateInvokeCount: 6 },
    responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
    version: "1.0",
    timestamp: "2026-11-30T14:00:00.000Z",
    DDBStreamBatchInfo: {
      shardId: "shardId-00000001764500000000-1a2b3c4d",
      startSequenceNumber: records[0]?.dynamodb?.SequenceNumber,
      endSequenceNumber: records.at(-1)?.dynamodb?.SequenceNumber,
      approximateArrivalOfFirstRecord: "2026-11-30T13:59:00Z",
      approximateArrivalOfLastRecord: "2026-11-30T13:59:00Z",
      batchSize: records.length,
      streamArn: "arn:aws:dynamodb:us-east-1:123456789012:table/articles/stream/2026-11-01T00:00:00.000",
    },
    payload: payloadAsText ? JSON.stringify(event) : event,
  });
}

/** A like record written `ageSeconds` ago (the fixture's own time is the AWS docs' 2015 example). */
function written(record: DynamoDBRecord, ageSeconds = 60): DynamoDBRecord {
  return { ...record, dynamodb: { ...record.dynamodb, ApproximateCreationDateTime: Math.floor(Date.now() / 1000) - ageSeconds } };
}
const like = (...args: Parameters<typeof likeRecord>) => written(likeRecord(...args));

/** Keys as Lambda names them: aws/lambda/<ESM UUID>/<shard>/YYYY/MM/DD/<time>-<UUID>. */
const objectKey = (n: number) => `aws/lambda/esm-1/shardId-00000001764500000000-1a2b3c4d/2026/11/30/2026-11-30T14.00.0${n}-${randomUUID()}`;

describe("replay-failures --bucket (deployed)", () => {
  let s3: FakeS3Server;
  let lambda: FakeLambdaServer;
  let line: FakeLineServer;
  let s3Client: S3Client;
  let lambdaClient: LambdaClient;
  let poster: RecordingPoster;
  let streamFunction: ReturnType<typeof createStreamHandler>;
  let lines: string[];

  const replay = (options: { functionName?: string; dryRun?: boolean; includeOld?: boolean; bucket?: string } = {}) =>
    replayDeployedFailures({ s3: s3Client, lambda: lambdaClient, bucket: BUCKET, print: (text) => lines.push(text), ...options });

  beforeEach(async () => {
    s3 = await FakeS3Server.start();
    lambda = await FakeLambdaServer.start();
    line = await FakeLineServer.start({ channelAccessToken: "line-token" });
    s3Client = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: "us-east-1", credentials });
    lambdaClient = new LambdaClient({ endpoint: lambda.endpoint, region: "us-east-1", credentials });
    lines = [];
    // The deployed stream function: the real handler, LINE always, one open tab of alice.
    const tables = await createTestTables();
    const connections = new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc });
    await connections.save({ connectionId: "alice-tab", userId: "alice", connectedAt: 1, expiresAt: 4_000_000_000 });
    poster = new RecordingPoster();
    const sender = new MessagingApiLineSender({ channelAccessToken: "line-token", baseURL: line.baseUrl, backoffBaseMs: 1 });
    streamFunction = createStreamHandler({
      connections,
      poster,
      events: new DynamoDbEventLog({ tableName: tables.events, client: tables.doc }),
      ledger: new DynamoDbDeliveryLedger({ tableName: tables.deliveries, client: tables.doc }),
      lineMode: "always",
      lineFor: async () => ({ sender, to: "U-alice" }),
      logger: new Logger({ logLevel: "SILENT" }),
    });
    lambda.register(FUNCTION, (event) => streamFunction(event as DynamoDBStreamEvent));
    s3.createBucket(BUCKET);
  });

  afterEach(async () => {
    s3Client.destroy();
    lambdaClient.destroy();
    await Promise.all([s3.close(), lambda.close(), line.close()]);
  });

  it("invokes the function the object names with the stored payload, keeps the object while it reports failures, deletes it once it does not; LINE shows the like once", async () => {
    // Prepare: LINE is down for the first replay (the sender's 4 attempts)
    const record = like(4101, "alice", "item-a", 3, 4, ["fan"]);
    const key = objectKey(1);
    s3.put(BUCKET, key, invocationRecord([record]));
    line.failNext(4, { status: 500 });

    // Act
    const first = await replay();
    const second = await replay();
    const third = await replay();

    // Assess
    expect(lambda.invocations.map(({ functionName, invocationType, payload }) => ({ functionName, invocationType, payload }))).toEqual([
      { functionName: FUNCTION, invocationType: "RequestResponse", payload: { Records: [record] } },
      { functionName: FUNCTION, invocationType: "RequestResponse", payload: { Records: [record] } },
    ]);
    expect(first).toMatchObject({ batches: 1, delivered: 0, failing: 1 });
    expect(lines[0]).toBe(
      `${key}: still failing 1 record (seq 4101): the function reported 1 record(s) in batchItemFailures (see its log); kept`,
    );
    expect(second).toMatchObject({ batches: 1, delivered: 1, failing: 0 });
    expect(lines).toContain(`${key}: delivered 1 record (seq 4101); deleted`);
    expect(third).toMatchObject({ batches: 0 });
    expect(lines.at(-1)).toBe(`nothing to replay: s3://${BUCKET} holds no failed batch`);
    expect(s3.keys(BUCKET)).toEqual([]);
    expect(line.deliveries).toHaveLength(1);
    expect(line.deliveries[0]?.texts.join("\n")).toContain("fan");
    // The tab got the frame on the first replay; the second one did not post it again.
    expect(poster.framesOf("alice-tab").map((frame) => frame.itemId)).toEqual(["item-a"]);
  });

  it("sends nothing twice when the object is replayed after a part of it had already gone out", async () => {
    // Prepare: the batch's first like went out (frame and LINE) before the batch failed for good
    const sent = like(4201, "alice", "item-a", 3, 4, ["first-fan"]);
    const owed = like(4202, "alice", "item-b", 7, 8, ["second-fan"]);
    expect(await streamFunction({ Records: [sent] })).toEqual({ batchItemFailures: [] });
    s3.put(BUCKET, objectKey(1), invocationRecord([sent, owed]));

    // Act: twice, as an operator who was not sure the first run finished
    await replay();
    await replay();

    // Assess
    expect(line.deliveries.map((delivery) => delivery.texts.join("\n"))).toEqual([
      expect.stringContaining("first-fan"),
      expect.stringContaining("second-fan"),
    ]);
    expect(line.deliveries[1]?.texts.join("\n")).not.toContain("first-fan");
    expect(poster.framesOf("alice-tab").map((frame) => frame.itemId)).toEqual(["item-a", "item-b"]);
    expect(s3.keys(BUCKET)).toEqual([]);
  });

  it("keeps an object whose invocation throws and one that is no invocation record, and still replays the others", async () => {
    // Prepare
    lambda.register("broken-stream", async () => {
      throw new TypeError("Cannot read properties of undefined");
    });
    const good = objectKey(1);
    const broken = objectKey(2);
    const garbage = objectKey(3);
    s3.put(BUCKET, good, invocationRecord([like(4301, "alice", "item-a", 1, 2, ["fan"])]));
    s3.put(
      BUCKET,
      broken,
      invocationRecord([like(4302, "alice", "item-b", 1, 2, ["fan"])], {
        functionArn: "arn:aws:lambda:us-east-1:123456789012:function:broken-stream",
      }),
    );
    s3.put(BUCKET, garbage, "{ this is not json");

    // Act
    const summary = await replay();

    // Assess
    expect(summary).toMatchObject({ batches: 3, delivered: 1, failing: 2 });
    expect(lines).toEqual([
      `${good}: delivered 1 record (seq 4301); deleted`,
      `${broken}: still failing 1 record (seq 4302): the function failed (Unhandled: TypeError: Cannot read properties of undefined); kept`,
      `${garbage}: UnreadableFailureObjectError: not JSON: not an S3 on-failure invocation record with a payload; left in the bucket for a look; kept`,
      `replayed 3 object(s): 1 delivered and deleted, 2 still failing (kept in s3://${BUCKET}; fix the cause the lines above name, then replay again)`,
    ]);
    expect(s3.keys(BUCKET)).toEqual([broken, garbage].sort());
  });

  it("reads every page of the listing, a payload stored as an object, and sends to --function when given", async () => {
    // Prepare: three objects, one per page; they name a function that no longer exists
    s3.pageSize = 1;
    const gone = "arn:aws:lambda:us-east-1:123456789012:function:deleted-old-stream";
    for (const n of [1, 2, 3]) {
      s3.put(
        BUCKET,
        objectKey(n),
        invocationRecord([like(4400 + n, "alice", `item-${n}`, 1, 2, [`fan-${n}`])], { functionArn: gone, payloadAsText: n !== 2 }),
      );
    }

    // Act
    const summary = await replay({ functionName: FUNCTION });

    // Assess
    expect(summary).toMatchObject({ batches: 3, delivered: 3, failing: 0 });
    expect(s3.requests.filter((request) => request.method === "GET" && request.key === undefined)).toHaveLength(3);
    expect(lambda.invocations.map((invocation) => invocation.functionName)).toEqual([FUNCTION, FUNCTION, FUNCTION]);
    expect(poster.framesOf("alice-tab").map((frame) => frame.itemId)).toEqual(["item-1", "item-2", "item-3"]);
    expect(s3.keys(BUCKET)).toEqual([]);
  });

  it("says which function failed when the object's function is not found, and keeps the object", async () => {
    // Prepare
    const key = objectKey(1);
    s3.put(
      BUCKET,
      key,
      invocationRecord([like(4501, "alice", "item-a", 1, 2)], { functionArn: "arn:aws:lambda:us-east-1:123456789012:function:nope" }),
    );

    // Act
    await replay();

    // Assess
    expect(lines[0]).toMatch(
      new RegExp(
        `^${key}: still failing 1 record \\(seq 4501\\): ResourceNotFoundException: Function not found: arn:aws:lambda:.*:function:nope; kept$`,
      ),
    );
    expect(s3.keys(BUCKET)).toEqual([key]);
  });

  it("--dry-run lists each object with its function and invokes and deletes nothing", async () => {
    // Prepare
    const key = objectKey(1);
    s3.put(BUCKET, key, invocationRecord([like(4601, "alice", "item-a", 1, 2), like(4602, "alice", "item-a", 2, 3)]));

    // Act
    const summary = await replay({ dryRun: true });

    // Assess
    expect(lines).toEqual([
      `${key}: would replay 2 records (seq 4601…4602) to ${FUNCTION_ARN}`,
      `dry run: 1 object(s), 2 record(s) to replay in s3://${BUCKET}; nothing invoked or deleted`,
    ]);
    expect(summary.failing).toBe(0);
    expect(lambda.invocations).toEqual([]);
    expect(s3.keys(BUCKET)).toEqual([key]);
  });

  it("keeps an object older than the deliveries ledger unsent, and replays it with includeOld", async () => {
    // Prepare: a batch written 40 days ago; the ledger forgets after 35
    const key = objectKey(1);
    s3.put(BUCKET, key, invocationRecord([written(likeRecord(4701, "alice", "item-a", 1, 2, ["old-fan"]), 40 * 86_400)]));

    // Act
    const kept = await replay();
    const forced = await replay({ includeOld: true });

    // Assess
    expect(kept).toMatchObject({ batches: 1, delivered: 0, failing: 0, tooOld: 1 });
    expect(lines[0]).toBe(
      `${key}: 1 record (seq 4701) older than the 35 days the deliveries table remembers what went out, so what had gone out could go out again; not replayed (replay it anyway with --include-old); kept`,
    );
    expect(lines[1]).toBe(
      "replayed 1 object(s): 0 delivered and deleted, 0 still failing, 1 kept unsent as older than the deliveries ledger (--include-old replays them)",
    );
    expect(forced).toMatchObject({ delivered: 1, tooOld: 0 });
    expect(line.deliveries).toHaveLength(1);
    expect(s3.keys(BUCKET)).toEqual([]);
  });

  it("refuses a bucket that does not exist in one line naming the stack output", async () => {
    // Act
    const refused = replay({ bucket: "no-such-bucket" });

    // Assess
    await expect(refused).rejects.toThrow(ReplayInputError);
    await expect(refused).rejects.toThrow(/^no bucket no-such-bucket: pass the StreamFailureBucketName output/);
  });
});
