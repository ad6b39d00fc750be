/**
 * Use case: a user's numbers.  {"action":"stats","days":D} ─▶ [read-stats] ─▶ rollups table ─▶ stats frame
 *
 * 1. Whose connection it is: only that user's numbers are read.
 * 2. Today in the user's time zone, and the D days ending with it.
 * 3. Read the stored days and item counts of that range (one Query over the user's day keys).
 * 4. Every day present, oldest first, zeros where nothing was counted; totals over the period.
 * 5. The top items: the TOP_ITEMS articles with the most likes and the TOP_ITEMS repositories with
 *    the most stars over the period.
 */
import { statsFrame, type StatsTopItem } from "../frames.ts";
import type { ConnectionStore } from "../ports.ts";
import { datesEnding, localDate } from "./days.ts";
import type { RollupItemDay, RollupStore, TimeZoneOf } from "./rollups.ts";

/**
 * Top items per kind in a stats frame (up to 5 articles and 5 repositories): what fits a phone
 * screen per source, and a busy month of likes cannot push every repository out.
 */
export const TOP_ITEMS = 5;

export interface ReadStatsPorts {
  readonly connections: Pick<ConnectionStore, "get">;
  readonly rollups: Pick<RollupStore, "read">;
  readonly timeZoneOf: TimeZoneOf;
  /** Epoch ms. */
  readonly nowMs?: () => number;
}

export type StatsAnswer =
  | { readonly outcome: "stats"; readonly userId: string; readonly frame: string }
  | { readonly outcome: "unknown-connection" };

export async function readStats(connectionId: string, days: number, ports: ReadStatsPorts): Promise<StatsAnswer> {
  // 1.
  const connection = await ports.connections.get(connectionId);
  if (!connection) return { outcome: "unknown-connection" };
  const { userId } = connection;

  // 2.
  const zone = await ports.timeZoneOf(userId);
  const dates = datesEnding(localDate((ports.nowMs ?? Date.now)(), zone), days);

  // 3.
  const stored = await ports.rollups.read(userId, dates[0] as string, dates[dates.length - 1] as string);

  // 4.
  const byDate = new Map(stored.days.map((day) => [day.date, day]));
  const filled = dates.map((date) => ({ date, likes: byDate.get(date)?.likes ?? 0, stars: byDate.get(date)?.stars ?? 0 }));

  // 5.
  return { outcome: "stats", userId, frame: statsFrame(filled, topItems(stored.items, TOP_ITEMS)) };
}

/**
 * Per kind, the `count` items with the most over the days given; together most first (ties: the
 * more recent, then by title), each under its latest title and url (an article may be renamed).
 */
export function topItems(itemDays: readonly RollupItemDay[], count: number): StatsTopItem[] {
  const totals = new Map<string, StatsTopItem & { readonly last: string }>();
  for (const day of itemDays) {
    const key = `${day.kind}#${day.item}`;
    const seen = totals.get(key);
    const latest = !seen || day.date >= seen.last;
    totals.set(key, {
      kind: day.kind,
      title: latest ? day.title : (seen?.title as string),
      url: latest ? day.url : (seen?.url as string),
      count: (seen?.count ?? 0) + day.count,
      last: latest ? day.date : (seen?.last as string),
    });
  }
  const ranked = [...totals.values()].sort((a, b) => b.count - a.count || b.last.localeCompare(a.last) || a.title.localeCompare(b.title));
  return (["like", "star"] as const)
    .flatMap((kind) => ranked.filter((item) => item.kind === kind).slice(0, count))
    .sort((a, b) => ranked.indexOf(a) - ranked.indexOf(b))
    .map(({ kind, title, url, count: total }) => ({ kind, title, url, count: total }));
}
