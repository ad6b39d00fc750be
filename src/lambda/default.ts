/** Lambda entry of the WebSocket $default route: see src/handlers/default.handler.ts. */
import { createDefaultHandler } from "#handlers/default.handler.ts";
import {
  connections,
  deployedBodies,
  deployedPreferences,
  deployedStats,
  events,
  logger,
  poster,
  sourceHealth,
} from "./deployed-dependencies.ts";

// resume presigns the bodies kept in S3 it replays; {"action":"preferences"} reads and changes the user's own row;
// the status frame reads each source's health from the accounts' `#account` items (one GetItem per source).
export const handler = createDefaultHandler({
  connections,
  events,
  poster,
  bodies: deployedBodies(),
  logger,
  stats: deployedStats(),
  preferences: deployedPreferences(),
  sourceHealth,
});
