/** Lambda entry of one part of a large group message: see src/handlers/group-part.handler.ts. */
import { createGroupPartHandler } from "#handlers/group-part.handler.ts";
import { deployedDelivery, logger, publications } from "./deployed-dependencies.ts";

// Delivered exactly as the stream function delivers (deployedDelivery); the part's receipt on its message.
export const handler = createGroupPartHandler({ ...deployedDelivery(), logger, publications });
