/**
 * Turns the publish requests sent and the frames received into the publish-latency row. The
 * frame can reach the tab before the 202 reaches the bench, so sends are matched with arrivals
 * by id once both are in, never in arrival order.
 */
import { tallyDeliveries } from "../e2e/tally.ts";
import type { PublishLatencyRow } from "../report/results.ts";

/**
 * `requests`: how many were sent; `accepted`: epoch ms each 202-answered request was sent, by the
 * id it answered; `received`: frame arrivals (id, epoch ms), in order, other ids ignored.
 */
export function tallyPublishLatency(
  rate: number,
  durationSeconds: number,
  requests: number,
  accepted: ReadonlyMap<string, number>,
  received: readonly { readonly id: string; readonly at: number }[],
): PublishLatencyRow {
  const row = tallyDeliveries(
    rate,
    durationSeconds,
    accepted,
    received.map(({ id, at }) => ({ key: id, at })),
  );
  return {
    rate,
    duration_s: durationSeconds,
    p50_ms: row.p50_ms,
    p95_ms: row.p95_ms,
    p99_ms: row.p99_ms,
    max_ms: row.max_ms,
    sent: requests,
    accepted: accepted.size,
    delivered: row.delivered,
    lost: row.lost,
    duplicated: row.duplicated,
  };
}
