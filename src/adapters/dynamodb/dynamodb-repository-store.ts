/**
 * The repositories table as the GitHub collector uses it: the account's "#" items (baseline mark,
 * one `#page#NNNN` per page of the repository list with its ETag) read alone by an idle poll,
 * one Query of the partition when something changed, conditional writes of changed repositories.
 *
 * Why the ETags live in the table, one item per page: the next poll, on this machine after a
 * restart or in another Lambda instance, must send the same `If-None-Match` to be answered 304;
 * an item per page means a star rewrites one small item, not the ETags of every page.
 *
 * @example
 *   const store = new DynamoDbRepositoryStore({ tableName: "live-likes-repositories" });
 *   const { baselined, pages } = await store.listing("alice"); // what the last poll read
 */
import type { ConsumedCapacity } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, paginateQuery, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ListedPage, ReadPage, RepositorySnapshot, StoredRepository } from "#domain/github/repository.ts";
import type { RepositoryStore } from "#domain/ports.ts";
import { createDocumentClient } from "./document-client.ts";
import type { ConsumedUnits } from "./dynamodb-article-store.ts";
import { repositoriesTable, tableName } from "./table-definitions.ts";

/** The baseline mark; "#" sorts below every GitHub owner name, so the "#" items come first in the partition. */
export const REPOSITORY_ACCOUNT_ITEM = "#account";
const PAGE_PREFIX = "#page#";
/** `#page#0001`: sorts in page order. */
const pageKey = (index: number) => `${PAGE_PREFIX}${String(index + 1).padStart(4, "0")}`;

export class DynamoDbRepositoryStore implements RepositoryStore {
  readonly #tableName: string;
  readonly #client: DynamoDBDocumentClient;
  #readUnits = 0;
  #writeUnits = 0;

  constructor(options: { tableName?: string; client?: DynamoDBDocumentClient } = {}) {
    this.#tableName = options.tableName ?? tableName(repositoriesTable);
    this.#client = options.client ?? createDocumentClient();
  }

  /** Capacity units consumed by this store since it was made (failed conditional writes excluded). */
  consumedCapacity(): ConsumedUnits {
    return { readUnits: this.#readUnits, writeUnits: this.#writeUnits };
  }

  async listing(userId: string): Promise<{ baselined: boolean; pages: ListedPage[] }> {
    // "$" is the character after "#": the range holds exactly the "#" items.
    const items = await this.#query(userId, "userId = :userId AND repo BETWEEN :first AND :last", { ":first": "#", ":last": "$" });
    let baselined = false;
    const pages: ListedPage[] = [];
    for (const item of items) {
      if (item.repo === REPOSITORY_ACCOUNT_ITEM) baselined = item.baselinedAt !== undefined;
      else if (String(item.repo).startsWith(PAGE_PREFIX)) pages.push(toPage(item));
    }
    return { baselined, pages };
  }

  async load(userId: string): Promise<RepositorySnapshot> {
    const repositories = new Map<string, StoredRepository>();
    let baselinedAt: number | undefined;
    for (const item of await this.#query(userId, "userId = :userId", {})) {
      if (item.repo === REPOSITORY_ACCOUNT_ITEM) baselinedAt = typeof item.baselinedAt === "number" ? item.baselinedAt : undefined;
      else if (!String(item.repo).startsWith("#")) repositories.set(String(item.repo), toStoredRepository(item));
    }
    return { baselined: baselinedAt !== undefined, ...(baselinedAt !== undefined ? { baselinedAt } : {}), repositories };
  }

  async write(next: StoredRepository, previousCount: number | undefined): Promise<boolean> {
    try {
      const result = await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { ...next },
          ...(previousCount === undefined
            ? { ConditionExpression: "attribute_not_exists(repo)" }
            : { ConditionExpression: "stargazersCount = :previous", ExpressionAttributeValues: { ":previous": previousCount } }),
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

  async saveListing(
    userId: string,
    listing: { readonly pages: readonly ReadPage[]; readonly previousPageCount: number; readonly baselinedAt?: number },
  ): Promise<void> {
    const { pages, previousPageCount, baselinedAt } = listing;
    const puts: Record<string, unknown>[] = pages.flatMap((page, index) =>
      page.repositories === undefined
        ? []
        : [{ userId, repo: pageKey(index), etag: page.etag, repos: [...page.repos], hasNext: page.hasNext }],
    );
    const stale = Array.from({ length: Math.max(0, previousPageCount - pages.length) }, (_, i) => pageKey(pages.length + i));
    await Promise.all([
      ...puts.map(async (Item) => {
        const result = await this.#client.send(new PutCommand({ TableName: this.#tableName, Item, ReturnConsumedCapacity: "TOTAL" }));
        this.#writeUnits += units(result.ConsumedCapacity);
      }),
      // An update, not a put: the mark also carries GitHub's health (dynamodb-source-health.ts).
      ...(baselinedAt === undefined
        ? []
        : [
            (async () => {
              const result = await this.#client.send(
                new UpdateCommand({
                  TableName: this.#tableName,
                  Key: { userId, repo: REPOSITORY_ACCOUNT_ITEM },
                  UpdateExpression: "SET baselinedAt = :at",
                  ExpressionAttributeValues: { ":at": baselinedAt },
                  ReturnConsumedCapacity: "TOTAL",
                }),
              );
              this.#writeUnits += units(result.ConsumedCapacity);
            })(),
          ]),
      ...stale.map(async (repo) => {
        const result = await this.#client.send(
          new DeleteCommand({ TableName: this.#tableName, Key: { userId, repo }, ReturnConsumedCapacity: "TOTAL" }),
        );
        this.#writeUnits += units(result.ConsumedCapacity);
      }),
    ]);
  }

  async #query(userId: string, condition: string, values: Record<string, string>): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    const pages = paginateQuery(
      { client: this.#client },
      {
        TableName: this.#tableName,
        KeyConditionExpression: condition,
        ExpressionAttributeValues: { ":userId": userId, ...values },
        ReturnConsumedCapacity: "TOTAL",
      },
    );
    for await (const page of pages) {
      this.#readUnits += units(page.ConsumedCapacity);
      items.push(...(page.Items ?? []));
    }
    return items;
  }
}

function units(capacity: ConsumedCapacity | undefined): number {
  return capacity?.CapacityUnits ?? 0;
}

function toPage(item: Record<string, unknown>): ListedPage {
  return { etag: String(item.etag ?? ""), repos: Array.isArray(item.repos) ? item.repos.map(String) : [], hasNext: item.hasNext === true };
}

function toStoredRepository(item: Record<string, unknown>): StoredRepository {
  const strings = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  return {
    userId: String(item.userId),
    repo: String(item.repo),
    url: String(item.url ?? ""),
    stargazersCount: Number(item.stargazersCount ?? 0),
    stargazers: strings(item.stargazers),
    lastStargazers: strings(item.lastStargazers),
    lastDelta: Number(item.lastDelta ?? 0),
    changedAt: Number(item.changedAt ?? 0),
    ...(item.baseline === true ? { baseline: true as const } : {}),
  };
}
