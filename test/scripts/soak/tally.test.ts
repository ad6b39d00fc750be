import { describe, expect, it } from "vitest";
import type { SentLike } from "../../../scripts/soak/protocol.ts";
import { SoakClient } from "../../../scripts/soak/soak-client.ts";
import { tally } from "../../../scripts/soak/tally.ts";

const like = (userId: string, itemId: string, count: number, writtenAt: number): SentLike => ({
  key: `${userId}/${itemId}/${count}`,
  userId,
  writtenAt,
});

const clientOf = (
  userId: string,
  openedAt: number,
  received: Record<string, number>,
  dropping = false,
  keptAgain: Record<string, number> = {},
) => {
  const client = new SoakClient("ws://unused", userId, dropping, Math.random);
  client.firstOpenAt = openedAt;
  for (const [key, delay] of Object.entries(received)) client.received.set(key, delay);
  for (const [key, copies] of Object.entries(keptAgain)) client.keptAgain.set(key, copies);
  return client;
};

describe("tally", () => {
  it("owes a like to every client of its writer connected when it was written, and counts the missing ones lost", () => {
    // Prepare
    const sent = [like("alice", "a1", 1, 1_000), like("alice", "a1", 2, 2_000), like("bob", "b1", 1, 1_500)];
    const clients = [
      clientOf("alice", 500, { "alice/a1/1": 10, "alice/a1/2": 20 }),
      clientOf("alice", 500, { "alice/a1/1": 30 }, true),
      clientOf("bob", 500, {}),
    ];

    // Act
    const result = tally(clients, sent);

    // Assess
    expect(result).toMatchObject({ expected: 5, delivered: 3, lost: 2 });
    expect(result.lostSamples).toEqual(["client 1 (dropped 0×): alice/a1/2", "client 2 (steady): bob/b1/1"]);
  });

  it("owes nothing written before the client first connected", () => {
    // Prepare
    const sent = [like("alice", "a1", 1, 1_000), like("alice", "a1", 2, 3_000)];
    const late = clientOf("alice", 2_000, { "alice/a1/2": 5 });

    // Act
    const result = tally([late], sent);

    // Assess
    expect(result).toMatchObject({ expected: 1, delivered: 1, lost: 0 });
  });

  it("counts a like from before the first connection, which its first resume replayed, as neither delivered nor duplicated", () => {
    // Prepare: the replay from "0" brought like 1 (twice, under two ids) along with the owed like 2
    const sent = [like("alice", "a1", 1, 1_000), like("alice", "a1", 2, 3_000)];
    const late = clientOf("alice", 2_000, { "alice/a1/1": 1_500, "alice/a1/2": 5 }, false, { "alice/a1/1": 1 });

    // Act
    const result = tally([late], sent);

    // Assess
    expect(result).toMatchObject({ expected: 1, delivered: 1, lost: 0, duplicatesAfterDedupe: 0 });
    expect(result.delayMs.max).toBe(5);
  });

  it("counts an owed like kept again under another id as duplicated after dedupe, once per extra copy", () => {
    // Prepare
    const sent = [like("alice", "a1", 1, 1_000)];
    const clients = [clientOf("alice", 0, { "alice/a1/1": 10 }, false, { "alice/a1/1": 2 }), clientOf("alice", 0, { "alice/a1/1": 10 })];

    // Act
    const result = tally(clients, sent);

    // Assess
    expect(result).toMatchObject({ expected: 2, delivered: 2, duplicatesAfterDedupe: 2 });
  });

  it("keeps the delays of clients that never dropped apart from all delays", () => {
    // Prepare
    const sent = [like("alice", "a1", 1, 1_000)];
    const clients = [clientOf("alice", 0, { "alice/a1/1": 100 }), clientOf("alice", 0, { "alice/a1/1": 900 }, true)];

    // Act
    const result = tally(clients, sent);

    // Assess
    expect(result.delayMs.max).toBe(900);
    expect(result.steadyDelayMs.max).toBe(100);
  });
});
