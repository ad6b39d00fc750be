import { beforeAll, describe, expect, it } from "vitest";
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { DynamoDbEventLog } from "#adapters/dynamodb/dynamodb-event-log.ts";
import { createDefaultHandler } from "#handlers/default.handler.ts";
import { MAX_RESUMES_PER_MINUTE, RECENT_ON_FIRST_LOAD, RESUME_PAGE_SIZE } from "#domain/resume.ts";
import { eventIdFromSequence } from "#domain/like-events.ts";
import { likeEvent as like } from "#test/support/like-events.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";
import { websocketEvent } from "#test/support/events.ts";
import { RecordingPoster } from "#test/support/recording-poster.ts";

const logger = new Logger({ logLevel: "SILENT" });

describe("default handler", () => {
  let tables: TestTables;
  let poster: RecordingPoster;
  let handle: ReturnType<typeof createDefaultHandler>;
  let connections: DynamoDbConnectionStore;
  let events: DynamoDbEventLog;

  beforeAll(async () => {
    tables = await createTestTables();
    poster = new RecordingPoster();
    connections = new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc });
    events = new DynamoDbEventLog({ tableName: tables.events, client: tables.doc });
    handle = createDefaultHandler({ connections, events, poster, logger });
    await connections.save({ connectionId: "alice-tab", userId: "alice", connectedAt: 1, expiresAt: 2e9 });
    await events.append([like("alice", 1), like("alice", 2), like("alice", 3), like("bob", 4)]);
  });

  it("answers ping with pong", async () => {
    // Act
    const result = await handle(websocketEvent("message", "alice-tab", { body: '{"action":"ping"}' }));

    // Assess
    expect(JSON.parse(result.body ?? "")).toEqual({ type: "pong" });
  });

  it.each(["{oops", '{"action":"dance"}', ""])("answers %j with an error frame and keeps the connection", async (body) => {
    const result = await handle(websocketEvent("message", "alice-tab", { body }));

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? "")).toMatchObject({ type: "error", message: expect.any(String) });
  });

  it("replays the user's own missed likes in order with their ids, then says how many", async () => {
    // Act
    const result = await handle(
      websocketEvent("message", "alice-tab", { body: JSON.stringify({ action: "resume", since: eventIdFromSequence("1") }) }),
    );

    // Assess
    expect(poster.framesOf("alice-tab").map((frame) => [frame.type, frame.id])).toEqual([
      ["like", eventIdFromSequence("2")],
      ["like", eventIdFromSequence("3")],
    ]);
    expect(JSON.parse(result.body ?? "")).toEqual({ type: "resumed", count: 2, more: false });
  });

  it('gives a first load (since "0") the most recent likes, oldest first', async () => {
    // Prepare
    await connections.save({ connectionId: "alice-new-tab", userId: "alice", connectedAt: 1, expiresAt: 2e9 });
    const extra = Array.from({ length: RECENT_ON_FIRST_LOAD }, (_, i) => like("alice", 100 + i));
    await events.append(extra);

    // Act
    const result = await handle(websocketEvent("message", "alice-new-tab", { body: '{"action":"resume","since":"0"}' }));

    // Assess: the newest RECENT_ON_FIRST_LOAD, so the three older likes are left out
    expect(poster.framesOf("alice-new-tab").map((frame) => frame.id)).toEqual(extra.map((e) => e.id));
    expect(JSON.parse(result.body ?? "")).toEqual({ type: "resumed", count: RECENT_ON_FIRST_LOAD, more: false });
  });

  it("replays at most one page, says more remain, and goes on from the last id when asked again", async () => {
    // Prepare: a page and a half behind
    await connections.save({ connectionId: "carol-tab", userId: "carol", connectedAt: 1, expiresAt: 2e9 });
    const missed = Array.from({ length: RESUME_PAGE_SIZE + 50 }, (_, i) => like("carol", 1_000 + i));
    await events.append([like("carol", 999), ...missed]);
    const ask = (since: string) => handle(websocketEvent("message", "carol-tab", { body: JSON.stringify({ action: "resume", since }) }));

    // Act
    const first = JSON.parse((await ask(eventIdFromSequence("999"))).body ?? "");
    const firstIds = poster.framesOf("carol-tab").map((frame) => frame.id);
    const second = JSON.parse((await ask(firstIds.at(-1) as string)).body ?? "");

    // Assess
    expect(first).toEqual({ type: "resumed", count: RESUME_PAGE_SIZE, more: true });
    expect(second).toEqual({ type: "resumed", count: 50, more: false });
    expect(poster.framesOf("carol-tab").map((frame) => frame.id)).toEqual(missed.map((e) => e.id));
  });

  it.each(["-", ".", "00", "a b", "1".repeat(41)])(
    'refuses since %j, which is neither "0" nor an event id, before any query',
    async (since) => {
      const result = await handle(websocketEvent("message", "alice-tab", { body: JSON.stringify({ action: "resume", since }) }));

      expect(JSON.parse(result.body ?? "")).toMatchObject({ type: "error", message: expect.stringMatching(/since/) });
    },
  );

  it("allows ten resumes a minute per connection, then says when to try again and keeps the connection", async () => {
    // Prepare: a clock in the middle of a minute
    let clock = 1_800_000_030_000;
    const limited = createDefaultHandler({ connections, events, poster, logger, nowMs: () => clock });
    await connections.save({ connectionId: "dave-tab", userId: "dave", connectedAt: 1, expiresAt: 2e9 });
    const ask = () => limited(websocketEvent("message", "dave-tab", { body: '{"action":"resume","since":"0"}' }));

    // Act
    const answers = [];
    for (let i = 0; i <= MAX_RESUMES_PER_MINUTE; i++) answers.push(JSON.parse((await ask()).body ?? ""));
    clock += 30_000;
    const nextMinute = JSON.parse((await ask()).body ?? "");

    // Assess
    expect(answers.slice(0, MAX_RESUMES_PER_MINUTE).every((a) => a.type === "resumed")).toBe(true);
    expect(answers[MAX_RESUMES_PER_MINUTE]).toMatchObject({ type: "error", retryAfter: 30 });
    expect(nextMinute).toMatchObject({ type: "resumed" });
    expect(await connections.get("dave-tab")).toBeDefined();
  });

  it("refuses resume on a connection it does not know", async () => {
    const result = await handle(websocketEvent("message", "stranger", { body: JSON.stringify({ action: "resume", since: "0" }) }));

    expect(JSON.parse(result.body ?? "")).toMatchObject({ type: "error" });
    expect(poster.framesOf("stranger")).toEqual([]);
  });

  describe("source status", () => {
    const failing = {
      name: "qiita",
      state: "failing" as const,
      since: "2026-11-30T10:42:00.000Z",
      retryAt: "2026-11-30T10:44:00.000Z",
      message: "Qiita is unavailable (HTTP 503)",
    };
    const withHealth = () =>
      createDefaultHandler({ connections, events, poster, logger, sourceHealth: { statuses: async () => [failing] } });

    it("follows a resume with the sources' status, so a tab learns it right after connecting", async () => {
      // Prepare
      await connections.save({ connectionId: "erin-tab", userId: "erin", connectedAt: 1, expiresAt: 2e9 });

      // Act
      const result = await withHealth()(websocketEvent("message", "erin-tab", { body: '{"action":"resume","since":"0"}' }));

      // Assess
      expect(poster.framesOf("erin-tab")).toEqual([{ type: "status", sources: [failing] }]);
      expect(JSON.parse(result.body ?? "")).toEqual({ type: "resumed", count: 0, more: false });
    });

    it('answers {"action":"status"} with the status, for clients that do not resume', async () => {
      // Act
      const result = await withHealth()(websocketEvent("message", "alice-tab", { body: '{"action":"status"}' }));

      // Assess
      expect(JSON.parse(result.body ?? "")).toEqual({ type: "status", sources: [failing] });
    });

    it("answers status with no sources when nothing reports health, and refuses an unknown connection", async () => {
      // Act
      const none = await handle(websocketEvent("message", "alice-tab", { body: '{"action":"status"}' }));
      const stranger = await withHealth()(websocketEvent("message", "stranger", { body: '{"action":"status"}' }));

      // Assess
      expect(JSON.parse(none.body ?? "")).toEqual({ type: "status", sources: [] });
      expect(JSON.parse(stranger.body ?? "")).toMatchObject({ type: "error" });
    });
  });
});
