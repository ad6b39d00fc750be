/** Lambda entry of the `/v1` HTTP API (payload 2.0): see src/handlers/publish.handler.ts. */
import { createPublishHandler } from "#handlers/publish.handler.ts";
import {
  deployedBodies,
  deployedPreferences,
  deployedReleaseAlarm,
  groups,
  logger,
  publications,
  publishKeys,
  publishSettings,
} from "./deployed-dependencies.ts";

// Fails the instance's start with one line naming the missing table, before any request.
publishSettings();

const bodies = deployedBodies();
// A scheduled notification's one-time schedule; a missing setting fails the start in one line too.
const alarm = deployedReleaseAlarm();

export const handler = createPublishHandler({
  publications,
  keys: publishKeys,
  groups,
  ...(bodies ? { bodies } : {}),
  alarm,
  // PUT/GET /v1/users/USER_ID/preferences.
  preferences: deployedPreferences(),
  logger,
});
