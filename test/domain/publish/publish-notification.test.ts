import { describe, expect, it } from "vitest";
import { EVENT_ID } from "#domain/frames.ts";
import type { Publication } from "#domain/notification.ts";
import type { IdempotencyClaim, PublicationStore, StoredPublication } from "#domain/ports.ts";
import { MAX_BODY_BYTES, MAX_GROUP_MEMBERS, publishNotification } from "#domain/publish/publish-notification.ts";

/** The store's contract in memory: one claim per key, nothing written when a claim is held. */
class MemoryPublicationStore implements PublicationStore {
  readonly written: Publication[] = [];
  readonly claims = new Map<string, IdempotencyClaim & { id: string }>();

  async publish(notification: Publication, claim?: IdempotencyClaim) {
    const held = claim && this.claims.get(claim.key);
    if (held) return { written: false as const, id: held.id, requestHash: held.requestHash };
    if (claim) this.claims.set(claim.key, { ...claim, id: notification.id });
    this.written.push(notification);
    return { written: true as const };
  }

  async get(id: string): Promise<StoredPublication | undefined> {
    const notification = this.written.find((n) => n.id === id);
    return notification && { notification };
  }

  async recordDelivery(): Promise<void> {}
}

const NOW = Date.parse("2026-11-30T12:00:00.000Z");
const GROUPS: Record<string, string[]> = { team: ["alice", "bob"], empty: [] };
const publish = (
  body: unknown,
  idempotencyKey?: string,
  store = new MemoryPublicationStore(),
  groups: Record<string, string[]> | null = GROUPS,
) =>
  publishNotification(
    { body: typeof body === "string" ? body : JSON.stringify(body), ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) },
    { store, nowMs: () => NOW, ...(groups ? { groups: { members: async (group: string) => groups[group] ?? [] } } : {}) },
  ).then((outcome) => ({ outcome, store }));

