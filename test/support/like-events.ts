/** Like events for tests: one per stream sequence number, for a given writer. */
import { eventIdFromSequence } from "#domain/like-events.ts";
import { audienceOf, type LikeNotification } from "#domain/notification.ts";

export function likeEvent(userId: string, sequence: number, at = new Date(1_800_000_000_000 + sequence)): LikeNotification {
  return {
    kind: "like",
    id: eventIdFromSequence(String(sequence)),
    to: audienceOf(userId),
    userId,
    itemId: `item-${sequence}`,
    title: `Article ${sequence}`,
    url: `https://qiita.com/${userId}/items/item-${sequence}`,
    delta: 1,
    likesCount: sequence,
    likers: [`fan-${sequence}`],
    at: at.toISOString(),
  };
}
