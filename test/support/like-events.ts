/** Like events for tests: one per stream sequence number, for a given writer. */
import { eventIdFromSequence } from "#domain/like-events.ts";
import type { LikeEvent } from "#domain/model.ts";

export function likeEvent(userId: string, sequence: number, at = new Date(1_800_000_000_000 + sequence)): LikeEvent {
  return {
    id: eventIdFromSequence(String(sequence)),
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
