/**
 * deliver-batch with a body kept in S3: the events log keeps the key, frames and LINE carry a
 * bodyUrl presigned for this delivery, a digest keeps the key, and without a body store the batch
 * fails rather than send a frame without its body.
 */
import { describe, expect, it } from "vitest";
import { type DeliverBatchPorts, deliverBatch } from "#domain/delivery/deliver-batch.ts";
import type { Notification, PublishedNotification } from "#domain/notification.ts";
import type { ChannelPush, ConnectionStore, DeliveryLedger } from "#domain/ports.ts";

const message: PublishedNotification = {
  kind: "notification",
  id: "1".repeat(40),
  to: "user:alice",
  userId: "alice",
  title: "Nightly report",
  url: "https://ci.example/42",
  bodyKey: "bodies/abc",
  at: "2026-11-30T12:00:00.000Z",
};

/** A ledger in memory that records pushes as pushOnce opens them. */
function memoryLedger(): DeliveryLedger & { readonly pushes: ChannelPush[] } {
  const pushes: ChannelPush[] = [];
  return {
    pushes,
    liveDeliveries: async () => new Map(),
    recordLiveDelivery: async () => {},
    claims: async () => new Map(),
    open: async (push) => {
      pushes.push(push);
      return true;
    },
    push: async (key) => pushes.find((push) => push.key === key),
    markSent: async () => {},
  };
}

function world(tabs: string[], overrides: Partial<DeliverBatchPorts> = {}) {
  const logged: Notification[] = [];
  const posted: string[] = [];
  const owed: Notification[] = [];
  const ledger = memoryLedger();
  const ports: DeliverBatchPorts = {
    connections: { listByUser: async () => tabs, remove: async () => {} } as unknown as ConnectionStore,
    poster: {
      post: async (_connectionId, frame) => {
        posted.push(frame);
        return "delivered";
      },
    },
    events: { append: async (notifications) => void logged.push(...notifications), after: async () => [], recent: async () => [] },
    ledger,
    lineMode: "fallback",
    lineFor: async () => ({ to: "U-alice", sender: { push: async () => "sent" } }),
    digests: { owe: async (_channel, _userId, notifications) => void owed.push(...notifications) },
    bodies: { urlFor: async (key) => `https://bodies.example/${key}?X-Amz-Signature=fresh` },
    ...overrides,
  };
  return { ports, logged, posted, owed, ledger };
}

describe("deliverBatch with a body kept in S3", () => {
  it("logs the key and posts a frame with a bodyUrl presigned now, never the key", async () => {
    // Prepare
    const w = world(["tab-1"]);

    // Act
    const result = await deliverBatch([{ key: "1", notification: message }], w.ports);

    // Assess
    expect(result.failed).toEqual([]);
    expect(w.logged).toEqual([message]);
    expect(w.posted.map((frame) => JSON.parse(frame))).toEqual([
      {
        type: "notification",
        id: message.id,
        to: "user:alice",
        title: "Nightly report",
        url: "https://ci.example/42",
        bodyUrl: "https://bodies.example/bodies/abc?X-Amz-Signature=fresh",
        at: message.at,
      },
    ]);
  });

  it("pushes LINE the body's link when no tab got it", async () => {
    const w = world([]);

    await deliverBatch([{ key: "1", notification: message }], w.ports);

    expect(w.ledger.pushes.map((push) => push.texts.join("\n"))).toEqual([
      expect.stringContaining("Full text: https://bodies.example/bodies/abc?X-Amz-Signature=fresh"),
    ]);
  });

  it("hands a digest the key, not a link that would have expired by the time it goes out", async () => {
    const w = world([], { preferencesFor: async () => ({ line: "digest", email: "off" }) });

    const result = await deliverBatch([{ key: "1", notification: message }], w.ports);

    expect(result.line.get(message.id)).toBe("digest");
    expect(w.owed).toEqual([message]);
  });

  it("fails the batch, posting nothing, where no body store is wired", async () => {
    const w = world(["tab-1"], { bodies: undefined });

    await expect(deliverBatch([{ key: "1", notification: message }], w.ports)).rejects.toThrow(/no body store is wired/);
    expect(w.posted).toEqual([]);
  });
});
