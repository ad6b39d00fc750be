/**
 * The sources' health, deployed: an attribute `health` on the `#account` item each source's
 * collector already owns (articles table for "qiita", repositories table for "github"). The
 * collector writes it only when it says something new (healthToRecord); $default reads it with
 * one GetItem per source for a tab's status frame.
 *
 * Why on `#account`: the item exists once per watched account, the stores skip every "#" item, and
 * the streams' filters (NewImage.lastDelta > 0) never deliver it; an UpdateItem of `health` keeps
 * `baselinedAt` and the baseline's UpdateItem keeps `health`.
 *
 * @example
 *   const health = new DynamoDbSourceHealth({ articlesTable: "live-likes-articles", repositoriesTable: "live-likes-repositories" });
 *   await health.statuses("alice"); // [{ name: "qiita", state: "failing", since, message }]
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type SourceHealth, type SourceHealthReader, type SourceHealthStore, sourceStatus } from "#domain/collector/source-health.ts";
import type { SourceStatus } from "#domain/frames.ts";
import { createDocumentClient } from "./document-client.ts";
import { ACCOUNT_MARKER_ITEM_ID } from "./dynamodb-article-store.ts";
import { REPOSITORY_ACCOUNT_ITEM } from "./dynamodb-repository-store.ts";
import { articlesTable, repositoriesTable, tableName } from "./table-definitions.ts";

/** The sources in the order the status frame lists them (the laptop's order too). */
const SOURCES = ["qiita", "github"] as const;
type Source = (typeof SOURCES)[number];

export class DynamoDbSourceHealth implements SourceHealthStore, SourceHealthReader {
  readonly #client: DynamoDBDocumentClient;
  readonly #tables: Record<Source, string>;
  readonly #now: () => number;

  constructor(options: { articlesTable?: string; repositoriesTable?: string; client?: DynamoDBDocumentClient; now?: () => number } = {}) {
    this.#client = options.client ?? createDocumentClient();
    this.#tables = {
      qiita: options.articlesTable ?? tableName(articlesTable),
      github: options.repositoriesTable ?? tableName(repositoriesTable),
    };
    this.#now = options.now ?? Date.now;
  }

  async read(source: string, userId: string): Promise<SourceHealth | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#tables[known(source)], Key: keyOf(known(source), userId), ProjectionExpression: "health" }),
    );
    return toHealth(source, Item?.health);
  }

  async write(source: string, userId: string, health: SourceHealth): Promise<void> {
    const { name, state, since, retryAt, message, failures } = health;
    await this.#client.send(
      new UpdateCommand({
        TableName: this.#tables[known(source)],
        Key: keyOf(known(source), userId),
        UpdateExpression: "SET health = :health",
        ExpressionAttributeValues: {
          ":health": { name, state, since, message, failures, ...(retryAt !== undefined ? { retryAt } : {}) },
        },
      }),
    );
  }

  /**
   * What a tab is told: the recorded sources only. A source with nothing recorded (not watching
   * this user, or not polled yet) has no entry; a retry time already past is left out ("retrying").
   */
  async statuses(userId: string): Promise<readonly SourceStatus[]> {
    const now = this.#now();
    const healths = await Promise.all(SOURCES.map((source) => this.read(source, userId)));
    return healths.flatMap((health) => {
      if (!health) return [];
      const current = health.retryAt !== undefined && health.retryAt <= now ? { ...health, retryAt: undefined } : health;
      return [sourceStatus(current)];
    });
  }
}

function known(source: string): Source {
  if (!(SOURCES as readonly string[]).includes(source)) throw new Error(`no health is kept for the source "${source}"`);
  return source as Source;
}

function keyOf(source: Source, userId: string): Record<string, string> {
  return source === "qiita" ? { userId, itemId: ACCOUNT_MARKER_ITEM_ID } : { userId, repo: REPOSITORY_ACCOUNT_ITEM };
}

/** The stored map, or undefined when there is none or it is not one we wrote. */
function toHealth(name: string, value: unknown): SourceHealth | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const item = value as Record<string, unknown>;
  if (item.state !== "ok" && item.state !== "failing" && item.state !== "rate-limited") return undefined;
  if (typeof item.since !== "number") return undefined;
  return {
    name,
    state: item.state,
    since: item.since,
    ...(typeof item.retryAt === "number" ? { retryAt: item.retryAt } : {}),
    message: String(item.message ?? ""),
    failures: typeof item.failures === "number" ? item.failures : 0,
  };
}
