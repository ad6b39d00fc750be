/**
 * The articles table as the collector uses it: one Query per poll, conditional writes of changed
 * articles only, and consumed capacity totals for the benchmark.
 *
 * @example
 *   const store = new DynamoDBArticleStore(tableName(articlesTable));
 *   const snapshot = await store.load("alice"); // articles + whether the baseline was taken
 */
import type { ConsumedCapacity } from "@aws-sdk/client-dynamodb";
import { paginateQuery, PutCommand, type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { StoredArticle } from "#domain/model.ts";
import type { AccountSnapshot, ArticleStore } from "#domain/ports.ts";
import { createDocumentClient } from "./document-client.ts";

/**
 * The per-account marker lives in the account's own partition, so the one Query that reads the
 * articles also tells whether the baseline was taken. Qiita item ids never start with "#".
 * Stream consumers must skip it (it has no likesCount).
 */
export const ACCOUNT_MARKER_ITEM_ID = "#account";

export interface ConsumedUnits {
  readonly readUnits: number;
  readonly writeUnits: number;
}

export class DynamoDBArticleStore implements ArticleStore {
  #readUnits = 0;
  #writeUnits = 0;

  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient = createDocumentClient(),
  ) {}

  /** Capacity units consumed by this store since it was made (failed conditional writes excluded). */
  consumedCapacity(): ConsumedUnits {
    return { readUnits: this.#readUnits, writeUnits: this.#writeUnits };
  }

  async load(userId: string): Promise<AccountSnapshot> {
    const articles = new Map<string, StoredArticle>();
    let baselined = false;
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: "userId = :userId",
        ExpressionAttributeValues: { ":userId": userId },
        ReturnConsumedCapacity: "TOTAL",
      },
    );
    for await (const page of pages) {
      this.#readUnits += units(page.ConsumedCapacity);
      for (const item of page.Items ?? []) {
        if (item.itemId === ACCOUNT_MARKER_ITEM_ID) baselined = item.baselinedAt !== undefined;
        // Other "#" items are bookkeeping too (the hot-poll lease), never articles.
        else if (!String(item.itemId).startsWith("#")) articles.set(String(item.itemId), toStoredArticle(item));
      }
    }
    return { baselined, articles };
  }

  async write(next: StoredArticle, previousCount: number | undefined): Promise<boolean> {
    try {
      const result = await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...next },
          ...(previousCount === undefined
            ? { ConditionExpression: "attribute_not_exists(itemId)" }
            : {
                ConditionExpression: "likesCount = :previous",
                ExpressionAttributeValues: { ":previous": previousCount },
              }),
          ReturnConsumedCapacity: "TOTAL",
        }),
      );
      this.#writeUnits += units(result.ConsumedCapacity);
      return true;
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return false;
      throw error;
    }
  }

  async markBaselined(userId: string, at: number): Promise<void> {
    // An update, not a put: the marker also carries the source's health (dynamodb-source-health.ts).
    const result = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { userId, itemId: ACCOUNT_MARKER_ITEM_ID },
        UpdateExpression: "SET baselinedAt = :at",
        ExpressionAttributeValues: { ":at": at },
        ReturnConsumedCapacity: "TOTAL",
      }),
    );
    this.#writeUnits += units(result.ConsumedCapacity);
  }
}

function units(capacity: ConsumedCapacity | undefined): number {
  return capacity?.CapacityUnits ?? 0;
}

function toStoredArticle(item: Record<string, unknown>): StoredArticle {
  const strings = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  return {
    userId: String(item.userId),
    itemId: String(item.itemId),
    title: String(item.title ?? ""),
    url: String(item.url ?? ""),
    likesCount: Number(item.likesCount ?? 0),
    likers: strings(item.likers),
    lastLikers: strings(item.lastLikers),
    ...(typeof item.lastDelta === "number" ? { lastDelta: item.lastDelta } : {}),
    ...(typeof item.changedAt === "number" ? { changedAt: item.changedAt } : {}),
    ...(item.baseline === true ? { baseline: true } : {}),
  };
}
