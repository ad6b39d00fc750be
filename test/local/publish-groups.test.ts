/**
 * Groups on the publish API as `npm start` serves them: membership over real HTTP (`/v1/groups`),
 * and a publish to `group:NAME` through the notifications table, its stream poller and the same
 * stream handler to real `ws` clients of every member, with LINE through the fake Messaging API.
 */
import { randomBytes } from "node:crypto";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { describe, expect } from "vitest";
import { DynamoDbPublishKeyStore } from "#adapters/dynamodb/dynamodb-publish-key-store.ts";
import { hashPublishKey, newPublishKey } from "#domain/publish/publish-keys.ts";
import { localDynamoClient } from "#test/support/dynamodb.ts";
import { runtimeTest as it } from "#test/support/runtime-fixture.ts";
import type { TestClient } from "#test/support/ws-client.ts";
import { waitFor } from "#test/support/wait-for.ts";

const notificationFrames = (client: TestClient) =>
  client.frames.map((frame) => JSON.parse(frame) as Record<string, unknown>).filter((frame) => frame.type === "notification");

/** A ping answered proves every frame sent before it reached the client. */
async function settled(client: TestClient): Promise<void> {
  const pongs = () => client.frames.filter((frame) => JSON.parse(frame).type === "pong").length;
  const before = pongs();
  client.socket.send('{"action":"ping"}');
  await waitFor(() => (pongs() > before ? true : undefined), { what: "pong" });
}

