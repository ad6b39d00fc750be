/**
 * Scheduled notifications as `npm start` serves them: `sendAt` over real HTTP, the scheduler loop
 * releasing into the notifications stream, real `ws` tabs, LINE through the fake Messaging API,
 * cancel, receipts; two schedulers racing on one DynamoDB Local; a restart on the same DATA_DIR
 * between publish and sendAt; two requests with one Idempotency-Key at once.
 */
import { randomBytes } from "node:crypto";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Logger } from "@aws-lambda-powertools/logger";
import { describe, expect } from "vitest";
import { DynamoDbPublicationStore } from "#adapters/dynamodb/dynamodb-publication-store.ts";
import { DynamoDbPublishKeyStore } from "#adapters/dynamodb/dynamodb-publish-key-store.ts";
import { eventTimeMs } from "#domain/event-id.ts";
import { hashPublishKey, newPublishKey } from "#domain/publish/publish-keys.ts";
import { releaseDueNotifications } from "#domain/publish/release-due-notifications.ts";
import { type LocalConfig, loadConfig } from "#local/config.ts";
import { runKeyCli } from "#local/key-cli.ts";
import { startSchedulerLoop } from "#local/scheduler-loop.ts";
import { createTestTables, localDynamoClient } from "#test/support/dynamodb.ts";
import { localRuntimeEnv } from "#test/support/local-runtime.ts";
import { QIITA_TOKEN, runtimePerTest as it, type RuntimeWithFakes } from "#test/support/runtime-fixture.ts";
import { waitFor } from "#test/support/wait-for.ts";
import type { TestClient } from "#test/support/ws-client.ts";

// biome-ignore lint/suspicious/noExplicitAny: answers and frames are read field by field, as JSON.
type Json = Record<string, any>;

/** The notification frames a tab got, each with when it arrived (epoch ms). */
function notificationsOf(tab: TestClient): { frame: Json; at: number }[] {
  const seen: { frame: Json; at: number }[] = [];
  tab.socket.on("message", (data: Buffer) => {
    const frame = JSON.parse(data.toString("utf8")) as Json;
    if (frame.type === "notification") seen.push({ frame, at: Date.now() });
  });
  return seen;
}

/** A ping answered proves every frame sent before it reached the tab. */
async function settled(tab: TestClient): Promise<void> {
  const pongs = () => tab.frames.filter((frame) => JSON.parse(frame).type === "pong").length;
  const before = pongs();
  tab.socket.send('{"action":"ping"}');
  await waitFor(() => (pongs() > before ? true : undefined), { what: "pong" });
}

function api(base: string, key: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Json) : undefined };
  };
}

/** Starts the runtime on the run's DynamoDB Local with a publish key; `call` speaks to its /v1. */
async function started(local: RuntimeWithFakes, config: LocalConfig = local.config()) {
  const runtime = await local.start(config);
  const key = newPublishKey(randomBytes);
  const keys = new DynamoDbPublishKeyStore({
    tableName: config.tables.publishKeys,
    client: DynamoDBDocumentClient.from(localDynamoClient()),
  });
  await keys.create("ci", hashPublishKey(key), Date.now());
  return { runtime, config, call: api(runtime.httpUrl, key) };
}

const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