describe("publishNotification", () => {
  it("writes one notification to the user with a 40-digit id that starts with the time", async () => {
    const { outcome, store } = await publish({
      to: "user:alice",
      title: "Build done",
      body: "all green",
      url: "https://ci.example/1",
      data: { run: 1 },
    });

    expect(outcome).toEqual({ ok: true, id: expect.stringMatching(EVENT_ID), repeated: false });
    expect(store.written).toEqual([
      {
        kind: "notification",
        id: (outcome as { id: string }).id,
        to: "user:alice",
        userId: "alice",
        title: "Build done",
        body: "all green",
        url: "https://ci.example/1",
        data: { run: 1 },
        at: "2026-11-30T12:00:00.000Z",
      },
    ]);
    expect((outcome as { id: string }).id.slice(0, 15)).toBe(String(NOW).padStart(15, "0"));
  });

  it.each([
    [{ title: "t" }, "to"],
    [{ to: "alice", title: "t" }, "to"],
    [{ to: "user:bad id", title: "t" }, "to"],
    [{ to: "user:alice" }, "title"],
    [{ to: "user:alice", title: "" }, "title"],
    [{ to: "user:alice", title: "x".repeat(201) }, "title"],
    [{ to: "user:alice", title: "t", url: "ftp://example.com" }, "url"],
    [{ to: "user:alice", title: "t", url: "not a url" }, "url"],
    [{ to: "user:alice", title: "t", data: [1] }, "data"],
    [{ to: "user:alice", title: "t", data: { big: "x".repeat(4_100) } }, "data"],
    [{ to: "user:alice", title: "t", body: 3 }, "body"],
    [{ to: "user:alice", title: "t", titel: "typo" }, "titel"],
  ])("refuses %j naming the field %s, writing nothing", async (body, field) => {
    const { outcome, store } = await publish(body);

    expect(outcome).toEqual({ ok: false, refusal: "invalid", field, message: expect.any(String) });
    expect(store.written).toEqual([]);
  });

  it("writes a group's notification once, with its members as they are at publish time", async () => {
    const { outcome, store } = await publish({ to: "group:team", title: "Deploy done", data: { env: "prod" } });

    expect(outcome).toEqual({ ok: true, id: expect.stringMatching(EVENT_ID), repeated: false });
    expect(store.written).toEqual([
      {
        kind: "notification",
        id: outcome.ok ? outcome.id : "",
        to: "group:team",
        members: ["alice", "bob"],
        title: "Deploy done",
        data: { env: "prod" },
        at: "2026-11-30T12:00:00.000Z",
      },
    ]);
  });

  it("accepts a group with no members: nothing to deliver, as for a user with no tab", async () => {
    const { outcome, store } = await publish({ to: "group:empty", title: "t" });

    expect(outcome).toMatchObject({ ok: true });
    expect(store.written).toEqual([expect.objectContaining({ to: "group:empty", members: [] })]);
  });

  it("refuses a bad group name, a group too large, and groups where there is no group directory", async () => {
    const huge = { big: Array.from({ length: MAX_GROUP_MEMBERS + 1 }, (_, i) => `u${i}`) };

    expect((await publish({ to: "group:Team", title: "t" })).outcome).toMatchObject({ ok: false, field: "to" });
    expect((await publish({ to: "group:", title: "t" })).outcome).toMatchObject({ ok: false, field: "to" });
    expect((await publish({ to: "group:big", title: "t" }, undefined, undefined, huge)).outcome).toMatchObject({
      ok: false,
      field: "to",
      message: expect.stringContaining(`at most ${MAX_GROUP_MEMBERS}`),
    });
    expect((await publish({ to: "group:team", title: "t" }, undefined, undefined, null)).outcome).toMatchObject({
      ok: false,
      field: "to",
      message: expect.stringContaining("groups are not supported here yet"),
    });
  });

  it("says scheduling is not supported yet", async () => {
    expect((await publish({ to: "user:alice", title: "t", sendAt: "2026-12-01T00:00:00Z" })).outcome).toMatchObject({
      field: "sendAt",
      message: /scheduling is not supported yet/,
    });
  });

  it("refuses what is not a JSON object", async () => {
    expect((await publish("not json")).outcome).toMatchObject({ ok: false, refusal: "invalid" });
    expect((await publish("[1]")).outcome).toMatchObject({ ok: false, refusal: "invalid" });
  });

  it("answers too-large for a body over 256 KB, and for a frame over 32 KB until S3 bodies exist", async () => {
    const huge = await publish({ to: "user:alice", title: "t", body: "x".repeat(MAX_BODY_BYTES + 1) });
    const overFrame = await publish({ to: "user:alice", title: "t", body: "x".repeat(40_000) });

    expect(huge.outcome).toMatchObject({ ok: false, refusal: "too-large", field: "body" });
    expect(overFrame.outcome).toMatchObject({ ok: false, refusal: "too-large", field: "body", message: /need S3, not supported yet/ });
    expect([...huge.store.written, ...overFrame.store.written]).toEqual([]);
  });

  it("answers the same id for the same key and body, 409 for the same key and another body", async () => {
    const store = new MemoryPublicationStore();
    const first = await publish({ to: "user:alice", title: "t" }, "job-42", store);

    const again = await publish({ to: "user:alice", title: "t" }, "job-42", store);
    const other = await publish({ to: "user:alice", title: "other" }, "job-42", store);

    expect(again.outcome).toEqual({ ok: true, id: (first.outcome as { id: string }).id, repeated: true });
    expect(other.outcome).toMatchObject({ ok: false, refusal: "conflict", field: "Idempotency-Key" });
    expect(store.written).toHaveLength(1);
  });

  it.each(["", "x".repeat(129), "tab\there", "émoji"])("refuses the Idempotency-Key %j", async (key) => {
    const { outcome, store } = await publish({ to: "user:alice", title: "t" }, key);

    expect(outcome).toMatchObject({ ok: false, refusal: "invalid", field: "Idempotency-Key" });
    expect(store.written).toEqual([]);
  });
});
