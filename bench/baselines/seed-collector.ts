/**
 * "Usual way" reproduction, NOT project code: the Qiita-likes notifier's poll. It lists the
 * articles with Qiita's default page size (20), writes every article with a conditional update
 * on each poll (the condition tells it which counts changed), then asks for the likes of those.
 * Qiita serves at most 100 pages, so with 20 a page it never sees past 2,000 articles.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

const DEFAULT_PER_PAGE = 20;
const QIITA_MAX_PAGE = 100;

export interface SeedPoll {
  readonly qiitaRequests: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly articlesSeen: number;
  readonly changed: number;
}

interface QiitaItem {
  readonly id: string;
  readonly title: string;
  readonly url: string;
  readonly likes_count: number;
}

export async function seedPoll(
  baseUrl: string,
  token: string,
  doc: DynamoDBDocumentClient,
  table: string,
  userId: string,
): Promise<SeedPoll> {
  let qiitaRequests = 0;
  const get = async (path: string) => {
    qiitaRequests++;
    const response = await fetch(new URL(path, baseUrl), { headers: { Authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`seed poll: ${path} answered ${response.status}`);
    return { body: (await response.json()) as unknown, total: Number(response.headers.get("total-count") ?? 0) };
  };
  const items: QiitaItem[] = [];
  for (let page = 1; page <= QIITA_MAX_PAGE; page++) {
    const { body, total } = await get(`/api/v2/authenticated_user/items?page=${page}`);
    items.push(...(body as QiitaItem[]));
    if (page * DEFAULT_PER_PAGE >= total) break;
  }

  let writeUnits = 0;
  const changed: QiitaItem[] = [];
  for (const item of items) {
    try {
      const result = await doc.send(
        new UpdateCommand({
          TableName: table,
          Key: { userId, itemId: item.id },
          UpdateExpression: "SET likesCount = :count, title = :title, #url = :url",
          ConditionExpression: "attribute_not_exists(likesCount) OR likesCount <> :count",
          ExpressionAttributeNames: { "#url": "url" },
          ExpressionAttributeValues: { ":count": item.likes_count, ":title": item.title, ":url": item.url },
          ReturnValues: "UPDATED_OLD",
          ReturnConsumedCapacity: "TOTAL",
        }),
      );
      writeUnits += result.ConsumedCapacity?.CapacityUnits ?? 0;
      if (result.Attributes?.likesCount !== undefined) changed.push(item);
    } catch (error) {
      if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
      // DynamoDB bills a refused conditional write like a write (1 unit per started KB: these
      // items are well under 1 KB); DynamoDB Local does not report it, so it is counted here.
      writeUnits += 1;
    }
  }
  for (const item of changed) await get(`/api/v2/items/${item.id}/likes`);
  return { qiitaRequests, readUnits: 0, writeUnits, articlesSeen: items.length, changed: changed.length };
}
