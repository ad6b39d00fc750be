/**
 * Lambda entry of the daily digests, invoked by EventBridge Scheduler every 15 minutes: see
 * src/handlers/send-digests.handler.ts. LINE only for now: e-mail is not deployed yet (its digests
 * run on the laptop through the same use case).
 */
import { lineDigestChannel } from "#domain/digest/digest-channels.ts";
import { createSendDigestsHandler } from "#handlers/send-digests.handler.ts";
import { deployedLineDelivery, deployedLineQuota, deployedSettings, digests, ledger, logger, metrics } from "./deployed-dependencies.ts";

const settings = deployedSettings();
const { lineFor } = deployedLineDelivery();

export const handler = createSendDigestsHandler({
  backlog: digests,
  ledger,
  // Everyone's digest at DIGEST_HOUR in TIME_ZONE until per-user preferences are deployed.
  preferencesFor: async () => ({ timeZone: settings.TIME_ZONE, digestHour: settings.DIGEST_HOUR }),
  channels: { line: lineDigestChannel({ lineFor, noteFor: deployedLineQuota().noteFor }) },
  logger,
  metrics,
});
