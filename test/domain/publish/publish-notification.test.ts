import { describe, expect, it } from "vitest";
import { EVENT_ID } from "#domain/frames.ts";
import type { Publication } from "#domain/notification.ts";
import type { IdempotencyClaim, PublicationSchedule, PublicationStore, StoredPublication } from "#domain/ports.ts";
import { MAX_BODY_BYTES, MAX_GROUP_MEMBERS, publishNotification } from "#domain/publish/publish-notification.ts";

/** The store's contract in memory: one claim per key, nothing written when a claim is held. */
class MemoryPublicationStore implements PublicationStore {
  readonly written: Publication[] = [];
  readonly claims = new Map<string, IdempotencyClaim & { id: string }>();

  readonly schedules: (PublicationSchedule | undefined)[] = [];

  async publish(notification: Publication, claim?: IdempotencyClaim, schedule?: PublicationSchedule) {
    const held = claim && this.claims.get(claim.key);
    if (held) return { written: false as const, id: held.id, requestHash: held.requestHash, expiresAt: held.expiresAt };
    if (claim) this.claims.set(claim.key, { ...claim, id: notification.id });
    this.written.push(notification);
    this.schedules.push(schedule);
    return { written: true as const };
  }

  async get(id: string): Promise<StoredPublication | undefined> {
    const notification = this.written.find((n) => n.id === id);
    return notification && { notification };
  }

  async recordDelivery(): Promise<void> {}
  async recordFailure(): Promise<void> {}
  async heldClaim(key: string, nowMs: number) {
    const held = this.claims.get(key);
    return held && held.expiresAt >= Math.floor(nowMs / 1000)
      ? { id: held.id, requestHash: held.requestHash, expiresAt: held.expiresAt }
      : undefined;
  }
  async due() {
    return [];
  }
  async release() {
    return false;
  }
  async cancel() {
    return "unknown" as const;
  }
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

  describe("sendAt", () => {
    it("schedules a future time, normalised to UTC, with an id and an `at` of when it goes out", async () => {
      // Act
      const { outcome, store } = await publish({ to: "user:alice", title: "t", sendAt: "2026-12-01T09:30:00+09:00" }, "k1");

      // Assess
      expect(outcome).toEqual({ ok: true, id: expect.stringMatching(EVENT_ID), repeated: false, sendAt: "2026-12-01T00:30:00.000Z" });
      const sendAtMs = Date.parse("2026-12-01T00:30:00.000Z");
      expect(store.schedules).toEqual([{ sendAtMs }]);
      expect(Number((outcome as { id: string }).id.slice(0, 15))).toBe(sendAtMs);
      expect(store.written[0]).toMatchObject({ at: "2026-12-01T00:30:00.000Z" });
    });

    it("answers the same id and sendAt for a repeated Idempotency-Key", async () => {
      const body = { to: "user:alice", title: "t", sendAt: "2026-12-24T18:00:00Z" };
      const first = await publish(body, "same");
      const again = await publish(body, "same", first.store);

      expect(again.outcome).toEqual({ ...first.outcome, repeated: true });
      expect(first.store.written).toHaveLength(1);
    });

    it("answers a repeat with its key as the first time even once its sendAt is long past; another body 409", async () => {
      // Prepare: accepted at NOW for NOW + 10 s
      const body = { to: "user:alice", title: "t", sendAt: new Date(NOW + 10_000).toISOString() };
      const store = new MemoryPublicationStore();
      const first = await publishNotification({ body: JSON.stringify(body), idempotencyKey: "late" }, { store, nowMs: () => NOW });

      // Act: the client retries 5 minutes later, the same bytes
      const later = { store, nowMs: () => NOW + 300_000 };
      const again = await publishNotification({ body: JSON.stringify(body), idempotencyKey: "late" }, later);
      const other = await publishNotification({ body: JSON.stringify({ ...body, title: "u" }), idempotencyKey: "late" }, later);
      const noKey = await publishNotification({ body: JSON.stringify(body) }, later);

      // Assess
      expect(again).toEqual({ ...first, repeated: true });
      expect(first).toMatchObject({ ok: true, sendAt: body.sendAt });
      expect(other).toMatchObject({ ok: false, refusal: "conflict", field: "Idempotency-Key" });
      expect(noKey).toMatchObject({ ok: false, field: "sendAt", message: /60 s in the past/ });
      expect(store.written).toHaveLength(1);
    });

    it("sends at once (no schedule) a sendAt up to 60 s past, and refuses one further back", async () => {
      const recent = await publish({ to: "user:alice", title: "t", sendAt: new Date(NOW - 60_000).toISOString() });
      const old = await publish({ to: "user:alice", title: "t", sendAt: new Date(NOW - 60_001).toISOString() });

      expect(recent.outcome).toEqual({ ok: true, id: expect.stringMatching(EVENT_ID), repeated: false });
      expect(recent.store.schedules).toEqual([undefined]);
      expect(old.outcome).toMatchObject({ ok: false, refusal: "invalid", field: "sendAt", message: /60 s in the past/ });
      expect(old.store.written).toEqual([]);
    });

    it("takes 366 days ahead and refuses one millisecond more", async () => {
      const edge = await publish({ to: "user:alice", title: "t", sendAt: new Date(NOW + 366 * 86_400_000).toISOString() });
      const beyond = await publish({ to: "user:alice", title: "t", sendAt: new Date(NOW + 366 * 86_400_000 + 1).toISOString() });

      expect(edge.outcome).toMatchObject({ ok: true });
      expect(beyond.outcome).toMatchObject({ ok: false, field: "sendAt", message: /366 days/ });
      expect(beyond.store.written).toEqual([]);
    });

    it.each([
      ["no offset", "2026-12-01T10:00:00"],
      ["a date alone", "2026-12-01"],
      ["a space for T", "2026-12-01 10:00:00Z"],
      ["no such day", "2026-02-30T10:00:00Z"],
      ["a number", 1_796_119_200_000],
      ["words", "tomorrow"],
    ])("refuses %s, naming sendAt", async (_, sendAt) => {
      const { outcome, store } = await publish({ to: "user:alice", title: "t", sendAt });

      expect(outcome).toMatchObject({ ok: false, refusal: "invalid", field: "sendAt", message: /ISO 8601/ });
      expect(store.written).toEqual([]);
    });
  });

  it("refuses what is not a JSON object", async () => {
    expect((await publish("not json")).outcome).toMatchObject({ ok: false, refusal: "invalid" });
    expect((await publish("[1]")).outcome).toMatchObject({ ok: false, refusal: "invalid" });
  });

  it("answers too-large for a body over 256 KB, and for a frame over 32 KB where no body store is wired", async () => {
    const huge = await publish({ to: "user:alice", title: "t", body: "x".repeat(MAX_BODY_BYTES + 1) });
    const overFrame = await publish({ to: "user:alice", title: "t", body: "x".repeat(40_000) });

    expect(huge.outcome).toMatchObject({ ok: false, refusal: "too-large", field: "body" });
    expect(overFrame.outcome).toMatchObject({
      ok: false,
      refusal: "too-large",
      field: "body",
      message: /need S3, which is not set up here/,
    });
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
