/**
 * Produces likes as the collector would write them: each one a conditional write of an article
 * whose count rose by one, on the condition that the stored count is still the previous one, so
 * every like goes through the articles stream, the poller and the stream handler.
 */
import { MAX_KNOWN_LIKERS } from "#domain/collector/new-likers.ts";
import type { StoredArticle } from "#domain/model.ts";
import type { ArticleStore } from "#domain/ports.ts";
import type { SentLike } from "./protocol.ts";

export class LikeWriteError extends Error {
  constructor(key: string, cause: unknown) {
    super(`writing like ${key} failed: is DynamoDB Local still up? (see the cause)`, { cause });
    this.name = "LikeWriteError";
  }
}

export interface ProductionResult {
  readonly sent: SentLike[];
  readonly failedWrites: number;
  /** The first failed write, to show why. */
  readonly firstError?: unknown;
  readonly elapsedMs: number;
}

export class LikeProducer {
  #articles: StoredArticle[] = [];

  constructor(
    private readonly store: ArticleStore,
    private readonly writers: readonly string[],
    private readonly articlesPerWriter: number,
  ) {}

  /** Each writer's articles with no likes, written as a baseline so they announce nothing. */
  async seed(now = Date.now()): Promise<void> {
    this.#articles = this.writers.flatMap((userId) =>
      Array.from({ length: this.articlesPerWriter }, (_, index) => ({
        userId,
        itemId: `soak${String(index + 1).padStart(16, "0")}`,
        title: `Soak article ${index + 1} of ${userId}`,
        url: `https://qiita.com/${userId}/items/soak${index + 1}`,
        likesCount: 0,
        likers: [],
        lastLikers: [],
        lastDelta: 0,
        changedAt: now,
        baseline: true,
      })),
    );
    await Promise.all(this.#articles.map((article) => this.store.write(article, undefined)));
  }

  /**
   * `rate` likes a second for `seconds`, round-robin over the articles; writes of one article
   * stay in order (each is conditional on the one before), articles run side by side.
   */
  async run(rate: number, seconds: number): Promise<ProductionResult> {
    const total = Math.round(rate * seconds);
    const sent: SentLike[] = [];
    let failedWrites = 0;
    let firstError: unknown;
    const chains = this.#articles.map(() => Promise.resolve());
    const startedAt = Date.now();
    for (let like = 0; like < total; like++) {
      // Paced against the start, not the previous like, so a slow moment is caught up.
      const wait = startedAt + (like * 1_000) / rate - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const index = like % this.#articles.length;
      chains[index] = (chains[index] as Promise<void>).then(async () => {
        try {
          sent.push(await this.#like(index, like));
        } catch (error) {
          failedWrites++;
          firstError ??= error;
        }
      });
    }
    await Promise.all(chains);
    return { sent, failedWrites, firstError, elapsedMs: Date.now() - startedAt };
  }

  async #like(index: number, sequence: number): Promise<SentLike> {
    const previous = this.#articles[index] as StoredArticle;
    const liker = `fan-${sequence}`;
    const writtenAt = Date.now();
    const { baseline: _baseline, ...rest } = previous;
    const next: StoredArticle = {
      ...rest,
      likesCount: previous.likesCount + 1,
      likers: [liker, ...previous.likers].slice(0, MAX_KNOWN_LIKERS),
      lastLikers: [liker],
      lastDelta: 1,
      changedAt: writtenAt,
    };
    const key = `${next.userId}/${next.itemId}/${next.likesCount}`;
    let written: boolean;
    try {
      written = await this.store.write(next, previous.likesCount);
    } catch (error) {
      throw new LikeWriteError(key, error);
    }
    // Only this producer writes these articles: a refused condition means the soak itself is broken.
    if (!written) throw new LikeWriteError(key, new Error("the stored count was not the previous one"));
    this.#articles[index] = next;
    return { key, userId: next.userId, writtenAt };
  }
}
