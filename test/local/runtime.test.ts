/**
 * The whole path on one machine, as `npm start` wires it: fake Qiita (HTTP) → collector →
 * DynamoDB Local → stream poller → stream handler → WebSocket emulator → real `ws` clients,
 * and LINE through a fake Messaging API server.
 */
import { describe, expect } from "vitest";
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { LocalConfig } from "#local/config.ts";
import type { LocalRuntime } from "#local/runtime.ts";
import { localDynamoClient } from "#test/support/dynamodb.ts";
import { runtimeTest as it, WRITER as writer } from "#test/support/runtime-fixture.ts";
import { likeFrames, refusedStatus } from "#test/support/ws-client.ts";
import { testToken as tokenFor } from "#test/support/local-runtime.ts";
import { waitFor } from "#test/support/wait-for.ts";

describe("local runtime, end to end", () => {
  let runtime: LocalRuntime;
  let tables: LocalConfig["tables"];
  let itemIds: string[];
  const documents = DynamoDBDocumentClient.from(localDynamoClient());
  const doc = () => documents;
  const connectionRows = async (userId: string) =>
    ((await doc().send(new ScanCommand({ TableName: tables.connections }))).Items ?? []).filter((row) => row.userId === userId);

  it.beforeAll(async ({ local }) => {
    // More than one page of articles (per_page=100).
    itemIds = local.qiita.addArticles(writer, 150, { likers: 2 });
    const config = local.config();
    tables = config.tables;
    runtime = await local.start(config);
  });

  it("took a silent baseline of the writer's articles at start", async ({ local: { line } }) => {
    const items = (await doc().send(new ScanCommand({ TableName: tables.articles }))).Items ?? [];

    expect(items.filter((item) => item.itemId !== "#account")).toHaveLength(150);
    expect(line.deliveries).toEqual([]);
  });

  it("refuses a bad token with 401 and writes no row", async () => {
    const before = (await doc().send(new ScanCommand({ TableName: tables.connections }))).Items?.length;

    const refused = await refusedStatus(`${runtime.websocketUrl}/?token=${tokenFor(writer)}x`);

    expect(refused.status).toBe(401);
    expect((await doc().send(new ScanCommand({ TableName: tables.connections }))).Items?.length).toBe(before);
  });

  it("brings a like to every live connection of the writer within 3 s of the poll, and to no one else", async ({ local }) => {
    // Prepare
    const { qiita, line, open } = local;
    const [tab1, tab2, stranger] = [await open(writer), await open(writer), await open("someone-else")];
    const target = itemIds[120] as string;
    qiita.like(target, "new-fan");

    // Act
    const polledAt = Date.now();
    await runtime.collectNow();
    await waitFor(() => (likeFrames(tab1).length && likeFrames(tab2).length ? true : undefined), { timeoutMs: 3_000, what: "like frames" });
    const elapsed = Date.now() - polledAt;

    // Assess
    for (const tab of [tab1, tab2]) {
      expect(likeFrames(tab)).toEqual([
        expect.objectContaining({ type: "like", userId: writer, itemId: target, delta: 1, likesCount: 3, likers: ["new-fan"] }),
      ]);
    }
    expect(elapsed).toBeLessThan(3_000);
    // A ping answered after the like proves the stranger's socket was served and got no like.
    stranger!.socket.send('{"action":"ping"}');
    await waitFor(() => (stranger!.frames.some((f) => f.includes("pong")) ? true : undefined));
    expect(likeFrames(stranger!)).toEqual([]);
    expect(line.deliveries).toEqual([]);
  });

  it("deletes a stale connection row when API Gateway says Gone, and still reaches the live ones", async ({ local: { qiita, open } }) => {
    // Prepare
    const tab = await open(writer);
    await doc().send(
      new PutCommand({
        TableName: tables.connections,
        Item: { connectionId: "stale-connection", userId: writer, connectedAt: 1, expiresAt: Math.floor(Date.now() / 1000) + 600 },
      }),
    );
    qiita.like(itemIds[5] as string, "another-fan");

    // Act
    await runtime.collectNow();

    // Assess
    await waitFor(() => (likeFrames(tab).some((f) => f.itemId === itemIds[5]) ? true : undefined), { what: "like frame" });
    await waitFor(async () => ((await connectionRows(writer)).some((row) => row.connectionId === "stale-connection") ? undefined : true), {
      what: "stale row deleted",
    });
  });

  it("pushes LINE exactly once when nobody is connected, even after a 500", async ({ local: { qiita, line, clients } }) => {
    // Prepare: close every connection and wait for $disconnect to remove the rows
    for (const client of clients) client.socket.close();
    await waitFor(async () => ((await connectionRows(writer)).length === 0 ? true : undefined), { what: "rows removed" });
    line.failNext(1, { status: 500 });
    // One like: two could land in two stream batches and so, by design, in two pushes.
    qiita.like(itemIds[7] as string, "late-fan");

    // Act
    await runtime.collectNow();

    // Assess
    const [push] = await waitFor(() => (line.deliveries.length > 0 ? line.deliveries : undefined), {
      timeoutMs: 10_000,
      what: "LINE push",
    });
    expect(push?.to).toBe("U-writer");
    expect(push?.texts.join("\n")).toContain("late-fan");
    await runtime.poller.drained();
    expect(line.deliveries).toHaveLength(1);
  });
});
