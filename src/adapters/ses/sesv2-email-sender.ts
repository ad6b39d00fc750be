/**
 * EmailSender on Amazon SES v2 `SendEmail` (a simple message: subject, text and HTML parts, UTF-8),
 * deployed or against the laptop's SES emulator (src/local/aws/ses-local.ts).
 *
 * SES has no idempotency key, and it replaces any Message-ID a sender sets. So a crash after SES
 * accepted a mail and before the ledger marked its push sent sends the same mail again on the
 * retry (the only window; docs/ARCHITECTURE.md "E-mail"). The repeat is recognisable: every mail
 * carries its push's key in `X-Live-Likes-Push` and `References: <KEY@live-likes>`, so the two copies
 * are one conversation in a mail client and a filter can drop the second.
 *
 * @example
 *   const sender = new SesV2EmailSender("likes@example.com");
 *   await sender.send("alice@example.com", { subject, text, html }, pushKey);
 */
import { SendEmailCommand, SESv2Client } from "@aws-sdk/client-sesv2";
import type { EmailMessage, EmailSender } from "#domain/ports.ts";
import { classifySesFailure } from "./ses-failure.ts";

export const PUSH_KEY_HEADER = "X-Live-Likes-Push";

export class SesV2EmailSender implements EmailSender {
  constructor(
    private readonly from: string,
    private readonly client: SESv2Client = new SESv2Client({}),
  ) {}

  async send(to: string, message: EmailMessage, key: string): Promise<void> {
    const content = (data: string) => ({ Data: data, Charset: "UTF-8" });
    try {
      await this.client.send(
        new SendEmailCommand({
          FromEmailAddress: this.from,
          Destination: { ToAddresses: [to] },
          Content: {
            Simple: {
              Subject: content(message.subject),
              Body: { Text: content(message.text), Html: content(message.html) },
              Headers: [
                { Name: PUSH_KEY_HEADER, Value: key },
                { Name: "References", Value: `<${key}@live-likes>` },
              ],
            },
          },
        }),
      );
    } catch (error) {
      throw classifySesFailure(error);
    }
  }
}
