/**
 * Lambda entry of the daily digests, invoked by EventBridge Scheduler every 15 minutes: see
 * src/handlers/send-digests.handler.ts. Each person's zone, hour and address from the preferences
 * table over TIME_ZONE and DIGEST_HOUR; LINE under LINE_MONTHLY_LIMIT; e-mail when EMAIL_FROM is set.
 */
import { emailDigestChannel, lineDigestChannel } from "#domain/digest/digest-channels.ts";
import { createSendDigestsHandler } from "#handlers/send-digests.handler.ts";
import {
  deployedBodies,
  deployedEmail,
  deployedLineDelivery,
  deployedLineQuota,
  deployedPreferencesFor,
  digests,
  ledger,
  logger,
  metrics,
} from "./deployed-dependencies.ts";

const { lineFor } = deployedLineDelivery();
const email = deployedEmail();
const bodies = deployedBodies();

export const handler = createSendDigestsHandler({
  backlog: digests,
  ledger,
  preferencesFor: deployedPreferencesFor,
  channels: {
    line: lineDigestChannel({ lineFor, noteFor: deployedLineQuota().noteFor }),
    ...(email ? { email: emailDigestChannel(email) } : {}),
  },
  // Presigns a large body's link when the digest goes out.
  ...(bodies ? { bodies } : {}),
  logger,
  metrics,
});
