/** Lambda entry of the articles and notifications streams: see src/handlers/stream.handler.ts. */
import { createStreamHandler } from "#handlers/stream.handler.ts";
import {
  connections,
  deployedBodies,
  deployedGroupParts,
  deployedEmail,
  deployedLineDelivery,
  deployedSettings,
  deployedStats,
  events,
  ledger,
  logger,
  metrics,
  poster,
  publications,
} from "./deployed-dependencies.ts";

const email = deployedEmail();

export const handler = createStreamHandler({
  connections,
  poster,
  events,
  ledger,
  lineMode: deployedSettings().lineMode,
  // LINE under LINE_MONTHLY_LIMIT: a slot per push, daily digests when the pace says so.
  ...deployedLineDelivery(),
  // E-mail through SES from EMAIL_FROM, per each person's preferences.
  ...(email ? { email } : {}),
  logger,
  metrics,
  // Receipts of published notifications (the notifications stream's records).
  publications,
  // Large group messages in parts, each its own invocation of the GroupPart function.
  groupParts: deployedGroupParts(),
  // Likes and stars counted into days for `stats`.
  rollups: deployedStats(),
  // Presigns bodies kept in S3 as each frame's bodyUrl.
  bodies: deployedBodies(),
});
