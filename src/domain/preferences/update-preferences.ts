/**
 * PUT /v1/users/USER_ID/preferences, the page's `{"action":"preferences","set":{…}}` ─▶
 * [update-preferences] ─▶ PreferenceStore. The one validation of a person's channel choices,
 * whoever sends them.
 * 1. The user id must be one a token can carry (token.ts USER_ID), else refused naming `userId`.
 * 2. The body is a JSON object of known fields only, each valid (a mode, an address or null, an
 *    IANA zone, an hour 0-23): the first problem is refused naming its field; nothing is written.
 * 3. Write what was given in one change, and answer the effective preferences (defaults filled).
 *
 * @example
 *   const outcome = await updatePreferences("alice", { email: "always" }, { store, defaultsFor });
 *   if (outcome.ok) outcome.preferences; // { line: "fallback", email: "always", timeZone: "UTC", digestHour: 8 }
 */
import { z } from "zod";
import type { PreferenceStore } from "../ports.ts";
import { isTimeZone } from "../stats/days.ts";
import { USER_ID } from "../token.ts";
import { CHANNEL_MODES, type ChannelMode, type PreferenceChanges, type Preferences, withDefaults } from "./preferences.ts";

/** RFC 5321's limit on a whole address. */
const MAX_ADDRESS_LENGTH = 254;

export interface PreferencePorts {
  readonly store: PreferenceStore;
  /** The settings' defaults for this user (LINE_MODE, EMAIL_MODE, …). */
  readonly defaultsFor: (userId: string) => Preferences;
}

export type PreferencesOutcome =
  | { readonly ok: true; readonly preferences: Preferences }
  | { readonly ok: false; readonly field: string; readonly message: string };

const mode = (field: string) =>
  z
    .string({ invalid_type_error: `${field} must be one of ${CHANNEL_MODES.join(", ")}` })
    .refine(
      (value): value is ChannelMode => (CHANNEL_MODES as readonly string[]).includes(value),
      `${field} must be one of ${CHANNEL_MODES.join(", ")}`,
    ) as unknown as z.ZodType<ChannelMode>;

const changesSchema = z
  .object({
    line: mode("line").optional(),
    email: mode("email").optional(),
    emailAddress: z
      .string({ invalid_type_error: "emailAddress must be an e-mail address, or null to forget it" })
      .trim()
      .max(MAX_ADDRESS_LENGTH, `emailAddress must be at most ${MAX_ADDRESS_LENGTH} characters`)
      .email("emailAddress must be an e-mail address such as alice@example.com, or null to forget it")
      .nullable()
      .optional(),
    timeZone: z
      .string({ invalid_type_error: "timeZone must be an IANA time zone such as Asia/Tokyo" })
      .refine(isTimeZone, "timeZone must be an IANA time zone such as Asia/Tokyo or UTC")
      .optional(),
    digestHour: z
      .number({ invalid_type_error: "digestHour must be a whole hour from 0 to 23" })
      .int("digestHour must be a whole hour from 0 to 23")
      .min(0, "digestHour must be a whole hour from 0 to 23")
      .max(23, "digestHour must be a whole hour from 0 to 23")
      .optional(),
  })
  .strict();

/** The effective preferences of `userId`: what they set over the defaults. */
export async function readPreferences(userId: string, ports: PreferencePorts): Promise<PreferencesOutcome> {
  if (!USER_ID.test(userId)) return badUser();
  return { ok: true, preferences: withDefaults(await ports.store.get(userId), ports.defaultsFor(userId)) };
}

export async function updatePreferences(userId: string, body: unknown, ports: PreferencePorts): Promise<PreferencesOutcome> {
  // 1. Whose.
  if (!USER_ID.test(userId)) return badUser();

  // 2. What, all of it valid before anything is written.
  const changes = parseChanges(body);
  if (!changes.ok) return changes;

  // 3. One write; the answer is what now holds.
  const stored = await ports.store.update(userId, changes.changes);
  return { ok: true, preferences: withDefaults(stored, ports.defaultsFor(userId)) };
}

/** Validates a change without writing it: the field of the first problem, or the changes. */
export function parseChanges(
  body: unknown,
): { readonly ok: true; readonly changes: PreferenceChanges } | { readonly ok: false; readonly field: string; readonly message: string } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return {
      ok: false,
      field: "body",
      message: "send a JSON object with any of line, email, emailAddress, timeZone, digestHour",
    };
  }
  const parsed = changesSchema.safeParse(body);
  if (parsed.success) return { ok: true, changes: parsed.data };
  const issue = parsed.error.issues[0]!;
  if (issue.code === z.ZodIssueCode.unrecognized_keys) {
    const field = issue.keys[0] as string;
    return { ok: false, field, message: `${field} is not a preference: use line, email, emailAddress, timeZone, digestHour` };
  }
  return { ok: false, field: String(issue.path[0] ?? "body"), message: issue.message };
}

function badUser(): PreferencesOutcome {
  return { ok: false, field: "userId", message: "userId must be 1-64 letters, digits, or _ . @ -, as in the user's tokens" };
}
