/**
 * Collector cost of one steady-state poll (after the baseline poll) of accounts of several
 * sizes, with 0 and with 5 articles changed: Qiita requests and DynamoDB capacity units as
 * DynamoDB reports them (ReturnConsumedCapacity), ours against the seed way, on the fake Qiita.
 */
import { DynamoDBArticleStore } from "#adapters/dynamodb/dynamodb-article-store.ts";
import { QiitaClient } from "#adapters/qiita/qiita-client.ts";
import { collectAccount } from "#domain/collector/collect-account.ts";
import { planPoll, toStoredArticle } from "#domain/collector/plan-poll.ts";
import { PollPause } from "#domain/collector/poll-pause.ts";
import { createLimiter } from "#domain/concurrency.ts";
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { FakeQiitaServer } from "#test/fakes/fake-qiita-server.ts";
import { seedPoll } from "../baselines/seed-collector.ts";
import type { CollectorRow } from "../report/results.ts";
import { createBenchTables, type BenchTables } from "../support/bench-tables.ts";
import { monthlyPollCostUsd } from "./prices.ts";

export interface CollectorOptions {
  readonly dynamodbEndpoint: string;
  readonly sizes: readonly number[];
  readonly log: (line: string) => void;
}

const CHANGES = [0, 5] as const;

export async function benchCollector(options: CollectorOptions): Promise<CollectorRow[]> {
  const rows: CollectorRow[] = [];
  for (const size of options.sizes) {
    const userId = `writer-${size}`;
    // The budget is not what is measured here; a high one keeps every poll of the run answered.
    const qiita = await FakeQiitaServer.start({ rateLimit: 1_000_000 });
    const ours = await createBenchTables(options.dynamodbEndpoint, "collector");
    const seed = await createBenchTables(options.dynamodbEndpoint, "seed");
    try {
      qiita.addUser(userId, "our-token");
      qiita.addUser(userId, "seed-token");
      const itemIds = qiita.addArticles(userId, size, { likers: 2 });
      const source = new QiitaClient({ token: "our-token", baseUrl: qiita.baseUrl, userId });
      const store = new DynamoDBArticleStore(ours.articles, ours.doc);
      const pause = new PollPause();
      const poll = async () => {
        const requests = source.requestCount();
        const before = store.consumedCapacity();
        const summary = await collectAccount({ source, store, pause });
        const after = store.consumedCapacity();
        return {
          written: summary.written,
          qiitaRequests: source.requestCount() - requests,
          readUnits: after.readUnits - before.readUnits,
          writeUnits: after.writeUnits - before.writeUnits,
        };
      };
      // Baselines, not measured: what the first poll of either way leaves stored, batch-written
      // because DynamoDB Local takes minutes for 10,000 single conditional writes.
      const listed = await source.listArticles();
      const baseline = planPoll({ baselined: false, articles: new Map() }, listed);
      await batchPut(
        ours,
        baseline.changes.map((change) => toStoredArticle(userId, change, true, undefined, Date.now())),
      );
      await store.markBaselined(userId, Date.now());
      await batchPut(
        seed,
        listed.map((a) => ({ userId, itemId: a.itemId, likesCount: a.likesCount, title: a.title, url: a.url })),
      );

      let liker = 0;
      for (const changed of CHANGES) {
        // Spread over the list: the newest, the oldest and between (the seed way only sees its first 2,000).
        for (let i = 0; i < changed; i++) qiita.like(itemIds[Math.floor((i * itemIds.length) / changed)] as string, `new-liker-${liker++}`);
        const our = await poll();
        const theirs = await seedPoll(qiita.baseUrl, "seed-token", seed.doc, seed.articles, userId);
        if (our.written !== changed) throw new Error(`collector ${size}/${changed}: wrote ${our.written} articles, expected ${changed}`);
        const row: CollectorRow = {
          articles: size,
          changed,
          qiita_requests: our.qiitaRequests,
          read_units: our.readUnits,
          write_units: our.writeUnits,
          seed_qiita_requests: theirs.qiitaRequests,
          seed_read_units: theirs.readUnits,
          seed_write_units: theirs.writeUnits,
          seed_articles_seen: theirs.articlesSeen,
          monthly_usd: monthlyPollCostUsd(our),
          seed_monthly_usd: monthlyPollCostUsd(theirs),
        };
        options.log(
          `collector ${size} articles, ${changed} changed: ours ${row.qiita_requests} req ${row.read_units} RRU ${row.write_units} WRU; ` +
            `seed ${row.seed_qiita_requests} req ${row.seed_write_units} WRU (saw ${row.seed_articles_seen})`,
        );
        rows.push(row);
      }
    } finally {
      await qiita.close();
      ours.client.destroy();
      seed.client.destroy();
    }
  }
  return rows;
}

async function batchPut(tables: BenchTables, items: readonly object[]): Promise<void> {
  const batches: object[][] = [];
  for (let start = 0; start < items.length; start += 25) batches.push(items.slice(start, start + 25) as object[]);
  const limit = createLimiter(4);
  const put = async (batch: object[]) => {
    let requests = batch.map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const result = await tables.doc.send(new BatchWriteCommand({ RequestItems: { [tables.articles]: requests } }));
      requests = (result.UnprocessedItems?.[tables.articles] ?? []) as typeof requests;
    }
  };
  await Promise.all(batches.map((batch) => limit(() => put(batch))));
}
