/**
 * Reads back what an SES emulator (aws-ses-v2-local) received, through its own HTTP API
 * (`GET /store`), as a test's mailbox: never a stub of the sender.
 *
 * @example
 *   const mails = await mailsTo(ses.endpoint, "alice@example.com");
 */
import { SESv2Client } from "@aws-sdk/client-sesv2";
import type { SesLocal } from "#local/aws/ses-local.ts";

export interface ReceivedMail {
  readonly messageId: string;
  readonly from: string;
  readonly destination: { readonly to: readonly string[] };
  readonly subject: string;
  readonly body: { readonly html?: string; readonly text?: string };
  readonly headers?: readonly { readonly name: string; readonly value: string }[];
}

/** Every mail the emulator at `endpoint` received for `address`, oldest first. */
export async function mailsTo(endpoint: string, address: string): Promise<ReceivedMail[]> {
  const response = await fetch(`${endpoint}/store`);
  if (!response.ok) throw new Error(`the SES emulator answered ${response.status} to GET /store`);
  const { emails } = (await response.json()) as { emails: ReceivedMail[] };
  return emails.filter((mail) => mail.destination.to.includes(address));
}

export function header(mail: ReceivedMail, name: string): string | undefined {
  return mail.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

/** An SDK client of the emulator, as the runtime builds it. */
export function sesClient(ses: SesLocal): SESv2Client {
  return new SESv2Client({ endpoint: ses.endpoint, region: ses.region, credentials: { ...ses.credentials } });
}
