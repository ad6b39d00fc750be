/** Lambda entry of one part of a large group message: see src/handlers/group-part.handler.ts. */
import { createGroupPartHandler } from "#handlers/group-part.handler.ts";
import {
  connections,
  deployedBodies,
  deployedEmail,
  deployedLineDelivery,
  deployedSettings,
  events,
  ledger,
  logger,
  poster,
  publications,
} from "./deployed-dependencies.ts";

const email = deployedEmail();

export const handler = createGroupPartHandler({
  connections,
  poster,
  events,
  ledger,
  lineMode: deployedSettings().lineMode,
  // LINE under LINE_MONTHLY_LIMIT, as in the stream function.
  ...deployedLineDelivery(),
  // E-mail through SES from EMAIL_FROM, per each person's preferences.
  ...(email ? { email } : {}),
  logger,
  publications,
  // Presigns bodies kept in S3 as each frame's bodyUrl.
  bodies: deployedBodies(),
});
