/**
 * The digest route of each channel: where a user's digest goes and how it reads. LINE lists the
 * day's notifications with line-message.ts (at most 5 texts of 5000 units a push; what does not
 * fit says "…and N more") under a title, and the quota's note once when LINE switched to digests.
 *
 * @example
 *   const channels = { line: lineDigestChannel({ lineFor, noteFor: guard.noteFor }) };
 *   await sendDigests({ backlog, ledger, preferencesFor, channels });
 */
import type { LineTarget } from "../delivery/deliver-batch.ts";
import { lineRetryKey, lineTexts } from "../line-message.ts";
import type { DigestChannel } from "./send-digests.ts";

/** "📬 Your digest for 2026-11-30", then the note when there is one. */
export function digestTitle(day: string, note?: string): string {
  const title = `📬 Your digest for ${day}`;
  return note ? `${title}\n${note}` : title;
}

export function lineDigestChannel(options: {
  readonly lineFor: (userId: string) => Promise<LineTarget | undefined>;
  /** The quota's note for a recipient, once (line-quota.ts); absent: no quota. */
  readonly noteFor?: (to: string) => Promise<string | undefined>;
}): DigestChannel {
  return async (userId, day) => {
    const target = await options.lineFor(userId);
    if (!target) return undefined;
    // Only the first push of the digest carries the note.
    let note = await options.noteFor?.(target.to);
    return {
      to: target.to,
      render: (notifications) => {
        const intro = digestTitle(day, note);
        note = undefined;
        return lineTexts(notifications, { intro });
      },
      keyOf: lineRetryKey,
      send: (push) => target.sender.push(push.to, push.texts, push.key),
    };
  };
}
