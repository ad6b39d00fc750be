/**
 * Lambda entry of the scheduled notifications' release: `{"id"}` from its one-time schedule, or `{}`
 * by hand to sweep what is due. See src/handlers/release-scheduled.handler.ts.
 */
import { createReleaseScheduledHandler } from "#handlers/release-scheduled.handler.ts";
import { logger, publications, releaseSettings } from "./deployed-dependencies.ts";

// Fails the instance's start with one line naming the missing table, before any run.
releaseSettings();

export const handler = createReleaseScheduledHandler({ store: publications, logger });
