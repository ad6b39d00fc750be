/**
 * `npm run soak`: the local runtime under load. 1,000 real WebSocket clients (in their own
 * process) on a handful of writers, 50 likes/s written to the articles table as the collector
 * writes them, a tenth of the clients dropping abruptly and resuming; then it counts what every
 * client got against what it was owed. Exits 1 when a like was lost or shown twice.
 *
 * 1. Start DynamoDB Local, then the runtime in-process on it (free ports, in memory, collector idle).
 * 2. Open every client and let it settle; seed the articles as a silent baseline.
 * 3. Write likes at the rate for the duration while clients drop and resume.
 * 4. Wait (with a deadline) until every client has all it is owed and the stream is drained.
 * 5. Close every client, count connection rows left behind, print the result.
 */
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoDBArticleStore } from "#adapters/dynamodb/dynamodb-article-store.ts";
import { createDocumentClient } from "#adapters/dynamodb/document-client.ts";
import { signToken } from "#domain/token.ts";
import { startDynamoDbLocal } from "#local/aws/dynamodb-local.ts";
import { DEFAULT_MAX_SOCKETS, loadConfig } from "#local/config.ts";
import { startLocalRuntime, type LocalRuntime } from "#local/runtime.ts";
import { QuietArticleSource } from "#test/fakes/quiet-article-source.ts";
import { ClientProcess } from "#test/support/client-process.ts";
import { settlesWithin, until } from "#test/support/wait-for.ts";
import { LikeProducer } from "./soak/like-producer.ts";
import { parseSoakOptions, SOAK_USAGE, SoakUsageError } from "./soak/options.ts";
import type { FromClients, Tally, ToClients } from "./soak/protocol.ts";
import { formatReport, passed } from "./soak/report.ts";

