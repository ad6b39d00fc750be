/**
 * A simulated Qiita account for `npm start` without Qiita settings: a few articles whose likes
 * arrive by themselves (`tick()` on a timer), so a newcomer sees the whole path work at once.
 * With a state file (DATA_DIR/demo-account.json) the account outlives a restart, as a real one
 * does: the tables keep the counts of the last run, so an account starting over would make counts
 * go backwards and name likers the collector never saw.
 *
 * @example
 *   const demo = new DemoArticleSource(Math.random, ".live-likes/demo-account.json");
 *   setInterval(() => demo.tick(), 7_000); // the collector then finds 1-2 new likes
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { z } from "zod";
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

/** Likers kept per article (the head of the list is all the collector reads), so the file stays small. */
const KEPT_LIKERS = 500;

interface DemoArticle {
  readonly article: Omit<Article, "likesCount">;
  /** Newest first, like Qiita's likes list; the newest KEPT_LIKERS of them. */
  likers: string[];
  likesCount: number;
}

/** What DATA_DIR/demo-account.json holds. */
const demoState = z.object({
  likerSerial: z.number().int().nonnegative(),
  articles: z.array(z.object({ itemId: z.string(), likesCount: z.number().int().nonnegative(), likers: z.array(z.string()) })),
});
type DemoState = z.infer<typeof demoState>;

export class DemoArticleSource implements ArticleSource, RequestCounting {
  readonly #articles: DemoArticle[];
  readonly #random: () => number;
  readonly #stateFile: string | undefined;
  #likerSerial = 0;
  #requests = 0;

  /**
   * `random` in [0, 1) is injectable so tests can make the likes predictable. `stateFile`: where
   * the account is kept between runs (read now if present, written at every tick).
   */
  constructor(random: () => number = Math.random, stateFile?: string) {
    this.#random = random;
    this.#stateFile = stateFile;
    const saved = stateFile ? readState(stateFile) : undefined;
    this.#likerSerial = saved?.likerSerial ?? 0;
    this.#articles = TITLES.map((title, index) => {
      const itemId = (0xa1b2c3d4e5 + index * 7919).toString(16).padStart(20, "0");
      const article = { itemId, title, url: `https://qiita.com/${DEMO_USER_ID}/items/${itemId}` };
      const kept = saved?.articles.find((candidate) => candidate.itemId === itemId);
      if (kept) return { article, likers: [...kept.likers], likesCount: kept.likesCount };
      const likers = Array.from({ length: 3 + index * 2 }, () => this.#newLiker());
      return { article, likers, likesCount: likers.length };
    });
    if (stateFile && !saved) this.#save();
  }

  requestCount(): number {
    return this.#requests;
  }

  async userId(): Promise<string> {
    return DEMO_USER_ID;
  }

  async listArticles(): Promise<Article[]> {
    this.#requests++;
    return this.#articles.map(({ article, likesCount }) => ({ ...article, likesCount }));
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
    demo.likesCount += likers.length;
    demo.likers.length = Math.min(demo.likers.length, KEPT_LIKERS);
    this.#save();
    return { itemId: demo.article.itemId, likers: likers.reverse() };
  }

  #save(): void {
    if (!this.#stateFile) return;
    const state: DemoState = {
      likerSerial: this.#likerSerial,
      articles: this.#articles.map(({ article, likesCount, likers }) => ({ itemId: article.itemId, likesCount, likers })),
    };
    // Written aside and renamed, so a kill mid-write leaves the previous state, never half of one.
    const aside = `${this.#stateFile}.tmp`;
    try {
      writeFileSync(aside, JSON.stringify(state));
      renameSync(aside, this.#stateFile);
    } catch {
      // A demo that cannot save (disk full, read-only) still runs; it starts over next time.
    }
  }

  #newLiker(): string {
    const name = NAMES[Math.floor(this.#random() * NAMES.length)] ?? "reader";
    return `${name}_${++this.#likerSerial}`;
  }
}

/** The saved account, or undefined when there is none or it cannot be read (the demo starts over). */
function readState(file: string): DemoState | undefined {
  try {
    return demoState.safeParse(JSON.parse(readFileSync(file, "utf8"))).data;
  } catch {
    return undefined;
  }
}
