/**
 * A simulated Qiita account for `npm start` without Qiita settings: a few articles whose likes
 * arrive by themselves (`tick()` on a timer), so a newcomer sees the whole path work at once.
 *
 * @example
 *   const demo = new DemoArticleSource();
 *   setInterval(() => demo.tick(), 7_000); // the collector then finds 1-2 new likes
 */
import type { Article } from "#domain/model.ts";
import type { ArticleSource } from "#domain/ports.ts";
import type { RequestCounting } from "#domain/collector/collect-account.ts";

export const DEMO_USER_ID = "demo-writer";

const TITLES = [
  "TypeScriptでAWS Lambdaをテストする",
  "DynamoDB Streamsで作るリアルタイム通知",
  "Building a WebSocket API with API Gateway and CDK",
  "LINE Messaging APIでプッシュ通知を送る",
  "Rate limits, retries and idempotency in practice",
];

const NAMES = ["tanaka", "suzuki", "sato", "yamada", "kobayashi", "alice", "bob", "carol", "dave", "eve"];

interface DemoArticle {
  readonly article: Omit<Article, "likesCount">;
  /** Newest first, like Qiita's likes list. */
  readonly likers: string[];
}

export class DemoArticleSource implements ArticleSource, RequestCounting {
  readonly #articles: DemoArticle[];
  readonly #random: () => number;
  #likerSerial = 0;
  #requests = 0;

  /** `random` in [0, 1) is injectable so tests can make the likes predictable. */
  constructor(random: () => number = Math.random) {
    this.#random = random;
    this.#articles = TITLES.map((title, index) => {
      const itemId = (0xa1b2c3d4e5 + index * 7919).toString(16).padStart(20, "0");
      const likers = Array.from({ length: 3 + index * 2 }, () => this.#newLiker());
      return { article: { itemId, title, url: `https://qiita.com/${DEMO_USER_ID}/items/${itemId}` }, likers };
    });
  }

  requestCount(): number {
    return this.#requests;
  }

  async userId(): Promise<string> {
    return DEMO_USER_ID;
  }

  async listArticles(): Promise<Article[]> {
    this.#requests++;
    return this.#articles.map(({ article, likers }) => ({ ...article, likesCount: likers.length }));
  }

  async listLikers(itemId: string, enough: (likersSoFar: readonly string[]) => boolean): Promise<string[]> {
    const demo = this.#articles.find(({ article }) => article.itemId === itemId);
    if (!demo) throw new Error(`The demo has no article ${itemId}.`);
    // Pages of 100, as Qiita serves them, so `enough` is honoured the same way.
    const likers: string[] = [];
    for (let start = 0; start === 0 || start < demo.likers.length; start += 100) {
      this.#requests++;
      likers.push(...demo.likers.slice(start, start + 100));
      if (enough(likers)) break;
    }
    return likers;
  }

  /** 1-2 new likes from made-up users on one random article. Returns the new likers, newest first. */
  tick(): { itemId: string; likers: string[] } {
    const demo = this.#articles[Math.floor(this.#random() * this.#articles.length)] ?? this.#articles[0]!;
    const likers = Array.from({ length: this.#random() < 0.5 ? 1 : 2 }, () => this.#newLiker());
    for (const liker of likers) demo.likers.unshift(liker);
    return { itemId: demo.article.itemId, likers: likers.reverse() };
  }

  #newLiker(): string {
    const name = NAMES[Math.floor(this.#random() * NAMES.length)] ?? "reader";
    return `${name}_${++this.#likerSerial}`;
  }
}
