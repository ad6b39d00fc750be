/**
 * A simulated GitHub account for `npm start` without settings: a few repositories whose stars
 * arrive by themselves (`tick()` on a timer), so a newcomer sees star frames next to the likes.
 * It answers as GitHub does where it matters: a page whose ETag is unchanged is "304", so the
 * collector's idle path runs here too. With a state file (DATA_DIR/demo-github.json) the account
 * outlives a restart, like the demo Qiita account, so counts in the tables never go backwards.
 *
 * @example
 *   const demo = new DemoRepositorySource(Math.random, ".live-likes/demo-github.json");
 *   setInterval(() => demo.tick(), 11_000); // the collector then finds one new star
 */
import { createHash } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { z } from "zod";
import type { RequestCounting } from "#domain/collector/collect-account.ts";
import { GITHUB_PAGE_SIZE, type ListedPage, type ReadPage, type Repository } from "#domain/github/repository.ts";
import type { RepositorySource } from "#domain/ports.ts";

export const DEMO_GITHUB_LOGIN = "demo-coder";

const NAMES = ["live-likes", "dynamodb-streams-notes", "cdk-websocket-starter", "line-push-once"];
const STARGAZERS = ["hanako", "taro", "octocat", "mona", "alice", "bob", "carol", "dave"];
/** Stargazers kept per repository (the tail is all the collector reads), so the file stays small. */
const KEPT_STARGAZERS = 300;

interface DemoRepository {
  readonly repo: string;
  /** Oldest first, as GitHub lists stargazers; the newest KEPT_STARGAZERS of them. */
  stargazers: string[];
  stargazersCount: number;
}

/** What DATA_DIR/demo-github.json holds. */
const demoState = z.object({
  serial: z.number().int().nonnegative(),
  repositories: z.array(z.object({ repo: z.string(), stargazersCount: z.number().int().nonnegative(), stargazers: z.array(z.string()) })),
});
type DemoState = z.infer<typeof demoState>;

export class DemoRepositorySource implements RepositorySource, RequestCounting {
  readonly #repositories: DemoRepository[];
  readonly #random: () => number;
  readonly #stateFile: string | undefined;
  #serial = 0;
  #requests = 0;

  /** `random` in [0, 1) makes the stars predictable in tests; `stateFile` keeps the account between runs. */
  constructor(random: () => number = Math.random, stateFile?: string) {
    this.#random = random;
    this.#stateFile = stateFile;
    const saved = stateFile ? readState(stateFile) : undefined;
    this.#serial = saved?.serial ?? 0;
    this.#repositories = NAMES.map((name, index) => {
      const repo = `${DEMO_GITHUB_LOGIN}/${name}`;
      const kept = saved?.repositories.find((candidate) => candidate.repo === repo);
      if (kept) return { repo, stargazers: [...kept.stargazers], stargazersCount: kept.stargazersCount };
      const stargazers = Array.from({ length: 2 + index * 3 }, () => this.#newStargazer());
      return { repo, stargazers, stargazersCount: stargazers.length };
    });
    if (stateFile && !saved) this.#save();
  }

  requestCount(): number {
    return this.#requests;
  }

  async login(): Promise<string> {
    return DEMO_GITHUB_LOGIN;
  }

  async listRepositories(known: readonly ListedPage[]): Promise<ReadPage[]> {
    const all: Repository[] = this.#repositories.map(({ repo, stargazersCount }) => ({
      repo,
      url: `https://github.com/${repo}`,
      stargazersCount,
    }));
    const pages: ReadPage[] = [];
    for (let start = 0, index = 0; start === 0 || start < all.length; start += GITHUB_PAGE_SIZE, index++) {
      this.#requests++;
      const repositories = all.slice(start, start + GITHUB_PAGE_SIZE);
      const etag = `W/"${createHash("sha256").update(JSON.stringify(repositories)).digest("hex").slice(0, 32)}"`;
      const page = { etag, repos: repositories.map((r) => r.repo), hasNext: start + GITHUB_PAGE_SIZE < all.length };
      pages.push(known[index]?.etag === etag ? page : { ...page, repositories });
    }
    return pages;
  }

  async listStargazers(repo: string, _stargazersCount: number, enough: (soFar: readonly string[]) => boolean): Promise<string[]> {
    const demo = this.#repositories.find((candidate) => candidate.repo === repo);
    if (!demo) throw new Error(`The demo has no repository ${repo}.`);
    const newestFirst = [...demo.stargazers].reverse();
    const found: string[] = [];
    for (let start = 0; start === 0 || start < newestFirst.length; start += GITHUB_PAGE_SIZE) {
      this.#requests++;
      found.push(...newestFirst.slice(start, start + GITHUB_PAGE_SIZE));
      if (enough(found)) break;
    }
    return found;
  }

  /** One new star from a made-up user on one random repository. Returns it. */
  tick(): { repo: string; stargazer: string } {
    const demo = this.#repositories[Math.floor(this.#random() * this.#repositories.length)] ?? this.#repositories[0]!;
    const stargazer = this.#newStargazer();
    demo.stargazers.push(stargazer);
    demo.stargazersCount++;
    if (demo.stargazers.length > KEPT_STARGAZERS) demo.stargazers.splice(0, demo.stargazers.length - KEPT_STARGAZERS);
    this.#save();
    return { repo: demo.repo, stargazer };
  }

  #save(): void {
    if (!this.#stateFile) return;
    const state: DemoState = {
      serial: this.#serial,
      repositories: this.#repositories.map(({ repo, stargazersCount, stargazers }) => ({ repo, stargazersCount, stargazers })),
    };
    // Written aside and renamed, so a kill mid-write leaves the previous state, never half of one.
    const aside = `${this.#stateFile}.tmp`;
    try {
      writeFileSync(aside, JSON.stringify(state));
      renameSync(aside, this.#stateFile);
    } catch {
      // A demo that cannot save still runs; it starts over next time.
    }
  }

  #newStargazer(): string {
    const name = STARGAZERS[Math.floor(this.#random() * STARGAZERS.length)] ?? "stargazer";
    return `${name}-${++this.#serial}`;
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