describe("scheduled notifications on the local runtime", () => {
  it("answers 202 scheduled, delivers nothing before sendAt, then once to the tab, and the receipt follows", async ({ local }) => {
    // Prepare
    const { call } = await started(local);
    const tab = await local.open("alice");
    const frames = notificationsOf(tab);
    const sendAt = inSeconds(3);

    // Act
    const answer = await call("POST", "/v1/notifications", { to: "user:alice", title: "Standup in 5 minutes", sendAt });
    const waiting = await call("GET", `/v1/notifications/${answer.body?.id}`);

    // Assess
    expect(answer).toEqual({ status: 202, body: { id: expect.stringMatching(/^\d{40}$/), status: "scheduled", sendAt } });
    expect(waiting.body).toEqual({ id: answer.body?.id, to: "user:alice", title: "Standup in 5 minutes", status: "scheduled", sendAt });
    const [got] = await waitFor(() => (frames.length ? frames : undefined), { timeoutMs: 15_000, what: "scheduled frame" });
    expect(got?.at).toBeGreaterThanOrEqual(Date.parse(sendAt));
    expect(got?.at).toBeLessThanOrEqual(Date.parse(sendAt) + 60_000);
    expect(got?.frame).toEqual({ type: "notification", id: answer.body?.id, to: "user:alice", title: "Standup in 5 minutes", at: sendAt });
    expect(eventTimeMs(answer.body?.id)).toBe(Date.parse(sendAt));
    const receipt = await waitFor(
      async () => {
        const read = await call("GET", `/v1/notifications/${answer.body?.id}`);
        return read.body?.status === "sent" ? read.body : undefined;
      },
      { what: "receipt sent" },
    );
    expect(receipt).toEqual({
      id: answer.body?.id,
      to: "user:alice",
      title: "Standup in 5 minutes",
      status: "sent",
      sendAt,
      sentAt: expect.any(String),
      deliveries: { live: 1, line: "not-needed", email: "not-needed" },
    });
    expect(Date.parse(receipt.sentAt)).toBeGreaterThanOrEqual(Date.parse(sendAt));
    await settled(tab);
    expect(frames).toHaveLength(1);
    expect(local.line.deliveries).toEqual([]);
  }, 30_000);

  it("schedules a group message: at sendAt each member's tab gets its own copy once, a non-member nothing", async ({ local }) => {
    // Prepare
    const { call } = await started(local);
    for (const member of ["alice", "bob"]) expect((await call("PUT", `/v1/groups/standup/members/${member}`)).status).toBe(201);
    const [alice, bob, carol] = [await local.open("alice"), await local.open("bob"), await local.open("carol")];
    const frames = [alice, bob, carol].map((tab) => notificationsOf(tab!));
    const sendAt = inSeconds(2);

    // Act
    const answer = await call("POST", "/v1/notifications", { to: "group:standup", title: "Standup now", sendAt });

    // Assess
    expect(answer.body).toMatchObject({ status: "scheduled", sendAt });
    for (const seen of frames.slice(0, 2)) {
      const [got] = await waitFor(() => (seen.length ? seen : undefined), { timeoutMs: 15_000, what: "member frame" });
      expect(got?.at).toBeGreaterThanOrEqual(Date.parse(sendAt));
      expect(got?.frame).toMatchObject({ to: "group:standup", title: "Standup now", at: sendAt });
    }
    await waitFor(async () => ((await call("GET", `/v1/notifications/${answer.body?.id}`)).body?.status === "sent" ? true : undefined));
    for (const tab of [alice, bob, carol]) await settled(tab!);
    expect(frames.map((seen) => seen.length)).toEqual([1, 1, 0]);
    expect(frames[0]![0]!.frame.id).not.toBe(frames[1]![0]!.frame.id);
    expect((await call("GET", `/v1/notifications/${answer.body?.id}`)).body?.deliveries).toMatchObject({ live: 2 });
  }, 30_000);

  it("cancels a scheduled one (204, again 204), delivers nothing after, and refuses to cancel a sent one (409)", async ({ local }) => {
    // Prepare
    const { runtime, call } = await started(local);
    const tab = await local.open("alice");
    const frames = notificationsOf(tab);
    const sendAt = inSeconds(2);
    const scheduled = await call("POST", "/v1/notifications", { to: "user:alice", title: "cancelled", sendAt });
    const now = await call("POST", "/v1/notifications", { to: "user:alice", title: "sent at once" });

    // Act
    const cancel = await call("DELETE", `/v1/notifications/${scheduled.body?.id}`);
    const again = await call("DELETE", `/v1/notifications/${scheduled.body?.id}`);
    await waitFor(() => (frames.length ? true : undefined), { what: "the immediate frame" });
    await waitFor(async () => ((await call("GET", `/v1/notifications/${now.body?.id}`)).body?.status === "sent" ? true : undefined));
    const sent = await call("DELETE", `/v1/notifications/${now.body?.id}`);
    const unknown = await call("DELETE", `/v1/notifications/${"9".repeat(40)}`);
    const notAnId = await call("DELETE", "/v1/notifications/idem%23x");
    // Past sendAt, with the scheduler having run after it.
    await waitFor(() => (Date.now() > Date.parse(sendAt) ? true : undefined), { what: "sendAt passed" });
    await runtime.scheduler.runNow();
    await runtime.notificationsPoller.drained();
    await settled(tab);

    // Assess
    expect(cancel).toEqual({ status: 204, body: undefined });
    expect(again).toEqual({ status: 204, body: undefined });
    expect(sent).toEqual({ status: 409, body: { error: { message: expect.stringContaining("only a scheduled one") } } });
    expect(unknown.status).toBe(404);
    expect(notAnId.status).toBe(404);
    expect(frames.map(({ frame }) => frame.title)).toEqual(["sent at once"]);
    expect(await call("GET", `/v1/notifications/${scheduled.body?.id}`)).toEqual({
      status: 200,
      body: { id: scheduled.body?.id, to: "user:alice", title: "cancelled", status: "cancelled", sendAt },
    });
    expect((await call("PATCH", `/v1/notifications/${scheduled.body?.id}`)).status).toBe(405);
  }, 30_000);

  it("keeps Idempotency-Key with sendAt: the same request answers the same id and sendAt, and it goes out once", async ({ local }) => {
    // Prepare
    const { call } = await started(local);
    const tab = await local.open("alice");
    const frames = notificationsOf(tab);
    const body = { to: "user:alice", title: "once", sendAt: inSeconds(2) };

    // Act
    const first = await call("POST", "/v1/notifications", body, { "Idempotency-Key": "reminder-1" });
    const repeat = await call("POST", "/v1/notifications", body, { "Idempotency-Key": "reminder-1" });
    const other = await call("POST", "/v1/notifications", { ...body, title: "twice?" }, { "Idempotency-Key": "reminder-1" });

    // Assess
    expect(repeat).toEqual(first);
    expect(first.body?.status).toBe("scheduled");
    expect(other.status).toBe(409);
    await waitFor(() => (frames.length ? true : undefined), { timeoutMs: 15_000, what: "frame" });
    await waitFor(async () => ((await call("GET", `/v1/notifications/${first.body?.id}`)).body?.status === "sent" ? true : undefined));
    await settled(tab);
    expect(frames.map(({ frame }) => frame.id)).toEqual([first.body?.id]);
  }, 30_000);

  it("answers 400 on sendAt too far back, too far ahead or not ISO 8601, and writes nothing", async ({ local }) => {
    const { call } = await started(local);
    const tab = await local.open("alice");
    const frames = notificationsOf(tab);

    for (const sendAt of [inSeconds(-61), inSeconds(367 * 86_400), "2026-12-24 18:00", 1_800_000_000]) {
      const answer = await call("POST", "/v1/notifications", { to: "user:alice", title: "t", sendAt });
      expect(answer).toEqual({ status: 400, body: { error: { field: "sendAt", message: expect.any(String) } } });
    }
    await call("POST", "/v1/notifications", { to: "user:alice", title: "marker" });
    await waitFor(() => (frames.length ? true : undefined), { what: "marker frame" });
    await settled(tab);
    expect(frames.map(({ frame }) => frame.title)).toEqual(["marker"]);
  });

  it("answers failed when LINE refuses the push for good (a wrong channel token), with what went out", async ({ local }) => {
    // Prepare: bob has no tab, so LINE is owed; LINE answers 401 to every try
    const { call } = await started(local);
    local.line.failNext(1_000, { status: 401 });

    // Act
    const answer = await call("POST", "/v1/notifications", { to: "user:bob", title: "nobody can read this" });

    // Assess
    const receipt = await waitFor(
      async () => {
        const read = await call("GET", `/v1/notifications/${answer.body?.id}`);
        return read.body?.status === "failed" ? read.body : undefined;
      },
      { timeoutMs: 10_000, what: "receipt failed" },
    );
    expect(receipt).toEqual({
      id: answer.body?.id,
      to: "user:bob",
      title: "nobody can read this",
      status: "failed",
      sentAt: expect.any(String),
      deliveries: expect.objectContaining({ live: 0, line: "failed" }),
    });
    expect(local.line.deliveries).toEqual([]);
  });

  it("two concurrent POSTs with one Idempotency-Key: the same body gets the winner's id, another body 409, never 500", async ({
    local,
  }) => {
    // Prepare
    const { call } = await started(local);
    const tab = await local.open("alice");
    const frames = notificationsOf(tab);
    const body = { to: "user:alice", title: "raced" };

    // Act: real HTTP requests in flight together
    const same = await Promise.all(
      Array.from({ length: 8 }, () => call("POST", "/v1/notifications", body, { "Idempotency-Key": "race-1" })),
    );
    const mixed = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call("POST", "/v1/notifications", { ...body, title: `raced ${i % 2}` }, { "Idempotency-Key": "race-2" }),
      ),
    );

    // Assess
    expect(same.map((answer) => answer.status)).toEqual(Array(8).fill(202));
    expect(new Set(same.map((answer) => answer.body?.id)).size).toBe(1);
    expect(mixed.every((answer) => answer.status === 202 || answer.status === 409)).toBe(true);
    const winners = mixed.filter((answer) => answer.status === 202);
    expect(new Set(winners.map((answer) => answer.body?.id)).size).toBe(1);
    expect(mixed.filter((answer) => answer.status === 409).length).toBeGreaterThan(0);
    await waitFor(() => (frames.length >= 2 ? true : undefined), { what: "two frames" });
    await settled(tab);
    expect(frames.map(({ frame }) => frame.id).sort()).toEqual([same[0]?.body?.id, winners[0]?.body?.id].sort());
  }, 30_000);

  it("releases each once when a second scheduler races the runtime's: one frame per notification, one LINE push each", async ({
    local,
  }) => {
    // Prepare: the runtime's scheduler plus another loop on the same table; a LINE allowance that
    // never turns to the daily digest (issue 13's pace guard), so every push is sent now
    const { config, call } = await started(local, local.config({ LINE_MONTHLY_LIMIT: "100000" }));
    const tab = await local.open("alice");
    const frames = notificationsOf(tab);
    const store = new DynamoDbPublicationStore({
      tableName: config.tables.notifications,
      client: DynamoDBDocumentClient.from(localDynamoClient()),
    });
    const rival = startSchedulerLoop({ store, logger: new Logger({ logLevel: "SILENT" }), intervalMs: 200 });
    const sendAt = inSeconds(3);

    // Act: 10 to alice's tab and 5 to bob, who has none (LINE), all due at once
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      ids.push((await call("POST", "/v1/notifications", { to: "user:alice", title: `tab ${i}`, sendAt })).body?.id);
    }
    for (let i = 0; i < 5; i++) {
      ids.push((await call("POST", "/v1/notifications", { to: "user:bob", title: `line ${i}`, sendAt })).body?.id);
    }
    try {
      await waitFor(() => (frames.length >= 10 ? true : undefined), { timeoutMs: 15_000, what: "10 frames" });
      for (const id of ids) {
        await waitFor(async () => ((await call("GET", `/v1/notifications/${id}`)).body?.status === "sent" ? true : undefined));
      }
      await rival.runNow();
      await local.runtime.scheduler.runNow();
      await local.runtime.notificationsPoller.drained();
      await settled(tab);
    } finally {
      await rival.stop();
    }

    // Assess
    expect(frames.map(({ frame }) => frame.title).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `tab ${i}`).sort());
    const lineTexts = local.line.deliveries.flatMap((push) => push.texts).join("\n");
    for (let i = 0; i < 5; i++) expect(lineTexts.split(`line ${i}`)).toHaveLength(2);
    expect(lineTexts).not.toContain("tab ");
  }, 40_000);

  it("two release runs at once on one DynamoDB Local release each item once", async () => {
    // Prepare: tables of its own, 40 items already due
    const tables = await createTestTables();
    const stores = [0, 1].map(() => new DynamoDbPublicationStore({ tableName: tables.notifications, client: tables.doc }));
    const dueAt = Date.now() - 1_000;
    for (let i = 0; i < 40; i++) {
      const id = `${String(dueAt).padStart(15, "0")}1${String(i).padStart(24, "0")}`;
      await stores[0]!.publish({ kind: "notification", id, to: "user:alice", userId: "alice", title: `n${i}`, at: "" }, undefined, {
        sendAtMs: dueAt,
      });
    }

    // Act
    const runs = await Promise.all(stores.map((store) => releaseDueNotifications({ store })));

    // Assess
    const released = runs.flatMap((run) => run.released);
    expect(released).toHaveLength(40);
    expect(new Set(released).size).toBe(40);
    expect(runs[0]!.taken + runs[1]!.taken).toBe(40);
    expect(await stores[0]!.due(Date.now(), 100)).toEqual([]);
  });
});

