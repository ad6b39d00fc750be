/** The nouns of live-likes. Plain data shared by every layer. */

/** One Qiita article as the writer's article list shows it. */
export interface Article {
  readonly itemId: string;
  readonly title: string;
  readonly url: string;
  readonly likesCount: number;
}

/**
 * An article as stored in the articles table. `likers` are the known likers, newest first
 * (capped, see MAX_KNOWN_LIKERS); `lastLikers`/`lastDelta` describe the change this write made,
 * which is what the stream handler turns into a like frame.
 */
export interface StoredArticle extends Article {
  readonly userId: string;
  readonly likers: readonly string[];
  readonly lastLikers?: readonly string[];
  readonly lastDelta?: number;
  /** Epoch ms of the write, so the stream handler can measure end-to-end delay. */
  readonly changedAt?: number;
  /** Set on items written by an account's first (silent) poll. */
  readonly baseline?: boolean;
}

/** One live WebSocket connection of a writer (a tab, a wscat session, a device). */
export interface Connection {
  readonly connectionId: string;
  readonly userId: string;
  /** Epoch ms. */
  readonly connectedAt: number;
  /** Epoch seconds: the TTL attribute. */
  readonly expiresAt: number;
}
