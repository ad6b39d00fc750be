/**
 * What the clients got against what they were owed. A like is owed to a client when the client
 * had first connected by the time the like was written; a client that dropped afterwards still
 * owes it, because it resumes from the last id it holds (or from the start) and must get it.
 * Likes written before a client first connected reach it too (its first resume replays the last
 * 24 h), but they are not owed: they count as neither delivered, lost nor duplicated.
 */
import { percentiles } from "#test/support/statistics.ts";
import type { SentLike, Tally } from "./protocol.ts";
import type { SoakClient } from "./soak-client.ts";

const LOST_SAMPLES = 10;

export function tally(clients: readonly SoakClient[], sent: readonly SentLike[]): Tally {
  const byWriter = new Map<string, SentLike[]>();
  for (const like of sent) {
    const likes = byWriter.get(like.userId) ?? [];
    likes.push(like);
    byWriter.set(like.userId, likes);
  }

  let expected = 0;
  let delivered = 0;
  let duplicatesAfterDedupe = 0;
  const lostSamples: string[] = [];
  const delays: number[] = [];
  const steadyDelays: number[] = [];
  for (const [index, client] of clients.entries()) {
    if (client.firstOpenAt === undefined) continue;
    for (const like of byWriter.get(client.userId) ?? []) {
      if (like.writtenAt < client.firstOpenAt) continue;
      expected++;
      duplicatesAfterDedupe += client.keptAgain.get(like.key) ?? 0;
      const delay = client.received.get(like.key);
      if (delay === undefined) {
        if (lostSamples.length < LOST_SAMPLES)
          lostSamples.push(`client ${index} (${client.dropping ? `dropped ${client.drops}×` : "steady"}): ${like.key}`);
        continue;
      }
      delivered++;
      delays.push(delay);
      if (!client.dropping) steadyDelays.push(delay);
    }
  }
  const sum = (pick: (client: SoakClient) => number) => clients.reduce((total, client) => total + pick(client), 0);
  return {
    expected,
    delivered,
    lost: expected - delivered,
    lostSamples,
    rawDuplicates: sum((c) => c.rawDuplicates),
    duplicatesAfterDedupe,
    settled: clients.filter((c) => c.settled).length,
    clients: clients.length,
    droppingClients: clients.filter((c) => c.dropping).length,
    drops: sum((c) => c.drops),
    resumes: sum((c) => c.resumes),
    resumesFromStart: sum((c) => c.resumesFromStart),
    resumePages: sum((c) => c.resumePages),
    resumesRefused: sum((c) => c.resumesRefused),
    replayed: sum((c) => c.replayed),
    errorFrames: sum((c) => c.errorFrames),
    reconnectFailures: sum((c) => c.reconnectFailures),
    delayMs: percentiles(delays),
    steadyDelayMs: percentiles(steadyDelays),
  };
}
