/**
 * A group message past 250 members as `npm start` delivers it: handed on in parts (group-parts.ts),
 * each part delivered by the group-part handler, over real HTTP and real `ws` clients: every
 * member's tab gets its copy once, a non-member nothing, and the receipt is sent with the tabs of
 * every part added up.
 */
import { randomBytes } from "node:crypto";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect } from "vitest";
import { DynamoDbPublishKeyStore } from "#adapters/dynamodb/dynamodb-publish-key-store.ts";
import { GROUP_PART_MEMBERS } from "#domain/delivery/group-parts.ts";
import { memberEventId } from "#domain/event-id.ts";
import { hashPublishKey, newPublishKey } from "#domain/publish/publish-keys.ts";
import { localDynamoClient } from "#test/support/dynamodb.ts";
import { runtimeTest as it } from "#test/support/runtime-fixture.ts";
import type { TestClient } from "#test/support/ws-client.ts";
import { waitFor } from "#test/support/wait-for.ts";

const MEMBERS = GROUP_PART_MEMBERS + 10;
const member = (i: number) => `member-${String(i).padStart(3, "0")}`;
const notificationFrames = (client: TestClient) =>
  client.frames.map((frame) => JSON.parse(frame) as Record<string, unknown>).filter((frame) => frame.type === "notification");

describe("a large group on the local runtime", () => {
  let base: string;
  let key: string;
  let notificationsTable: string;
  const doc = DynamoDBDocumentClient.from(localDynamoClient());
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
  };

  it.beforeAll(async ({ local }) => {
    // LINE off: the members without a tab would otherwise be 250 pushes to the one local recipient.
    const config = local.config({ LINE_MODE: "off" });
    notificationsTable = config.tables.notifications;
    base = (await local.start(config)).httpUrl;
    const keys = new DynamoDbPublishKeyStore({
      tableName: config.tables.publishKeys,
      client: DynamoDBDocumentClient.from(localDynamoClient()),
    });
    key = newPublishKey(randomBytes);
    await keys.create("ci", hashPublishKey(key), Date.now());
  });

  it("hands it on in parts and every member's tab gets its copy once, a non-member nothing, the receipt added up", async ({ local }) => {
    // Prepare: members in the first part (000), the second (260) and two tabs of one in between
    for (let start = 0; start < MEMBERS; start += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, MEMBERS - start) }, (_, i) => call("PUT", `/v1/groups/everyone/members/${member(start + i)}`)),
      );
    }
    const tabs = {
      first: await local.open(member(0)),
      second: await local.open(member(MEMBERS - 1)),
      middleA: await local.open(member(GROUP_PART_MEMBERS)),
      middleB: await local.open(member(GROUP_PART_MEMBERS)),
      outsider: await local.open("outsider"),
    };

    // Act
    const answer = await call("POST", "/v1/notifications", { to: "group:everyone", title: "All hands at 10" });
    const id = answer.body?.id as string;
    const receipt = await waitFor(
      async () => {
        const got = await call("GET", `/v1/notifications/${id}`);
        return got.body?.status === "sent" ? got.body : undefined;
      },
      { what: "the receipt of every part" },
    );

    // Assess
    expect(answer.status).toBe(202);
    expect(receipt).toMatchObject({ status: "sent", deliveries: { live: 4, line: "not-needed" } });
    for (const [tab, userId] of [
      [tabs.first, member(0)],
      [tabs.second, member(MEMBERS - 1)],
      [tabs.middleA, member(GROUP_PART_MEMBERS)],
      [tabs.middleB, member(GROUP_PART_MEMBERS)],
    ] as const) {
      await waitFor(() => (notificationFrames(tab).length > 0 ? true : undefined), { what: `${userId}'s frame` });
      expect(notificationFrames(tab)).toEqual([
        { type: "notification", id: memberEventId(id, userId), to: "group:everyone", title: "All hands at 10", at: expect.any(String) },
      ]);
    }
    tabs.outsider.socket.send('{"action":"ping"}');
    await waitFor(() => (tabs.outsider.frames.some((frame) => JSON.parse(frame).type === "pong") ? true : undefined), { what: "pong" });
    expect(notificationFrames(tabs.outsider)).toEqual([]);
    // It went in two parts, each with its own receipt.
    const { Item } = await doc.send(new GetCommand({ TableName: notificationsTable, Key: { id } }));
    expect(Item).toMatchObject({ parts: 2, partDeliveries: { p0: { live: 1 }, p1: { live: 3 } } });
  });
});
