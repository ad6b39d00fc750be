/**
 * What a refused SendEmail means: the SDK already retried throttling and 5xx (its standard retry
 * mode), so what reaches here either needs a setting fixed — say which — or is passed on as it is
 * for the batch to retry.
 */
const PERMANENT: Readonly<Record<string, string>> = {
  MessageRejected:
    "SES rejected the mail: in the SES sandbox both EMAIL_FROM and the recipient must be verified identities (docs/DEPLOY.md)",
  MailFromDomainNotVerifiedException:
    "SES has not verified the sender's MAIL FROM domain: finish the identity's verification (docs/DEPLOY.md)",
  AccountSuspendedException: "SES suspended sending for this account: see the SES console's reputation dashboard",
  SendingPausedException: "sending is paused for this SES account or configuration set: resume it in the SES console",
  NotFoundException: "SES does not know the sender identity: verify EMAIL_FROM's address or domain in this region (docs/DEPLOY.md)",
  BadRequestException: "SES refused the request as malformed: check EMAIL_FROM and the recipient's address",
};

/** SES refused the mail for a reason a retry cannot fix; the message says which setting to fix. */
export class EmailRejectedError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "EmailRejectedError";
  }
}

/** The error to throw for a failed SendEmail: an EmailRejectedError when retrying cannot help, else the SDK's own. */
export function classifySesFailure(error: unknown): unknown {
  const name = error instanceof Error ? error.name : undefined;
  const advice = name ? PERMANENT[name] : undefined;
  if (!name || !advice) return error;
  return new EmailRejectedError(name, `${advice} (${name}: ${(error as Error).message})`, { cause: error });
}
