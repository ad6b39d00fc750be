/**
 * The publish API as `npm start` serves it: real HTTP to the emulator's port (`/v1`), the
 * notifications table and its own stream poller, the same stream handler as likes, real `ws`
 * clients, and LINE through the fake Messaging API server.
 */
import { randomBytes } from "node:crypto";
import { describe, expect } from "vitest";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoDbPublishKeyStore } from "#adapters/dynamodb/dynamodb-publish-key-store.ts";
import { hashPublishKey, newPublishKey } from "#domain/publish/publish-keys.ts";
import { localDynamoClient } from "#test/support/dynamodb.ts";
import { runtimeTest as it, WRITER } from "#test/support/runtime-fixture.ts";
import { likeFrames, type TestClient } from "#test/support/ws-client.ts";
import { waitFor } from "#test/support/wait-for.ts";

const framesOfType = (client: TestClient, type: string) =>
  client.frames.map((frame) => JSON.parse(frame) as Record<string, unknown>).filter((frame) => frame.type === type);

/** A ping answered proves every frame sent before it reached the client. */
async function settled(client: TestClient): Promise<void> {
  const pongs = framesOfType(client, "pong").length;
  client.socket.send('{"action":"ping"}');
  await waitFor(() => (framesOfType(client, "pong").length > pongs ? true : undefined), { what: "pong" });
}

