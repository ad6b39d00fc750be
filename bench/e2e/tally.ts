/** Turns the writes sent and the frames received into the end-to-end row: delays and counts. */
import type { E2eRow } from "../report/results.ts";
import { percentile, round1 } from "#test/support/statistics.ts";

/** `sent`: epoch ms each write started, by "itemId:likesCount"; `received`: arrivals, in order. */
export function tallyDeliveries(
  rate: number,
  durationSeconds: number,
  sent: ReadonlyMap<string, number>,
  received: readonly { readonly key: string; readonly at: number }[],
): E2eRow {
  const firstArrival = new Map<string, number>();
  let duplicated = 0;
  for (const { key, at } of received) {
    if (!sent.has(key)) continue;
    if (firstArrival.has(key)) duplicated++;
    else firstArrival.set(key, at);
  }
  const delays = [...firstArrival].map(([key, at]) => at - (sent.get(key) as number));
  const ms = (p: number) => {
    const value = percentile(delays, p);
    return value === undefined ? null : round1(value);
  };
  return {
    rate,
    p50_ms: ms(50),
    p95_ms: ms(95),
    p99_ms: ms(99),
    max_ms: ms(100),
    sent: sent.size,
    delivered: firstArrival.size,
    lost: sent.size - firstArrival.size,
    duplicated,
    duration_s: durationSeconds,
  };
}
