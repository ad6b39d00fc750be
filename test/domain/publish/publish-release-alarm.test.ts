/** publishNotification with a release alarm (deployed): set before the write, or nothing written. */
import { describe, expect, it } from "vitest";
import type { Publication } from "#domain/notification.ts";
import type { HeldClaim, IdempotencyClaim, PublicationSchedule, PublicationStore, ReleaseAlarm } from "#domain/ports.ts";
import { publishNotification } from "#domain/publish/publish-notification.ts";

const NOW = Date.parse("2026-11-30T12:00:00.000Z");
const SEND_AT = "2026-12-24T09:00:00.250Z";

/** The store's publish in memory, one claim per key, logging each write into the shared `log`. */
function memoryStore(log: string[]): Pick<PublicationStore, "publish" | "heldClaim"> & { written: Publication[] } {
  const claims = new Map<string, HeldClaim>();
  const written: Publication[] = [];
  return {
    written,
    async publish(notification: Publication, claim?: IdempotencyClaim, schedule?: PublicationSchedule) {
      const held = claim && claims.get(claim.key);
      if (held) return { written: false as const, ...held };
      if (claim) claims.set(claim.key, { id: notification.id, requestHash: claim.requestHash, expiresAt: claim.expiresAt });
      log.push(`write ${notification.id} ${schedule ? "scheduled" : "now"}`);
      written.push(notification);
      return { written: true as const };
    },
    async heldClaim(key: string) {
      return claims.get(key);
    },
  };
}

function recordingAlarm(log: string[], fail?: Error): ReleaseAlarm & { set: { id: string; sendAtMs: number }[] } {
  const set: { id: string; sendAtMs: number }[] = [];
  return {
    set,
    async setFor(id, sendAtMs) {
      if (fail) throw fail;
      log.push(`alarm ${id}`);
      set.push({ id, sendAtMs });
    },
  };
}

const publish = (body: unknown, store: ReturnType<typeof memoryStore>, alarm: ReleaseAlarm, idempotencyKey?: string) =>
  publishNotification(
    { body: JSON.stringify(body), ...(idempotencyKey ? { idempotencyKey } : {}) },
    { store: store as unknown as PublicationStore, alarm, nowMs: () => NOW },
  );

describe("publishNotification with a release alarm", () => {
  it("sets the alarm for the notification's id and sendAt before writing it", async () => {
    // Prepare
    const log: string[] = [];
    const store = memoryStore(log);
    const alarm = recordingAlarm(log);

    // Act
    const outcome = await publish({ to: "user:alice", title: "Later", sendAt: SEND_AT }, store, alarm);

    // Assess
    expect(outcome).toMatchObject({ ok: true, sendAt: SEND_AT });
    const id = outcome.ok ? outcome.id : "";
    expect(alarm.set).toEqual([{ id, sendAtMs: Date.parse(SEND_AT) }]);
    expect(log).toEqual([`alarm ${id}`, `write ${id} scheduled`]);
  });

  it("writes nothing, and rejects (the API's 5xx), when the alarm cannot be set", async () => {
    // Prepare
    const store = memoryStore([]);
    const alarm = recordingAlarm([], new Error("ThrottlingException: Rate exceeded"));

    // Act / Assess
    await expect(publish({ to: "user:alice", title: "Later", sendAt: SEND_AT }, store, alarm, "k-1")).rejects.toThrow(/Rate exceeded/);
    expect(store.written).toEqual([]);
    expect(await store.heldClaim("k-1", NOW)).toBeUndefined();
  });

  it("sets no alarm for a notification sent now, or for a sendAt just passed (it goes at once)", async () => {
    const log: string[] = [];
    const store = memoryStore(log);
    const alarm = recordingAlarm(log);

    await publish({ to: "user:alice", title: "Now" }, store, alarm);
    await publish({ to: "user:alice", title: "Just passed", sendAt: new Date(NOW - 30_000).toISOString() }, store, alarm);

    expect(alarm.set).toEqual([]);
    expect(store.written).toHaveLength(2);
  });

  it("sets no alarm for a refused request", async () => {
    const store = memoryStore([]);
    const alarm = recordingAlarm([]);

    const outcome = await publish({ to: "user:alice", title: "", sendAt: SEND_AT }, store, alarm);

    expect(outcome).toMatchObject({ ok: false, field: "title" });
    expect(alarm.set).toEqual([]);
  });

  it("a repeated request answers the first id; the alarm it set for an unused id releases nothing (no item)", async () => {
    // Prepare
    const store = memoryStore([]);
    const alarm = recordingAlarm([]);
    const body = { to: "user:alice", title: "Later", sendAt: SEND_AT };
    const first = await publish(body, store, alarm, "k-2");

    // Act
    const again = await publish(body, store, alarm, "k-2");

    // Assess
    expect(again).toMatchObject({ ok: true, repeated: true, id: first.ok ? first.id : "" });
    expect(store.written).toHaveLength(1);
    expect(alarm.set).toHaveLength(2);
    expect(alarm.set[1]?.id).not.toBe(first.ok ? first.id : "");
  });
});
