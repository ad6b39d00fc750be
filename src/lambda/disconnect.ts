/** Lambda entry of the WebSocket $disconnect route: see src/handlers/disconnect.handler.ts. */
import { createDisconnectHandler } from "#handlers/disconnect.handler.ts";
import { connections, logger } from "./deployed-dependencies.ts";

export const handler = createDisconnectHandler({ connections, logger });
