/**
 * Reading the fields of a stream record's image (like-events.ts, star-events.ts,
 * published-events.ts): each reader throws MalformedChangeError naming the field, so the stream
 * handler logs the record and skips it instead of retrying what no retry can fix.
 */

export type Image = Readonly<Record<string, unknown>>;

/** A stream record that cannot become a notification, whatever the retries. */
export class MalformedChangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedChangeError";
  }
}

/** A non-empty string. */
export function imageText(image: Image, name: string): string {
  const value = image[name];
  if (typeof value !== "string" || value.length === 0) throw new MalformedChangeError(`image has no string "${name}"`);
  return value;
}

/** A whole number, 0 or more. */
export function imageCount(image: Image, name: string): number {
  const value = image[name];
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new MalformedChangeError(`image has no whole non-negative "${name}"`);
  }
  return value;
}

/** A list of names (likers, stargazers); absent is none. `what` says what they are in the error. */
export function imageNames(image: Image, name: string, what: string): string[] {
  const value = image[name];
  if (value === undefined) return [];
  // lib-dynamodb reads a string set as a Set and a list as an array; accept both.
  const list = value instanceof Set ? [...value] : value;
  if (!Array.isArray(list) || !list.every((entry) => typeof entry === "string")) {
    throw new MalformedChangeError(`"${name}" is not a list of ${what}`);
  }
  return list;
}
