/**
 * Which zone a user's days are counted in: the person's own (preferences, issue 13) when a
 * preference store is wired and they set one, else the TIME_ZONE setting.
 */
import type { PreferenceStore } from "../ports.ts";
import { isTimeZone } from "./days.ts";
import type { TimeZoneOf } from "./rollups.ts";

/**
 * @example
 *   const timeZoneOf = userTimeZones("Asia/Tokyo", preferences);
 *   await timeZoneOf("alice"); // "Europe/Paris" if she chose it, else "Asia/Tokyo"
 */
export function userTimeZones(fallback: string, preferences?: Pick<PreferenceStore, "get">): TimeZoneOf {
  if (!preferences) return async () => fallback;
  return async (userId) => {
    const zone = (await preferences.get(userId))?.timeZone;
    // A zone this runtime does not know (stored by a newer one) counts in the setting's zone.
    return zone !== undefined && isTimeZone(zone) ? zone : fallback;
  };
}
