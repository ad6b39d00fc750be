/** Lambda entry of the WebSocket $connect route: see src/handlers/connect.handler.ts. */
import { readTokenSecret } from "#adapters/secrets/deployed-settings.ts";
import { createConnectHandler } from "#handlers/connect.handler.ts";
import { connections, deployedSettings, logger, revocations } from "./deployed-dependencies.ts";

export const handler = createConnectHandler({
  connections,
  revocations,
  tokenSecret: readTokenSecret,
  maxConnectionsPerUser: deployedSettings().MAX_CONNECTIONS_PER_USER,
  logger,
});
