/**
 * The first page a hot poller last confirmed as stored, per account, kept in memory: when Qiita's
 * next first page is the same, nothing can have changed for a hot poll to write, so the poll
 * skips its Query of the account (37.5 read units for 500 articles, the largest cost of a hot
 * poll on AWS). A new process (a cold Lambda) starts empty and Queries once.
 *
 * What it can miss: an unlike between two hot polls that a sweep already wrote, then a like back
 * to the confirmed count. Nothing notifies either way; the next sweep writes the count.
 *
 * @example
 *   const memo = new FirstPageMemo();
 *   if (memo.unchanged("alice", page)) return; // no Query, no writes
 *   memo.confirm("alice", page); // after the writes went through
 */
import type { Article } from "../model.ts";

export class FirstPageMemo {
  readonly #confirmed = new Map<string, string>();

  unchanged(userId: string, page: readonly Article[]): boolean {
    return this.#confirmed.get(userId) === digest(page);
  }

  confirm(userId: string, page: readonly Article[]): void {
    this.#confirmed.set(userId, digest(page));
  }

  forget(userId: string): void {
    this.#confirmed.delete(userId);
  }
}

function digest(page: readonly Article[]): string {
  return JSON.stringify(page.map((article) => [article.itemId, article.likesCount, article.title, article.url]));
}
