/**
 * Days as a person lives them: the calendar date of an instant in an IANA time zone, and runs of
 * dates. Dates are `YYYY-MM-DD` strings, which sort as they follow each other, so a range of days
 * is a range of sort keys.
 */

/** The zone days are counted in when nothing else says (TIME_ZONE's default). */
export const DEFAULT_TIME_ZONE = "Asia/Tokyo";

/** Whether `zone` is a time zone this runtime knows (what `Intl` accepts, e.g. "Asia/Tokyo", "UTC"). */
export function isTimeZone(zone: string): boolean {
  if (zone.trim() === "") return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** The date (YYYY-MM-DD) that the instant `at` (epoch ms or ISO 8601) falls on in `zone`. */
export function localDate(at: number | string, zone: string): string {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" });
    formats.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(at)).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** `date` moved by `days` calendar days (negative: back). */
export function addDays(date: string, days: number): string {
  const moved = new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000);
  return moved.toISOString().slice(0, 10);
}

/** The `count` dates ending with `last`, oldest first. */
export function datesEnding(last: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => addDays(last, index - count + 1));
}
