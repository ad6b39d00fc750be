/**
 * End-to-end delay: an article's new like count written to the articles table, as the collector
 * writes it ─▶ DynamoDB Local stream ─▶ stream poller ─▶ stream handler ─▶ emulator ─▶ a `ws`
 * client in the client-load process. The whole `npm start` runtime, at a fixed rate of changes.
 */
import { DynamoDBArticleStore } from "#adapters/dynamodb/dynamodb-article-store.ts";
import type { StoredArticle } from "#domain/model.ts";
import { signToken } from "#domain/token.ts";
import { loadConfig } from "#local/config.ts";
import { startLocalRuntime } from "#local/runtime.ts";
import type { ClientLoad } from "../client-load/client-load.ts";
import { nowMs } from "../client-load/protocol.ts";
import type { E2eRow } from "../report/results.ts";
import { createBenchTables } from "../support/bench-tables.ts";
import { QuietArticleSource } from "#test/fakes/quiet-article-source.ts";
import { until } from "#test/support/wait-for.ts";
import { tallyDeliveries } from "./tally.ts";

export interface E2eOptions {
  readonly dynamodbEndpoint: string;
  readonly clients: ClientLoad;
  readonly rates: readonly number[];
  readonly durationSeconds: number;
  readonly log: (line: string) => void;
}

const USER = "e2e-writer";
/** More articles than changes in two seconds at the top rate, so no article is written twice at once. */
const ARTICLES = 1_000;
/** After the last write, how long a frame may still take before it counts as lost. */
const DRAIN_MS = 15_000;

export async function benchEndToEnd(options: E2eOptions): Promise<E2eRow[]> {
  const { clients, log } = options;
  // createBenchTables only reserves unique names here; the runtime ensures the same tables.
  const tables = await createBenchTables(options.dynamodbEndpoint, "e2e");
  const secret = "bench-token-secret-0123456789abcdef";
  const config = loadConfig({
    PORT: "0",
    DYNAMODB_ENDPOINT: options.dynamodbEndpoint,
    DATA_DIR: "memory",
    POLL_INTERVAL_SECONDS: "86400",
    // The bench writes the changes itself: no hot polls Querying its 1,000 articles while its tab is open.
    HOT_POLL_BUDGET_PERCENT: "0",
    LINE_MODE: "off",
    TOKEN_SECRET: secret,
    LOG_LEVEL: "ERROR",
    ...tables.env,
  });
  // The collector idles: the bench writes the changes itself, at its own rate.
  const runtime = await startLocalRuntime(config, { source: new QuietArticleSource(USER) });
  const store = new DynamoDBArticleStore(tables.articles, tables.doc);
  const counts = new Map<string, number>();
  const rows: E2eRow[] = [];
  try {
    // A silent baseline of every article, as the first poll would write it.
    const itemIds = Array.from({ length: ARTICLES }, (_, i) => `e2e${String(i).padStart(17, "0")}`);
    await inBatches(itemIds, 50, (itemId) => store.write(article(itemId, 0, { baseline: true }), undefined));
    for (const itemId of itemIds) counts.set(itemId, 0);

    const token = signToken({ userId: USER, expiresAt: Math.floor(Date.now() / 1000) + 3_600 }, secret);
    await clients.connect("e2e", `ws://127.0.0.1:${runtime.emulator.port}/?token=${token}`, 1, "each");
    const received: { key: string; at: number }[] = [];
    clients.onFrames((receipts) => {
      for (const receipt of receipts) if (receipt.key) received.push({ key: receipt.key, at: receipt.first });
    });

    for (const rate of options.rates) {
      received.length = 0;
      const sent = new Map<string, number>();
      const total = rate * options.durationSeconds;
      const writes: Promise<unknown>[] = [];
      const start = nowMs();
      for (let i = 0; i < total; i++) {
        const due = start + (i * 1_000) / rate;
        const wait = due - nowMs();
        if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
        const itemId = itemIds[i % ARTICLES] as string;
        const previous = counts.get(itemId) as number;
        counts.set(itemId, previous + 1);
        sent.set(`${itemId}:${previous + 1}`, nowMs());
        writes.push(store.write(article(itemId, previous + 1, { liker: `liker-${i}` }), previous));
      }
      const written = await Promise.all(writes);
      const refused = written.filter((ok) => ok === false).length;
      if (refused > 0) throw new Error(`end-to-end at ${rate}/s: ${refused} conditional writes were refused; the bench raced itself`);
      await until(() => (new Set(received.map((r) => r.key)).size >= sent.size ? true : undefined), {
        timeoutMs: DRAIN_MS,
        intervalMs: 100,
      });
      // Late duplicates (a retried batch) arrive after the last first-delivery: give them a moment.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const row = tallyDeliveries(rate, options.durationSeconds, sent, received);
      log(
        `end-to-end ${rate}/s: p50 ${row.p50_ms} p95 ${row.p95_ms} p99 ${row.p99_ms} max ${row.max_ms} ms; sent ${row.sent} delivered ${row.delivered} lost ${row.lost} duplicated ${row.duplicated}`,
      );
      rows.push(row);
    }
    clients.onFrames(undefined);
    await clients.close("e2e");
  } finally {
    await runtime.stop();
    tables.client.destroy();
  }
  return rows;
}

function article(itemId: string, likesCount: number, extra: { baseline?: boolean; liker?: string }): StoredArticle {
  const likers = extra.liker ? [extra.liker] : [];
  return {
    userId: USER,
    itemId,
    title: `Article ${itemId}`,
    url: `https://qiita.com/${USER}/items/${itemId}`,
    likesCount,
    likers,
    lastLikers: likers,
    lastDelta: extra.baseline ? 0 : 1,
    changedAt: Date.now(),
    ...(extra.baseline ? { baseline: true } : {}),
  };
}

async function inBatches<T>(items: readonly T[], size: number, work: (item: T) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += size) await Promise.all(items.slice(start, start + size).map(work));
}
