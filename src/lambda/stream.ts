/** Lambda entry of the articles and notifications streams: see src/handlers/stream.handler.ts. */
import { createStreamHandler } from "#handlers/stream.handler.ts";
import {
  connections,
  deployedLineFor,
  deployedSettings,
  events,
  ledger,
  logger,
  metrics,
  poster,
  publications,
} from "./deployed-dependencies.ts";

export const handler = createStreamHandler({
  connections,
  poster,
  events,
  ledger,
  lineMode: deployedSettings().lineMode,
  lineFor: deployedLineFor,
  logger,
  metrics,
  // Receipts of published notifications (the notifications stream's records).
  publications,
});
