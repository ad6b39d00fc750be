/** Lambda entry of the WebSocket $default route: see src/handlers/default.handler.ts. */
import { createDefaultHandler } from "#handlers/default.handler.ts";
import { connections, events, logger, poster } from "./deployed-dependencies.ts";

export const handler = createDefaultHandler({ connections, events, poster, logger });