/** A fixed secret: the soak mints its own tokens and keeps nothing. */
const TOKEN_SECRET = "soak-token-secret-not-for-production";
const OPEN_TIMEOUT_MS = 180_000;
const CLOSE_TIMEOUT_MS = 60_000;
/** How long closed connections get to have their rows removed by $disconnect. */
const STALE_ROW_DEADLINE_MS = 15_000;
const PROGRESS_EVERY_MS = 10_000;
/** A tally walks every owed frame: once a second keeps it from competing with the server. */
const TALLY_EVERY_MS = 1_000;
const TALLY_TIMEOUT_MS = 30_000;

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(SOAK_USAGE);
    return 0;
  }
  const options = parseSoakOptions(argv);
  const progress = (text: string) => console.error(`[soak] ${text}`);

  // 1. The soak writes likes itself, so it starts DynamoDB Local and holds its key.
  progress("starting DynamoDB Local, then the local runtime (emulator, stream poller)…");
  const dynamo = await startDynamoDbLocal({ port: 0 });
  const config = loadConfig({
    PORT: "0",
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    AWS_REGION: dynamo.region,
    AWS_ACCESS_KEY_ID: dynamo.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: dynamo.credentials.secretAccessKey,
    DATA_DIR: "memory",
    TOKEN_SECRET,
    // The soak writes its own likes; the collector polls its quiet account once at start, and
    // makes no hot polls (issue 11) while the soak's tabs are open.
    POLL_INTERVAL_SECONDS: "86400",
    HOT_POLL_BUDGET_PERCENT: "0",
    // A writer's clients are hundreds of tabs of one user here, far above a person's 20; a
    // reconnect may arrive before the dropped socket's row is gone, hence the whole count.
    MAX_CONNECTIONS_PER_USER: String(options.connections),
    MAX_SOCKETS: String(Math.max(DEFAULT_MAX_SOCKETS, 2 * options.connections)),
  });
  const runtime: LocalRuntime = await startLocalRuntime(config, { source: new QuietArticleSource(), logLevel: "ERROR" }).catch(
    async (error: unknown) => {
      await dynamo.stop();
      throw error;
    },
  );
  const clients = ClientProcess.start<ToClients, FromClients>(new URL("./soak/clients.ts", import.meta.url));
  const tally = async () => (await clients.request({ type: "tally" }, "tally", TALLY_TIMEOUT_MS)).tally;
  const stopAll = async () => {
    clients.stop();
    await runtime.stop();
    await dynamo.stop();
  };
  process.once("SIGINT", () => void stopAll().finally(() => process.exit(130)));

  try {
    // 2.
    const writers = Array.from({ length: options.writers }, (_, index) => `soak-writer-${index + 1}`);
    const expiresAt = Math.floor(Date.now() / 1000) + 6 * 3_600;
    progress(`opening ${options.connections} connections…`);
    const plan = {
      url: runtime.websocketUrl,
      writers: writers.map((userId) => ({ userId, token: signToken({ userId, expiresAt }, runtime.tokenSecret) })),
      connections: options.connections,
      dropFraction: options.dropFraction,
      dropWindowMs: options.seconds * 1000,
      seed: options.seed,
    };
    const opened = await clients.request({ type: "open", plan }, "opened", OPEN_TIMEOUT_MS);
    if (opened.failed > 0)
      throw new Error(
        `${opened.failed} of ${options.connections} connections could not open: lower --connections or look at the emulator's errors above`,
      );
    const doc = createDocumentClient({ endpoint: dynamo.endpoint, region: dynamo.region, credentials: { ...dynamo.credentials } });
    const producer = new LikeProducer(new DynamoDBArticleStore(config.tables.articles, doc), writers, options.articlesPerWriter);
    await producer.seed();
    await runtime.poller.drained();

    // 3.
    progress(`writing ${options.rate} likes/s for ${options.seconds} s…`);
    // Starts the drop schedule.
    clients.send({ type: "go" });
    const production = await producer.run(options.rate, options.seconds);
    clients.send({ type: "sent", likes: production.sent });
    const lastLikeAt = Date.now();

    // 4. Settled: every client online, no resume in flight, nothing owed missing, stream caught up.
    progress("waiting for every client to have what it is owed…");
    const drainDeadline = lastLikeAt + options.drainSeconds * 1000;
    let lastProgressAt = Date.now();
    const settled: Tally | undefined = await until(
      async () => {
        const now = await tally();
        if (Date.now() - lastProgressAt >= PROGRESS_EVERY_MS) {
          lastProgressAt = Date.now();
          progress(`${now.delivered} of ${now.expected} owed frames delivered, ${now.settled} of ${now.clients} clients settled`);
        }
        if (now.lost > 0 || now.settled < now.clients) return undefined;
        return (await settlesWithin(runtime.poller.drained(), Math.max(0, drainDeadline - Date.now()))) ? now : undefined;
      },
      { timeoutMs: drainDeadline - Date.now(), intervalMs: TALLY_EVERY_MS },
    );
    const drainMs = Date.now() - lastLikeAt;
    // A retried batch could still re-post after that: count duplicates once the stream is quiet.
    await settlesWithin(runtime.poller.drained(), 30_000);
    const final = await tally();

    // 5.
    progress("closing every client…");
    // Every socket closes with a close frame, as a tab being closed does.
    await clients.request({ type: "close" }, "closed", CLOSE_TIMEOUT_MS);
    await until(() => (runtime.emulator.connectionIds().length === 0 ? true : undefined), {
      timeoutMs: STALE_ROW_DEADLINE_MS,
      intervalMs: 100,
    });
    const countRows = async () =>
      (await doc.send(new ScanCommand({ TableName: config.tables.connections, Select: "COUNT", ConsistentRead: true }))).Count ?? 0;
    const staleRows =
      (await until(async () => ((await countRows()) === 0 ? 0 : undefined), { timeoutMs: STALE_ROW_DEADLINE_MS, intervalMs: 100 })) ??
      (await countRows());

    const result = {
      options,
      production,
      tally: final,
      staleRows,
      drainMs,
      drained: settled !== undefined,
      failedRecords: runtime.poller.stats.failedRecords,
    };
    console.log(formatReport(result));
    return passed(result) ? 0 : 1;
  } finally {
    await stopAll();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof SoakUsageError ? error.message : error);
    process.exit(2);
  },
);
