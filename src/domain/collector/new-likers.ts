/**
 * Who liked since the last poll, found by diffing the article's likes list (newest first)
 * against the likers already known. Pure: the collector feeds it what the source returned.
 */

/** Known likers kept per article, newest first: enough to find the boundary, small enough for one item. */
export const MAX_KNOWN_LIKERS = 200;

/**
 * Whether the likes fetched so far are enough to name the `delta` new likers: a known liker
 * was seen with at least `delta` unknown ones before it, or (nothing known, or every known one
 * gone) as many likers as could possibly be new were fetched. Lets the source stop paging,
 * so one request per changed article is the usual cost.
 */
export function enoughLikers(known: readonly string[], delta: number): (fetched: readonly string[]) => boolean {
  const knownSet = new Set(known);
  return (fetched) => {
    const boundary = fetched.findIndex((id) => knownSet.has(id));
    if (boundary >= 0) return boundary >= delta;
    // Past delta + known.length likers without a known one, every known liker must have left.
    return fetched.length >= delta + knownSet.size;
  };
}

/**
 * The likers new since `known`, newest first: those before the first known liker. When fewer than
 * `delta` are found that way (a known liker who unliked and liked again now sits at the head) or no
 * known liker is seen at all, the newest `delta` likers.
 *
 * @example newLikers(["c", "b", "a"], ["a"], 2) // ["c", "b"]
 */
export function newLikers(fetched: readonly string[], known: readonly string[], delta: number): string[] {
  if (delta <= 0) return [];
  const knownSet = new Set(known);
  const boundary = fetched.findIndex((id) => knownSet.has(id));
  const beforeBoundary = boundary >= 0 ? fetched.slice(0, boundary) : [];
  // More than delta before the boundary is a like and an unlike in one interval: name them all.
  if (beforeBoundary.length >= delta) return dedupe(beforeBoundary);
  return dedupe(fetched).slice(0, delta);
}

/** The known likers after a poll: what was just fetched (the freshest truth) ahead of the rest. */
export function mergeKnownLikers(fetched: readonly string[], known: readonly string[]): string[] {
  return dedupe([...fetched, ...known]).slice(0, MAX_KNOWN_LIKERS);
}

function dedupe(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
