/**
 * GroupPart invocation (deployed: the GroupPart function, invoked asynchronously by the stream
 * function; locally: in process) ─▶ [group-part handler] ─▶ deliver-batch for one part of a large
 * group message (src/domain/delivery/group-parts.ts).
 * 1. Read the part (zod); a malformed one is logged and dropped: retrying cannot fix it.
 * 2. Deliver its members' copies, exactly as the stream handler delivers any batch.
 * 3. When a copy failed, throw: Lambda retries the invocation (twice, then the failure bucket); the
 *    ledger keeps the copies already done from going again.
 * 4. Record the part's receipt; the message's receipt is complete when every part recorded one.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { z } from "zod";
import { type DeliverBatchPorts, deliverBatch } from "#domain/delivery/deliver-batch.ts";
import { combineDeliveries, copiesOf, type GroupPart } from "#domain/delivery/group-parts.ts";
import { EVENT_ID } from "#domain/frames.ts";
import type { GroupPartReceipts } from "#domain/ports.ts";

export interface GroupPartDeps extends DeliverBatchPorts {
  readonly logger: Logger;
  readonly publications: GroupPartReceipts;
}

/** A part as the stream handler sends it; the message's own fields pass through untouched. */
const partSchema = z.object({
  notification: z
    .object({
      kind: z.literal("notification"),
      id: z.string().regex(EVENT_ID),
      to: z.string().regex(/^group:[a-z0-9-]{1,64}$/),
      title: z.string().min(1),
      at: z.string().min(1),
    })
    .passthrough(),
  members: z.array(z.string().min(1)).min(1),
  part: z.number().int().min(0),
  parts: z.number().int().min(1),
});

/** A part that cannot be delivered whatever the retries. */
export class MalformedGroupPartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedGroupPartError";
  }
}

export function createGroupPartHandler(deps: GroupPartDeps) {
  const now = deps.nowMs ?? Date.now;
  return async (event: unknown): Promise<{ readonly delivered: number }> => {
    // 1. The part.
    const read = partSchema.safeParse(event);
    if (!read.success || read.data.part >= read.data.parts) {
      deps.logger.error("dropping a malformed group part: retrying cannot fix it", {
        reason: read.success ? "part index beyond the part count" : read.error.issues[0]?.message,
      });
      return { delivered: 0 };
    }
    const part = read.data as unknown as GroupPart;

    // 2. The members' copies.
    const copies = copiesOf(part);
    const result = await deliverBatch(
      copies.map((notification) => ({ key: notification.userId, notification })),
      deps,
    );
    for (const problem of result.problems) deps.logger.error(problem.message, { userId: problem.userId, error: problem.error as Error });

    // 3. Lambda retries what failed.
    if (result.failed.length > 0) {
      throw new Error(
        `${result.failed.length} of ${copies.length} members of part ${part.part} of ${part.notification.id} failed; retrying`,
      );
    }

    // 4. The part's receipt.
    const sentAt = new Date(now()).toISOString();
    const delivery = combineDeliveries(
      copies.map((copy) => ({
        sentAt,
        live: result.delivered.get(copy.id) ?? 0,
        line: result.line.get(copy.id) ?? "not-needed",
        ...(deps.email ? { email: result.email.get(copy.id) ?? ("not-needed" as const) } : {}),
      })),
    );
    await deps.publications.recordPartDelivery(part.notification.id, part.part, part.parts, delivery);
    const delivered = [...result.delivered.values()].reduce((sum, n) => sum + n, 0);
    deps.logger.info("group part delivered", { id: part.notification.id, part: part.part, parts: part.parts, delivered });
    return { delivered };
  };
}
