/**
 * What the clients got against what they were owed. A like is owed to a client when the client
 * had first connected by the time the like was written; a client that dropped afterwards still
 * owes it, because it resumes from the last id it holds (or from the start) and must get it.
 * Likes written before a client first connected reach it too (its first resume replays the last
 * 24 h), but they are not owed: they count as neither delivered, lost nor duplicated.
 */
import type { Percentiles, SentLike, Tally } from "./protocol.ts";
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
        if (lostSamples.length < LOST_SAMPLES) lostSamples.push(`client ${index} (${client.dropping ? `dropped ${client.drops}×` : "steady"}): ${like.key}`);
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

/** Nearest-rank percentiles; all zero when nothing arrived. */
export function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
  return { p50: rank(50), p95: rank(95), p99: rank(99), max: sorted[sorted.length - 1] as number };
}