describe("publish API on the local runtime", () => {
  let base: string;
  let key: string;
  let keys: DynamoDbPublishKeyStore;
  let itemIds: string[];

  const call = async (
    method: string,
    path: string,
    init: { body?: unknown; key?: string | null; headers?: Record<string, string> } = {},
  ) => {
    const authorization: Record<string, string> = init.key === null ? {} : { authorization: `Bearer ${init.key ?? key}` };
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { "content-type": "application/json", ...authorization, ...init.headers },
      ...(init.body !== undefined ? { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
  };
  const publish = (body: unknown, headers: Record<string, string> = {}) => call("POST", "/v1/notifications", { body, headers });

  it.beforeAll(async ({ local }) => {
    itemIds = local.qiita.addArticles(WRITER, 3, { likers: 1 });
    const config = local.config();
    const runtime = await local.start(config);
    base = runtime.httpUrl;
    keys = new DynamoDbPublishKeyStore({ tableName: config.tables.publishKeys, client: DynamoDBDocumentClient.from(localDynamoClient()) });
    key = newPublishKey(randomBytes);
    await keys.create("ci", hashPublishKey(key), Date.now());
  });

  it("answers 401 without a key, with an unknown key and with a revoked key", async () => {
    const revoked = newPublishKey(randomBytes);
    await keys.create("old", hashPublishKey(revoked), Date.now());
    await keys.revoke("old", Date.now());

    for (const attempt of [null, "llk_unknown", revoked]) {
      const answer = await call("POST", "/v1/notifications", { key: attempt, body: { to: "user:alice", title: "t" } });
      expect(answer).toEqual({ status: 401, body: { error: { message: expect.any(String) } } });
    }
    expect((await call("GET", `/v1/notifications/${"1".repeat(40)}`, { key: null })).status).toBe(401);
  });

  it("accepts with 202 and brings the frame to every tab of the user and to nobody else", async ({ local }) => {
    // Prepare
    const [tab1, tab2, stranger] = [await local.open("alice"), await local.open("alice"), await local.open("bob")];

    // Act
    const answer = await publish({ to: "user:alice", title: "Build 7 passed", url: "https://ci.example/7", data: { build: 7 } });

    // Assess
    expect(answer).toEqual({ status: 202, body: { id: expect.stringMatching(/^\d{40}$/), status: "accepted" } });
    for (const tab of [tab1!, tab2!]) {
      await waitFor(() => (framesOfType(tab, "notification").length > 0 ? true : undefined), { what: "notification frame" });
      expect(framesOfType(tab, "notification")).toEqual([
        {
          type: "notification",
          id: answer.body?.id,
          to: "user:alice",
          title: "Build 7 passed",
          url: "https://ci.example/7",
          data: { build: 7 },
          at: expect.any(String),
        },
      ]);
    }
    await settled(stranger!);
    expect(framesOfType(stranger!, "notification")).toEqual([]);

    // The receipt says two live connections got it, and LINE was not needed.
    const receipt = await waitFor(async () => {
      const got = await call("GET", `/v1/notifications/${answer.body?.id}`);
      return got.body?.status === "sent" ? got : undefined;
    });
    expect(receipt).toEqual({
      status: 200,
      body: {
        id: answer.body?.id,
        to: "user:alice",
        title: "Build 7 passed",
        status: "sent",
        sentAt: expect.any(String),
        deliveries: { live: 2, line: "not-needed", email: "not-needed" },
      },
    });
  });

  it("answers 404 for an unknown receipt and path", async () => {
    expect((await call("GET", `/v1/notifications/${"9".repeat(40)}`)).status).toBe(404);
    expect((await call("GET", "/v1/notifications/idem%23x")).status).toBe(404);
    expect((await call("GET", "/v1/elsewhere")).status).toBe(404);
  });

  it.each([
    [{ title: "no audience" }, "to"],
    [{ to: "user:alice", title: "" }, "title"],
    [{ to: "user:alice", title: "t", url: "javascript:alert(1)" }, "url"],
    [{ to: "group:Team_1", title: "t" }, "to"],
    [{ to: "user:alice", title: "t", sendAt: "2030-01-01T00:00:00Z" }, "sendAt"],
  ])("answers 400 naming the field for %j", async (body, field) => {
    const answer = await publish(body);

    expect(answer).toEqual({ status: 400, body: { error: { field, message: expect.any(String) } } });
  });

  it("answers 413 for a body over 256 KB (one over ~30 KB goes to S3: publish-large-body.test.ts)", async () => {
    const huge = await publish({ to: "user:alice", title: "t", body: "x".repeat(256 * 1024 + 1) });

    expect(huge).toEqual({ status: 413, body: { error: { field: "body", message: expect.any(String) } } });
  });

  it("answers the same id for a repeated Idempotency-Key and sends one frame; another body with it is 409", async ({ local }) => {
    // Prepare
    const tab = await local.open("carol");
    const request = { to: "user:carol", title: "Report ready" };

    // Act
    const first = await publish(request, { "idempotency-key": "report-2026-11-30" });
    const again = await publish(request, { "idempotency-key": "report-2026-11-30" });
    const other = await publish({ ...request, title: "Another" }, { "idempotency-key": "report-2026-11-30" });

    // Assess
    expect(first.status).toBe(202);
    expect(again).toEqual(first);
    expect(other).toEqual({ status: 409, body: { error: { field: "Idempotency-Key", message: expect.any(String) } } });
    await waitFor(() => (framesOfType(tab, "notification").length > 0 ? true : undefined));
    await waitFor(async () => ((await call("GET", `/v1/notifications/${first.body?.id}`)).body?.status === "sent" ? true : undefined));
    await settled(tab);
    expect(framesOfType(tab, "notification").map((frame) => frame.id)).toEqual([first.body?.id]);
  });

  it("pushes LINE exactly once for a user with no tab open", async ({ local: { line } }) => {
    const before = line.deliveries.length;

    const answer = await publish({ to: "user:dave", title: "Your export is ready", body: "3 files\nready", url: "https://ci.example/e" });

    const receipt = await waitFor(async () => {
      const got = await call("GET", `/v1/notifications/${answer.body?.id}`);
      return got.body?.status === "sent" ? got.body : undefined;
    });
    expect(receipt.deliveries).toEqual({ live: 0, line: "sent", email: "not-configured" });
    expect(line.deliveries.slice(before)).toEqual([
      expect.objectContaining({ texts: ["🔔 1 notification\n\nYour export is ready\n3 files\nready\nhttps://ci.example/e"] }),
    ]);
  });

  it("replays notifications with likes, in order, on resume", async ({ local }) => {
    // Prepare: a like, a notification, a like for the writer, each delivered before the next
    const watcher = await local.open(WRITER);
    local.qiita.like(itemIds[0] as string, "fan-1");
    await local.runtime.collectNow();
    await waitFor(() => (likeFrames(watcher).length === 1 ? true : undefined), { what: "the first like" });
    const published = await publish({ to: `user:${WRITER}`, title: "Between two likes" });
    await waitFor(() => (framesOfType(watcher, "notification").length === 1 ? true : undefined), { what: "the notification" });
    local.qiita.like(itemIds[1] as string, "fan-2");
    await local.runtime.collectNow();
    await waitFor(() => (likeFrames(watcher).length === 2 ? true : undefined), { what: "the second like" });

    // Act
    const tab = await local.open(WRITER);
    tab.socket.send('{"action":"resume","since":"0"}');
    await waitFor(() => (framesOfType(tab, "resumed").length > 0 ? true : undefined), { what: "resumed" });

    // Assess
    const replayed = tab.frames
      .map((frame) => JSON.parse(frame) as Record<string, unknown>)
      .filter((f) => f.type === "like" || f.type === "notification");
    expect(replayed.map((frame) => frame.type)).toEqual(["like", "notification", "like"]);
    expect(replayed[1]?.id).toBe(published.body?.id);
    const ids = replayed.map((frame) => frame.id as string);
    expect([...ids].sort()).toEqual(ids);
  });
});
