/**
 * A notification: what live-likes tells a person, whatever produced it. A like on a Qiita
 * article is one kind, a star on a GitHub repository another, a message published through the HTTP API a
 * third. Plain data shared by every layer; the wire frame of each kind is in frames.ts.
 */

/** Who a notification is addressed to: one user (every tab and device), or a group's members. */
export type Audience = `user:${string}` | `group:${string}`;

/** Fields every kind has. */
interface NotificationBase {
  /** Stable across redelivery (derived from the stream record) and sortable per user. */
  readonly id: string;
  readonly to: Audience;
  /** The user whose connections, feed and channels receive it. */
  readonly userId: string;
  readonly title: string;
  /** ISO 8601: when the signal happened. */
  readonly at: string;
}

/** New likes on one article of the writer `userId`. */
export interface LikeNotification extends NotificationBase {
  readonly kind: "like";
  readonly url: string;
  readonly itemId: string;
  readonly delta: number;
  readonly likesCount: number;
  /** Qiita ids of the new likers, newest first. */
  readonly likers: readonly string[];
}

/** New stars on one GitHub repository of the user `userId` (issue 12). `title` is the repository's `OWNER/NAME`. */
export interface StarNotification extends NotificationBase {
  readonly kind: "star";
  /** `OWNER/NAME`. */
  readonly repo: string;
  /** The repository's page. */
  readonly url: string;
  readonly delta: number;
  readonly stargazersCount: number;
  /** GitHub logins of the new stargazers, newest first. */
  readonly stargazers: readonly string[];
}

/**
 * A message another system published through the HTTP API (`POST /v1/notifications`,
 * src/domain/publish/publish-notification.ts), as one user receives it: to `user:ID`, or one
 * member's copy of a message to `group:NAME` (`to` stays the group, `userId` is the member, `id`
 * the member's own: event-id.ts memberEventId). A scheduled one is delivered at its `sendAt`; a body
 * too large for a frame is kept in S3 (`bodyKey`) and goes out as a presigned `bodyUrl`.
 */
export interface PublishedNotification extends NotificationBase {
  readonly kind: "notification";
  readonly url?: string;
  readonly body?: string;
  /**
   * Where the body is kept instead of `body` when its frame would exceed 32 KB (an S3 key,
   * large-bodies.ts): on the item and in the events log.
   */
  readonly bodyKey?: string;
  /** A presigned GET URL of the body at `bodyKey`, added when a frame is built (linkBodies); never kept. */
  readonly bodyUrl?: string;
  /** A JSON object of the publisher's own, passed through untouched. */
  readonly data?: Readonly<Record<string, unknown>>;
}

/**
 * A message published to a group, as kept: the members it goes to, resolved at publish time
 * (someone who joins later does not get it; someone who leaves in between still does). The stream
 * handler delivers one copy per member.
 */
export interface GroupPublication extends Omit<PublishedNotification, "userId" | "to"> {
  readonly to: `group:${string}`;
  readonly members: readonly string[];
}

/** What `POST /v1/notifications` keeps: a notification to one user, or to a group. */
export type Publication = PublishedNotification | GroupPublication;

export type Notification = LikeNotification | StarNotification | PublishedNotification;

export type NotificationKind = Notification["kind"];

export const audienceOf = (userId: string): Audience => `user:${userId}`;

/** How long a notification stays replayable by `resume`. */
export const RESUME_WINDOW_SECONDS = 24 * 3_600;
