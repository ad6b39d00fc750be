/**
 * The digest route of each channel: where a user's digest goes and how it reads. LINE lists the
 * day's notifications with line-message.ts (at most 5 texts of 5000 units a push; what does not
 * fit says "…and N more") under a title, and the quota's note once when LINE switched to digests.
 * E-mail is email-message.ts's mail of the day's notifications, its subject saying it is the digest,
 * to the address the person set (none: not set up).
 *
 * @example
 *   const channels = { line: lineDigestChannel({ lineFor, noteFor: guard.noteFor }) };
 *   await sendDigests({ backlog, ledger, preferencesFor, channels });
 */
import type { EmailChannel, LineTarget } from "../delivery/deliver-batch.ts";
import { emailFromTexts, emailPushKey, emailTexts } from "../email-message.ts";
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

export function emailDigestChannel(email: EmailChannel): DigestChannel {
  return async (_userId, day, preferences) => {
    const to = preferences.emailAddress;
    if (!to) return undefined;
    return {
      to,
      render: (notifications) => {
        const [subject = "", text = "", html = ""] = emailTexts(notifications, email.pageUrl);
        return [`Your live-likes digest for ${day}: ${subject}`, text, html];
      },
      keyOf: emailPushKey,
      send: (push) => email.sender.send(push.to, emailFromTexts(push.texts), push.key),
    };
  };
}
