/**
 * deliver-batch with many users in one batch, as a group message brings them: one connection
 * Query per member, under the same bound as the posts.
 */
import { describe, expect, it } from "vitest";
import { deliverBatch } from "#domain/delivery/deliver-batch.ts";
import { memberEventId } from "#domain/event-id.ts";
import type { ConnectionStore, DeliveryLedger } from "#domain/ports.ts";
import { published } from "#test/support/notification-records.ts";

/** Connection rows in memory: one tab per user, and how many Queries ran at once at most. */
class CountingConnections implements Pick<ConnectionStore, "listByUser" | "remove"> {
  running = 0;
  mostAtOnce = 0;
  async listByUser(userId: string): Promise<string[]> {
    this.running++;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
    await new Promise((resolve) => setImmediate(resolve));
    this.running--;
    return [`${userId}-tab`];
  }
  async remove(): Promise<void> {}
}

const ledger: DeliveryLedger = {
  liveDeliveries: async () => new Map(),
  recordLiveDelivery: async () => {},
  claims: async () => new Map(),
  open: async () => true,
  push: async () => undefined,
  markSent: async () => {},
};

describe("deliverBatch, a group message's copies", () => {
  it("reaches every member while running at most fanoutConcurrency connection Queries at once", async () => {
    // Prepare: 200 members' copies of one message
    const message = published("x", Date.now(), "1");
    const members = Array.from({ length: 200 }, (_, i) => `member-${i}`);
    const items = members.map((userId) => ({
      key: `1 ${userId}`,
      notification: { ...message, id: memberEventId(message.id, userId), to: "group:all" as const, userId },
    }));
    const connections = new CountingConnections();
    const posted: string[] = [];

    // Act
    const result = await deliverBatch(items, {
      connections: connections as unknown as ConnectionStore,
      poster: { post: async (connectionId) => (posted.push(connectionId), "delivered") },
      events: { append: async () => {}, after: async () => [], recent: async () => [] },
      ledger,
      lineMode: "off",
      lineFor: async () => undefined,
      fanoutConcurrency: 8,
    });

    // Assess
    expect(result.failed).toEqual([]);
    expect(posted.sort()).toEqual(members.map((userId) => `${userId}-tab`).sort());
    expect(connections.mostAtOnce).toBeLessThanOrEqual(8);
  });
});
