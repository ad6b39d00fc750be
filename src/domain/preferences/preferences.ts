/**
 * Each person's choices of how they are told (issue 13), and the time zone their days are counted
 * in (issue 12's stats, digests). Plain data: stored per user (DynamoDB preferences table),
 * changed from the page (`{"action":"preferences"}`) or by a publish-key holder
 * (`PUT /v1/users/USER_ID/preferences`); what a user never set comes from the settings.
 */

/**
 * How one channel is used: `always` every notification; `fallback` only what no live connection
 * received; `digest` once a day, listing what the channel owed; `off` never.
 */
export type ChannelMode = "always" | "fallback" | "digest" | "off";

export const CHANNEL_MODES: readonly ChannelMode[] = ["always", "fallback", "digest", "off"];

/** The channels beyond live frames a person chooses for. */
export type PreferenceChannel = "line" | "email";

export interface Preferences {
  readonly line: ChannelMode;
  readonly email: ChannelMode;
  /** Where e-mail goes; without it e-mail is not set up for this person. */
  readonly emailAddress?: string;
  /** IANA zone the person's days are counted in (stats, digest time). */
  readonly timeZone: string;
  /** Hour of the day (0-23, in `timeZone`) the daily digest goes out. */
  readonly digestHour: number;
}

/** The digest's hour for whoever chose none: early enough to read with the morning's mail. */
export const DEFAULT_DIGEST_HOUR = 8;

/** What a person set; absent fields fall back to the settings' defaults. */
export type StoredPreferences = Partial<Preferences>;

/** A change to what a person set: absent fields stay as they are; `emailAddress: null` forgets the address. */
export type PreferenceChanges = Omit<StoredPreferences, "emailAddress"> & { readonly emailAddress?: string | null };

/** The effective preferences: what was set over the defaults. */
export function withDefaults(stored: StoredPreferences | undefined, defaults: Preferences): Preferences {
  return { ...defaults, ...Object.fromEntries(Object.entries(stored ?? {}).filter(([, value]) => value !== undefined)) };
}
