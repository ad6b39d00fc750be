/**
 * Turns a change of the repositories table (a stream record's images) into the star it announces.
 * A star is: an INSERT after the account's baseline with stars, or a MODIFY whose count rose.
 * Unstars, url-only edits, baseline writes, removals and the account's "#" items announce nothing.
 */
import { eventId } from "./event-id.ts";
import { imageCount, imageNames, imageText, MalformedChangeError } from "./image-fields.ts";
import { type ArticleChange, eventIdFromSequence } from "./like-events.ts";
import { audienceOf, type StarNotification } from "./notification.ts";

/** A stream record of the repositories table: the same shape as the articles table's. */
export type RepositoryChange = ArticleChange;

export function starEventFromChange(change: RepositoryChange): StarNotification | null {
  if (change.eventName === "REMOVE") return null;
  const next = change.newImage;
  if (!next) throw new MalformedChangeError(`${change.eventName} record has no NewImage`);
  const userId = imageText(next, "userId");
  const repo = imageText(next, "repo");
  // "#account" and "#page#…" items are the collector's bookkeeping (baseline mark, ETags).
  if (repo.startsWith("#")) return null;
  const stargazersCount = imageCount(next, "stargazersCount");

  let delta: number;
  if (change.eventName === "INSERT") {
    if (next.baseline === true) return null;
    // A repository renamed or transferred in is written with lastDelta 0: its stars are not new.
    delta = typeof next.lastDelta === "number" ? next.lastDelta : stargazersCount;
  } else {
    if (!change.oldImage) throw new MalformedChangeError("MODIFY record has no OldImage");
    delta = stargazersCount - imageCount(change.oldImage, "stargazersCount");
  }
  if (delta <= 0) return null;

  const changedAt = typeof next.changedAt === "number" ? next.changedAt : change.approximateCreationMs;
  eventIdFromSequence(change.sequenceNumber);
  return {
    kind: "star",
    id: eventId(changedAt, "repositories", change.sequenceNumber),
    to: audienceOf(userId),
    userId,
    title: repo,
    repo,
    url: imageText(next, "url"),
    delta,
    stargazersCount,
    stargazers: imageNames(next, "lastStargazers", "logins"),
    at: new Date(changedAt).toISOString(),
  };
}
