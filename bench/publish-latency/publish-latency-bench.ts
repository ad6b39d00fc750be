/**
 * Publish API latency (issue 10): `POST /v1/notifications` at a fixed rate to a user with one open
 * socket, through the whole `npm start` runtime with its defaults (real HTTP to the emulator's
 * `/v1`, the publish handler's transactional write to the notifications table on DynamoDB Local,
 * its stream poller, the stream handler, the WebSocket emulator, a `ws` client in the client-load
 * process). Measured from the request sent to the frame received: p50/p95/p99/max, and every
 * accepted request's frame received exactly once.
 */
import { randomBytes } from "node:crypto";
import { DynamoDbPublishKeyStore } from "#adapters/dynamodb/dynamodb-publish-key-store.ts";
import { hashPublishKey, newPublishKey } from "#domain/publish/publish-keys.ts";
import { signToken } from "#domain/token.ts";
import { loadConfig } from "#local/config.ts";
import { startLocalRuntime } from "#local/runtime.ts";
import { QuietArticleSource } from "#test/fakes/quiet-article-source.ts";
import { until, waitFor } from "#test/support/wait-for.ts";
import type { ClientLoad } from "../client-load/client-load.ts";
import { nowMs } from "../client-load/protocol.ts";
import type { PublishLatencyRow } from "../report/results.ts";
import { createBenchTables } from "../support/bench-tables.ts";
import { tallyPublishLatency } from "./tally.ts";

export interface PublishLatencyOptions {
  readonly dynamodbEndpoint: string;
  readonly clients: ClientLoad;
  /** Requests a second. */
  readonly rate: number;
  readonly durationSeconds: number;
  readonly log: (line: string) => void;
}

const USER = "publish-latency-user";
/** After the last request, how long a frame may still take before it counts as lost. */
const DRAIN_MS = 15_000;

export async function benchPublishLatency(options: PublishLatencyOptions): Promise<PublishLatencyRow> {
  const { clients, log } = options;
  // createBenchTables only reserves unique names here; the runtime ensures the same tables.
  const tables = await createBenchTables(options.dynamodbEndpoint, "publish");
  const secret = "bench-token-secret-0123456789abcdef";
  const config = loadConfig({
    PORT: "0",
    DYNAMODB_ENDPOINT: options.dynamodbEndpoint,
    DATA_DIR: "memory",
    POLL_INTERVAL_SECONDS: "86400",
    HOT_POLL_BUDGET_PERCENT: "0",
    LINE_MODE: "off",
    TOKEN_SECRET: secret,
    LOG_LEVEL: "ERROR",
    ...tables.env,
  });
  const runtime = await startLocalRuntime(config, { source: new QuietArticleSource(USER) });
  try {
    const key = newPublishKey(randomBytes);
    await new DynamoDbPublishKeyStore({ tableName: config.tables.publishKeys, client: tables.doc }).create(
      "bench",
      hashPublishKey(key),
      Date.now(),
    );
    const publish = (title: string) =>
      fetch(`${runtime.httpUrl}/v1/notifications`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ to: `user:${USER}`, title, body: "Measured from the request sent to this frame received." }),
      });

    const token = signToken({ userId: USER, expiresAt: Math.floor(Date.now() / 1000) + 3_600 }, secret);
    await clients.connect("publish-latency", `ws://127.0.0.1:${runtime.emulator.port}/?token=${token}`, 1, "each");
    const received: { id: string; at: number }[] = [];
    clients.onFrames((receipts) => {
      for (const receipt of receipts) received.push({ id: receipt.id, at: receipt.first });
    });

    // /v1 answers 503 until the notifications stream's poller runs; one frame through proves the path.
    const warmId = await waitFor(
      async () => {
        const response = await publish("warm-up");
        return response.status === 202 ? ((await response.json()) as { id: string }).id : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: "the publish API to accept (past its 503 while starting)" },
    );
    await waitFor(() => (received.some(({ id }) => id === warmId) ? true : undefined), { timeoutMs: DRAIN_MS, what: "the warm-up frame" });
    received.length = 0;

    const total = options.rate * options.durationSeconds;
    const accepted = new Map<string, number>();
    const statuses = new Map<number, number>();
    const requests: Promise<void>[] = [];
    const start = nowMs();
    for (let i = 0; i < total; i++) {
      const wait = start + (i * 1_000) / options.rate - nowMs();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const sentAt = nowMs();
      requests.push(
        publish(`Latency ${i + 1}`).then(
          async (response) => {
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            if (response.status === 202) accepted.set(((await response.json()) as { id: string }).id, sentAt);
            else await response.body?.cancel();
          },
          () => {
            // No answer at all (a reset connection): counted under status 0.
            statuses.set(0, (statuses.get(0) ?? 0) + 1);
          },
        ),
      );
    }
    await Promise.all(requests);
    await until(() => (new Set(received.map(({ id }) => id)).size >= accepted.size ? true : undefined), {
      timeoutMs: DRAIN_MS,
      intervalMs: 100,
    });
    // Late duplicates (a retried batch) arrive after the last first delivery: give them a moment.
    await new Promise((resolve) => setTimeout(resolve, 500));
    clients.onFrames(undefined);
    await clients.close("publish-latency");

    const row = tallyPublishLatency(options.rate, options.durationSeconds, total, accepted, received);
    const refused = [...statuses].filter(([status]) => status !== 202);
    log(
      `publish API at ${options.rate}/s for ${options.durationSeconds} s: p50 ${row.p50_ms} p95 ${row.p95_ms} p99 ${row.p99_ms} max ${row.max_ms} ms; sent ${row.sent} accepted ${row.accepted} delivered ${row.delivered} lost ${row.lost} duplicated ${row.duplicated}${refused.length > 0 ? `; not accepted: ${JSON.stringify(Object.fromEntries(refused))}` : ""}`,
    );
    return row;
  } finally {
    await runtime.stop();
    tables.client.destroy();
  }
}
