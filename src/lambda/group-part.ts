/** Lambda entry of one part of a large group message: see src/handlers/group-part.handler.ts. */
import { createGroupPartHandler } from "#handlers/group-part.handler.ts";
import { connections, deployedBodies, deployedLineFor, deployedSettings, events, ledger, logger, poster, publications } from "./deployed-dependencies.ts";

export const handler = createGroupPartHandler({
  connections,
  poster,
  events,
  ledger,
  lineMode: deployedSettings().lineMode,
  lineFor: deployedLineFor,
  logger,
  publications,
  // Presigns bodies kept in S3 as each frame's bodyUrl.
  bodies: deployedBodies(),
});