describe("scheduled notifications across a restart of npm start", () => {
  it("delivers once, after the restart, what fell due while stopped", async ({ local }) => {
    // Prepare: npm start with its own DynamoDB Local persisted in DATA_DIR
    const dataDir = await local.tempDir("live-likes-schedule-restart-");
    const env: Record<string, string> = {
      ...localRuntimeEnv({ QIITA_TOKEN, QIITA_BASE_URL: local.qiita.baseUrl }),
      LINE_CHANNEL_ACCESS_TOKEN: "line-channel-token",
      LINE_TO: "U-writer",
      LINE_API_BASE_URL: local.line.baseUrl,
      DYNAMODB_PORT: "0",
      DATA_DIR: dataDir,
    };
    delete env.DYNAMODB_ENDPOINT;
    let runtime = await local.start(loadConfig(env));
    const key = (await runKeyCli(["create", "restart"], env)).at(-1) as string;
    let call = api(runtime.httpUrl, key);
    const sendAt = inSeconds(3);
    const answer = await call("POST", "/v1/notifications", { to: "user:alice", title: "while you were away", sendAt });
    expect(answer.body?.status).toBe("scheduled");

    // Act: stopped before sendAt, started again after it
    await local.stop();
    await waitFor(() => (Date.now() > Date.parse(sendAt) + 500 ? true : undefined), { timeoutMs: 10_000, what: "sendAt passed" });
    runtime = await local.start(loadConfig(env));
    call = api(runtime.httpUrl, key);

    // Assess: LINE once (alice has no tab), the receipt sent, and no second release
    const receipt = await waitFor(
      async () => {
        const read = await call("GET", `/v1/notifications/${answer.body?.id}`);
        return read.body?.status === "sent" ? read.body : undefined;
      },
      { timeoutMs: 15_000, what: "receipt sent" },
    );
    expect(receipt).toMatchObject({ status: "sent", sendAt, deliveries: { live: 0, line: "sent" } });
    await runtime.scheduler.runNow();
    await runtime.notificationsPoller.drained();
    expect(local.line.deliveries).toHaveLength(1);
    expect(local.line.deliveries[0]?.texts.join("\n")).toContain("while you were away");
  }, 90_000);
});
