/**
 * An ArticleSource with one account and no articles: the runtime's collector needs a source, and
 * the soak and the bench write their likes themselves, so this one keeps the collector off the
 * network and out of the way.
 */
import type { Article } from "#domain/model.ts";
import type { ArticleSource } from "#domain/ports.ts";

export class QuietArticleSource implements ArticleSource {
  constructor(private readonly account = "soak-collector") {}

  async userId(): Promise<string> {
    return this.account;
  }

  async listArticles(): Promise<Article[]> {
    return [];
  }

  async listLikers(): Promise<string[]> {
    return [];
  }
}