describe("groups on the local runtime", () => {
  let base: string;
  let key: string;

  const call = async (
    method: string,
    path: string,
    init: { body?: unknown; key?: string | null; headers?: Record<string, string> } = {},
  ) => {
    const authorization: Record<string, string> = init.key === null ? {} : { authorization: `Bearer ${init.key ?? key}` };
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { "content-type": "application/json", ...authorization, ...init.headers },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
  };

  it.beforeAll(async ({ local }) => {
    const config = local.config();
    base = (await local.start(config)).httpUrl;
    const keys = new DynamoDbPublishKeyStore({
      tableName: config.tables.publishKeys,
      client: DynamoDBDocumentClient.from(localDynamoClient()),
    });
    key = newPublishKey(randomBytes);
    await keys.create("ci", hashPublishKey(key), Date.now());
  });

  describe("membership", () => {
    it("answers 201 for a new member, 200 for one already in, lists members, and 204 on DELETE", async () => {
      const first = await call("PUT", "/v1/groups/release-team/members/alice");
      const again = await call("PUT", "/v1/groups/release-team/members/alice");
      await call("PUT", "/v1/groups/release-team/members/bob");
      const listed = await call("GET", "/v1/groups/release-team/members");
      const removed = await call("DELETE", "/v1/groups/release-team/members/bob");
      const removedAgain = await call("DELETE", "/v1/groups/release-team/members/bob");

      expect(first).toEqual({ status: 201, body: { group: "release-team", userId: "alice" } });
      expect(again).toEqual({ status: 200, body: { group: "release-team", userId: "alice" } });
      expect(listed).toEqual({ status: 200, body: { members: ["alice", "bob"] } });
      expect(removed).toEqual({ status: 204, body: undefined });
      expect(removedAgain.status).toBe(204);
      expect(await call("GET", "/v1/groups/release-team/members")).toEqual({ status: 200, body: { members: ["alice"] } });
      expect(await call("GET", "/v1/groups/nobody-here/members")).toEqual({ status: 200, body: { members: [] } });
    });

    it.each([
      ["PUT", "/v1/groups/Release/members/alice", "group"],
      ["PUT", `/v1/groups/${"a".repeat(65)}/members/alice`, "group"],
      ["PUT", "/v1/groups/team/members/not%20valid", "userId"],
      ["DELETE", "/v1/groups/team_1/members/alice", "group"],
      ["GET", "/v1/groups/TEAM/members", "group"],
    ])("answers 400 naming the field for %s %s", async (method, path, field) => {
      expect(await call(method, path)).toEqual({ status: 400, body: { error: { field, message: expect.any(String) } } });
    });

    it("answers 401 without a live key, and 405 for another method", async () => {
      expect(await call("PUT", "/v1/groups/team/members/alice", { key: null })).toEqual({
        status: 401,
        body: { error: { message: expect.any(String) } },
      });
      expect((await call("GET", "/v1/groups/team/members/alice", { key: "llk_unknown" })).status).toBe(401);
      expect(await call("GET", "/v1/groups/team/members")).toEqual({ status: 200, body: { members: [] } });
      expect((await call("POST", "/v1/groups/team/members")).status).toBe(405);
      expect((await call("GET", "/v1/groups/team/members/alice")).status).toBe(405);
    });
  });

  describe("publishing to group:NAME", () => {
    const publish = (body: unknown, headers: Record<string, string> = {}) => call("POST", "/v1/notifications", { body, headers });
    const sentReceipt = (id: unknown) =>
      waitFor(async () => {
        const got = await call("GET", `/v1/notifications/${id}`);
        return got.body?.status === "sent" ? got : undefined;
      });

    it("reaches every tab of every member and no one else, LINE once for a member with no tab, and the receipt adds up", async ({
      local,
    }) => {
      // Prepare: ops = erin (two tabs), frank (one tab), gina (no tab); hank has a tab and is not a member
      for (const member of ["erin", "frank", "gina"]) await call("PUT", `/v1/groups/ops/members/${member}`);
      const [erin1, erin2, frank, hank] = [
        await local.open("erin"),
        await local.open("erin"),
        await local.open("frank"),
        await local.open("hank"),
      ];
      const linesBefore = local.line.deliveries.length;

      // Act
      const answer = await publish({ to: "group:ops", title: "Deploy 12 done", url: "https://ci.example/12" });

      // Assess
      expect(answer).toEqual({ status: 202, body: { id: expect.stringMatching(/^\d{40}$/), status: "accepted" } });
      const receipt = await sentReceipt(answer.body?.id);
      expect(receipt.body).toEqual({
        id: answer.body?.id,
        to: "group:ops",
        title: "Deploy 12 done",
        status: "sent",
        sentAt: expect.any(String),
        deliveries: { live: 3, line: "sent", email: "not-configured" },
      });
      for (const tab of [erin1!, erin2!, frank!]) {
        await settled(tab);
        expect(notificationFrames(tab)).toEqual([
          {
            type: "notification",
            id: expect.stringMatching(/^\d{40}$/),
            to: "group:ops",
            title: "Deploy 12 done",
            url: "https://ci.example/12",
            at: expect.any(String),
          },
        ]);
      }
      // The two tabs of one member share an id; each member has their own.
      expect(notificationFrames(erin1!)[0]?.id).toBe(notificationFrames(erin2!)[0]?.id);
      expect(notificationFrames(erin1!)[0]?.id).not.toBe(notificationFrames(frank!)[0]?.id);
      await settled(hank!);
      expect(notificationFrames(hank!)).toEqual([]);
      // Only gina had no tab: one push, with her copy alone.
      expect(local.line.deliveries.slice(linesBefore)).toEqual([
        expect.objectContaining({ texts: ["🔔 1 notification\n\nDeploy 12 done\nhttps://ci.example/12"] }),
      ]);
    });

    it("replays a member's copy on resume with the id it was delivered with", async ({ local }) => {
      // Prepare: delivered live to one tab of a member
      await call("PUT", "/v1/groups/replay/members/mia");
      const live = await local.open("mia");
      const answer = await publish({ to: "group:replay", title: "While you were away" });
      await sentReceipt(answer.body?.id);
      await settled(live!);
      const [delivered] = notificationFrames(live!);

      // Act: a tab opened later resumes from the start
      const later = await local.open("mia");
      later!.socket.send('{"action":"resume","since":"0"}');
      await waitFor(() => (later!.frames.some((frame) => JSON.parse(frame).type === "resumed") ? true : undefined), { what: "resumed" });

      // Assess
      expect(notificationFrames(later!)).toEqual([delivered]);
      expect(delivered).toMatchObject({ to: "group:replay", title: "While you were away" });
    });

    it("reaches the members of publish time: one removed before no longer gets it", async ({ local }) => {
      await call("PUT", "/v1/groups/night/members/ivan");
      await call("PUT", "/v1/groups/night/members/judy");
      await call("DELETE", "/v1/groups/night/members/judy");
      const [ivan, judy] = [await local.open("ivan"), await local.open("judy")];

      const answer = await publish({ to: "group:night", title: "Backup done" });

      expect((await sentReceipt(answer.body?.id)).body?.deliveries).toEqual({ live: 1, line: "not-needed", email: "not-needed" });
      await settled(ivan!);
      await settled(judy!);
      expect(notificationFrames(ivan!)).toHaveLength(1);
      expect(notificationFrames(judy!)).toEqual([]);
    });

    it("answers the same id for a repeated Idempotency-Key and sends each member one frame", async ({ local }) => {
      // Prepare
      for (const member of ["kate", "leo"]) await call("PUT", `/v1/groups/standup/members/${member}`);
      const [kate, leo] = [await local.open("kate"), await local.open("leo")];
      const request = { to: "group:standup", title: "Standup in 5" };

      // Act
      const first = await publish(request, { "idempotency-key": "standup-2026-11-30" });
      const again = await publish(request, { "idempotency-key": "standup-2026-11-30" });
      const other = await publish({ ...request, title: "Standup moved" }, { "idempotency-key": "standup-2026-11-30" });

      // Assess
      expect(first.status).toBe(202);
      expect(again).toEqual(first);
      expect(other).toEqual({ status: 409, body: { error: { field: "Idempotency-Key", message: expect.any(String) } } });
      expect((await sentReceipt(first.body?.id)).body?.deliveries).toEqual({ live: 2, line: "not-needed", email: "not-needed" });
      for (const tab of [kate!, leo!]) {
        await settled(tab);
        expect(notificationFrames(tab).map((frame) => frame.title)).toEqual(["Standup in 5"]);
      }
    });

    it("accepts a group with no members and delivers nothing", async ({ local }) => {
      const linesBefore = local.line.deliveries.length;

      const answer = await publish({ to: "group:nobody-yet", title: "Anyone?" });

      expect(answer.status).toBe(202);
      expect((await sentReceipt(answer.body?.id)).body).toMatchObject({
        to: "group:nobody-yet",
        deliveries: { live: 0, line: "not-needed" },
      });
      expect(local.line.deliveries.slice(linesBefore)).toEqual([]);
    });

    it("answers 400 naming to for a group name that cannot be one", async () => {
      expect(await publish({ to: "group:Ops!", title: "t" })).toEqual({
        status: 400,
        body: { error: { field: "to", message: expect.any(String) } },
      });
    });
  });
});
