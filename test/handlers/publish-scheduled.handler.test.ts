/**
 * The deployed scheduling path end to end, on DynamoDB Local: the publish handler (payload 2.0, as
 * API Gateway sends it) with the EventBridge release alarm on the real Scheduler SDK client against
 * the fake Scheduler; the fake fires the schedule into the release handler. A schedule that cannot
 * be created fails the request on the handler's error path (the API's 500) with nothing written;
 * DELETE of a scheduled one leaves its schedule, which then finds it cancelled.
 */
import { readFileSync } from "node:fs";
import { Logger } from "@aws-lambda-powertools/logger";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DynamoDbPublicationStore } from "#adapters/dynamodb/dynamodb-publication-store.ts";
import { EventBridgeReleaseAlarm, scheduleNameOf } from "#adapters/scheduler/eventbridge-release-alarm.ts";
import { hashPublishKey } from "#domain/publish/publish-keys.ts";
import { createPublishHandler } from "#handlers/publish.handler.ts";
import { createReleaseScheduledHandler } from "#handlers/release-scheduled.handler.ts";
import { FakeSchedulerServer } from "#test/fakes/fake-scheduler-server.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";

const fixture: APIGatewayProxyEventV2 = JSON.parse(readFileSync(new URL("../events/apigw-http/request.json", import.meta.url), "utf8"));
const KEY = "llk_test-key";
const TARGET = "arn:aws:lambda:us-east-1:123456789012:function:live-likes-ReleaseScheduled";
const GROUP = "live-likes-releases";
const logger = new Logger({ logLevel: "SILENT" });

function request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  const event = structuredClone(fixture);
  return {
    ...event,
    rawPath: path,
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json", ...headers },
    requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method, path } },
    ...(body !== undefined ? { body: JSON.stringify(body), isBase64Encoded: false } : {}),
  };
}

describe("publish handler with one-time schedules (deployed)", () => {
  let scheduler: FakeSchedulerServer;
  let client: SchedulerClient;
  let tables: TestTables;
  let store: DynamoDbPublicationStore;
  let handle: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

  const items = async () => (await tables.doc.send(new ScanCommand({ TableName: tables.notifications, ConsistentRead: true }))).Items ?? [];
  const receipt = async (id: string) => JSON.parse((await handle(request("GET", `/v1/notifications/${id}`))).body as string);

  beforeAll(async () => {
    scheduler = await FakeSchedulerServer.start();
    client = new SchedulerClient({
      endpoint: scheduler.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client.destroy();
    await scheduler.close();
  });
  beforeEach(async () => {
    tables = await createTestTables();
    store = new DynamoDbPublicationStore({ tableName: tables.notifications, client: tables.doc });
    const alarm = new EventBridgeReleaseAlarm({
      groupName: GROUP,
      roleArn: "arn:aws:iam::123456789012:role/release",
      targetArn: TARGET,
      client,
    });
    handle = createPublishHandler({
      publications: store,
      keys: { findByHash: async (hash) => (hash === hashPublishKey(KEY) ? { name: "ci" } : undefined) },
      alarm,
      logger,
    });
    const release = createReleaseScheduledHandler({ store, logger });
    scheduler.register(TARGET, (event) => release(event, { getRemainingTimeInMillis: () => 30_000 }));
  });

  it("answers 202 scheduled with its schedule created, and the schedule releases it at sendAt", async () => {
    // Prepare
    const sendAt = new Date(Date.now() + 1_200).toISOString();

    // Act
    const answer = await handle(request("POST", "/v1/notifications", { to: "user:alice", title: "At noon", sendAt }));
    const { id } = JSON.parse(answer.body as string);
    const before = await receipt(id);
    const fired = await scheduler.fire(scheduleNameOf(id), GROUP);

    // Assess
    expect(answer.statusCode).toBe(202);
    expect(JSON.parse(answer.body as string)).toEqual({ id, status: "scheduled", sendAt });
    expect(before).toMatchObject({ id, status: "scheduled", sendAt });
    expect(fired).toEqual({ released: 1, taken: 0 });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(sendAt));
    expect((await items()).find((item) => item.id === id)).toMatchObject({ status: "due" });
  });

  it("sends at once without any schedule when there is no sendAt", async () => {
    const created = scheduler.requests.length;

    const answer = await handle(request("POST", "/v1/notifications", { to: "user:alice", title: "Now" }));

    expect(answer.statusCode).toBe(202);
    expect(JSON.parse(answer.body as string)).toMatchObject({ status: "accepted" });
    expect(scheduler.requests.length).toBe(created);
  });

  it("fails the request (the API's 500) and writes nothing, not even the key's claim, when the schedule cannot be created", async () => {
    // Prepare
    scheduler.failNext(1);
    const body = { to: "user:alice", title: "Later", sendAt: new Date(Date.now() + 600_000).toISOString() };

    // Act / Assess: the handler rejects, which Lambda and API Gateway answer 500
    await expect(handle(request("POST", "/v1/notifications", body, { "idempotency-key": "k-1" }))).rejects.toMatchObject({
      name: "InternalServerException",
    });
    expect(await items()).toEqual([]);

    // The caller's retry with the same key then goes through, once
    const retried = await handle(request("POST", "/v1/notifications", body, { "idempotency-key": "k-1" }));
    expect(retried.statusCode).toBe(202);
    expect((await items()).filter((item) => item.kind === "notification")).toHaveLength(1);
  });

  it("cancels (204) and leaves the schedule, which then releases nothing", async () => {
    // Prepare
    const sendAt = new Date(Date.now() + 300).toISOString();
    const { id } = JSON.parse(
      (await handle(request("POST", "/v1/notifications", { to: "user:alice", title: "Never", sendAt }))).body as string,
    );

    // Act
    const cancelled = await handle(request("DELETE", `/v1/notifications/${id}`));
    await new Promise((resolve) => setTimeout(resolve, 400));
    const fired = await scheduler.fire(scheduleNameOf(id), GROUP);

    // Assess
    expect(cancelled.statusCode).toBe(204);
    expect(fired).toEqual({ released: 0, taken: 1 });
    expect(await receipt(id)).toMatchObject({ status: "cancelled" });
  });
});
