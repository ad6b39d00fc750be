/**
 * When a daily digest is due, in the person's own zone. Pure. A digest is due once its hour has
 * come on a day: at 09:00 Asia/Tokyo, and at any later moment until the next day's 09:00 (so a
 * laptop that was off at 09:00 sends it when it starts). It lists what was owed before that hour;
 * what is owed later waits for the next day's.
 *
 * Times are compared as local "YYYY-MM-DDTHH" stamps, which sort as they follow each other, so no
 * offset arithmetic is needed (a daylight-saving day simply has its hour once or twice).
 *
 * @example
 *   const due = dueDigest(Date.parse("2026-11-30T01:00:00Z"), "Asia/Tokyo", 9); // 10:00 in Tokyo
 *   due.day; // "2026-11-30"
 *   owedBefore(Date.parse("2026-11-29T23:30:00Z"), "Asia/Tokyo", due); // true: 08:30 in Tokyo
 */

export interface DueDigest {
  /** The local day (YYYY-MM-DD) whose digest is due. */
  readonly day: string;
  /** That day's digest hour as a local stamp, "YYYY-MM-DDTHH". */
  readonly stamp: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** The local "YYYY-MM-DDTHH" of the instant `atMs` in `timeZone`. */
export function localStamp(atMs: number, timeZone: string): string {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      hourCycle: "h23",
    });
    formats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(atMs)).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}`;
}

/** The digest that is due at `nowMs`: today's once its hour has come, else yesterday's. */
export function dueDigest(nowMs: number, timeZone: string, digestHour: number): DueDigest {
  const now = localStamp(nowMs, timeZone);
  const today = now.slice(0, 10);
  const hour = String(digestHour).padStart(2, "0");
  const day = Number(now.slice(11, 13)) >= digestHour ? today : previousDay(today);
  return { day, stamp: `${day}T${hour}` };
}

/** Whether something owed at `owedAtMs` belongs in the digest `due` (owed before its hour). */
export function owedBefore(owedAtMs: number, timeZone: string, due: DueDigest): boolean {
  return localStamp(owedAtMs, timeZone) < due.stamp;
}

function previousDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}
