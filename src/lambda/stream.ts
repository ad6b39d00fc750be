/** Lambda entry of the articles, repositories and notifications streams: see src/handlers/stream.handler.ts. */
import { createStreamHandler } from "#handlers/stream.handler.ts";
import { deployedDelivery, deployedGroupParts, deployedStats, logger, metrics, publications } from "./deployed-dependencies.ts";

export const handler = createStreamHandler({
  // Frames, the resume log, LINE under its monthly limit, e-mail, each person's channels, digests, S3 bodies.
  ...deployedDelivery(),
  logger,
  metrics,
  // Receipts of published notifications (the notifications stream's records).
  publications,
  // Large group messages in parts, each its own invocation of the GroupPart function.
  groupParts: deployedGroupParts(),
  // Likes and stars counted into days for `stats`.
  rollups: deployedStats(),
});
