/**
 * Bodies too large for a WebSocket frame (issue 10): kept in S3 at publish, behind a `bodyKey` on
 * the notification's item and in the events log; a frame carries `bodyUrl`, a presigned GET URL
 * made when the frame is built (fan-out, resume), never kept: URLs expire, and `resume` replays a
 * notification up to 24 h later. Pure: the presigner is an adapter behind BodyStore.
 *
 * @example
 *   const key = bodyKeyOf(requestHash); // "bodies/3f2a…"
 *   await bodies.put(key, body);
 *   const [framed] = await linkBodies([notification], bodies); // framed.bodyUrl: "https://…"
 */
import type { Notification } from "./notification.ts";
import type { BodyStore } from "./ports.ts";

/** The key prefix of a body sent now; its objects are kept BODY_RETENTION_DAYS. */
export const BODY_KEY_PREFIX = "bodies/";
/**
 * The key prefix of a scheduled notification's body, kept SCHEDULED_BODY_RETENTION_DAYS: it must
 * outlive a sendAt up to 366 days ahead, then the day `resume` replays it.
 */
export const SCHEDULED_BODY_KEY_PREFIX = "scheduled-bodies/";
/** A body is read live, or by `resume` within 24 h; the receipt (7 days) needs no body. */
export const BODY_RETENTION_DAYS = 7;
export const SCHEDULED_BODY_RETENTION_DAYS = 366 + BODY_RETENTION_DAYS;

/**
 * Room kept in a frame for its `bodyUrl`. A presigned URL is about 400 characters with a laptop's
 * keys and up to about 2 KB with a Lambda role's session token (X-Amz-Security-Token).
 */
export const BODY_URL_ALLOWANCE = 4 * 1024;

/**
 * The S3 key of a body, from the SHA-256 (hex) of the request that published it: a repeat of the
 * request (the same Idempotency-Key and body) writes the very object it wrote before instead of a
 * second one, and a group's copies share the one object since they share the item.
 */
export const bodyKeyOf = (requestHash: string, prefix: string = BODY_KEY_PREFIX): string => `${prefix}${requestHash}`;

/** A notification as kept (digest queue, log): a large body's key stays, its presigned URL goes. */
export function withoutBodyUrl(notification: Notification): Notification {
  if (notification.kind !== "notification" || notification.bodyUrl === undefined) return notification;
  const { bodyUrl: _expires, ...kept } = notification;
  return kept;
}

/**
 * The notifications as frames show them: each one with a `bodyKey` gets a fresh `bodyUrl` (one
 * URL per key, however many copies carry it); the others are returned as they are.
 * Rejects when a body is in S3 but no body store is wired: a frame without its body would be a
 * silent loss, while a failed batch is retried and then kept.
 */
export async function linkBodies(
  notifications: readonly Notification[],
  bodies: Pick<BodyStore, "urlFor"> | undefined,
): Promise<Notification[]> {
  const urls = new Map<string, Promise<string>>();
  return Promise.all(
    notifications.map(async (notification) => {
      if (notification.kind !== "notification" || notification.bodyKey === undefined) return notification;
      const key = notification.bodyKey;
      if (!bodies)
        throw new Error(`notification ${notification.id} has its body in S3 (${key}) but no body store is wired: set BODIES_BUCKET`);
      let url = urls.get(key);
      if (!url) {
        url = bodies.urlFor(key);
        urls.set(key, url);
      }
      return { ...notification, bodyUrl: await url };
    }),
  );
}
