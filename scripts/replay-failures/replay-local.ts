/**
 * `npm run replay-failures` on the laptop: DATA_DIR/failed-records.jsonl ─▶ the real stream
 * handler (the one `npm start` runs, same tables, same LINE settings) ─▶ the file keeps only
 * what failed again.
 *
 * 1. Read the settings as `npm start` does (loadConfig) and the failure file; `--dry-run` stops
 *    here and lists what would be replayed.
 * 2. Open npm start's DynamoDB (or start its DynamoDB Local on DATA_DIR when npm start is stopped).
 * 3. Post frames through the running emulator's Management API; with npm start stopped no tab is
 *    connected, so every connection counts as gone and LINE gets what it is owed.
 * 4. Invoke the stream handler once per failed batch with the event Lambda got, reading its answer
 *    with Lambda's rules: records before the lowest reported failure are done, the rest stays.
 * 5. Rewrite the file with what is still owed (temp file + rename).
 *
 * Exactly once: the deliveries ledger skips the live fan-out of a notification that finished and
 * re-sends a claimed LINE push with its recorded retry key, so replaying twice, or replaying a
 * batch part of which had gone out, sends nothing twice.
 */
import { join } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import type { DynamoDBRecord } from "aws-lambda";
import { ManagementApiPoster } from "#adapters/apigateway/management-api-poster.ts";
import { createDocumentClient } from "#adapters/dynamodb/document-client.ts";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { DynamoDbDeliveryLedger } from "#adapters/dynamodb/dynamodb-delivery-ledger.ts";
import { DynamoDbEventLog } from "#adapters/dynamodb/dynamodb-event-log.ts";
import { MessagingApiLineSender } from "#adapters/line/messaging-api-line-sender.ts";
import type { LineTarget } from "#domain/delivery/deliver-batch.ts";
import type { FramePoster } from "#domain/ports.ts";
import { createStreamHandler } from "#handlers/stream.handler.ts";
import { invokeStreamHandler } from "#local/aws/stream-poller/batch-delivery.ts";
import type { StreamFailure } from "#local/aws/stream-poller/stream-poller.ts";
import { type LocalConfig, loadConfig } from "#local/config.ts";
import { type FailedBatch, readFailureFile, rewriteFailureFile } from "./failure-file.ts";
import { listening, openLocalDatabase, ReplayInputError } from "./local-database.ts";
import { INCLUDE_OLD_FLAG, OUTLIVED_LEDGER, outlivedLedger } from "./ledger-age.ts";
import { describeRecords, type ReplaySummary, tooOldPart } from "./summary.ts";

export const FAILURE_FILE_NAME = "failed-records.jsonl";
/** Lambda's own limit would be the function's timeout; the local poller gives 30 s too. */
const INVOCATION_TIMEOUT_MS = 30_000;

export interface LocalReplayOptions {
  readonly dryRun?: boolean;
  /** Replay batches older than the deliveries ledger too, accepting repeats (ledger-age.ts). */
  readonly includeOld?: boolean;
  readonly nowMs?: () => number;
  /** One line of output (stdout by default). */
  readonly print?: (line: string) => void;
}

export async function replayLocalFailures(
  env: Readonly<Record<string, string | undefined>>,
  { dryRun = false, includeOld = false, nowMs = Date.now, print = (line) => console.log(line) }: LocalReplayOptions = {},
): Promise<ReplaySummary> {
  // 1.
  const config = loadConfig(env);
  const { dataDir } = config;
  if (!dataDir) {
    throw new ReplayInputError("DATA_DIR=memory: npm start keeps no failure file then, so there is nothing to replay");
  }
  const file = await readFailureFile(join(dataDir, FAILURE_FILE_NAME));
  const summary: ReplaySummary = { batches: 0, delivered: 0, failing: 0, tooOld: 0, records: 0 };
  const tooOld = (records: readonly DynamoDBRecord[]) => !includeOld && outlivedLedger(records, nowMs());
  if (file.batches.length === 0) {
    print(`nothing to replay: ${file.path} holds no failed batch`);
    return summary;
  }
  if (dryRun) {
    for (const batch of file.batches) {
      summary.batches++;
      if (batch.kind === "unreadable") print(`line ${batch.line}: unreadable (${batch.reason}); would be kept as it is`);
      else if (tooOld(batch.failure.records)) {
        summary.tooOld++;
        print(`line ${batch.line}: would keep ${describeRecords(batch.failure.records)}: ${OUTLIVED_LEDGER}`);
      } else {
        summary.records += batch.failure.records.length;
        print(`line ${batch.line}: would replay ${describeRecords(batch.failure.records)} (failed with ${batch.failure.error})`);
      }
    }
    print(
      `dry run: ${summary.batches} batch(es), ${summary.records} record(s) to replay in ${file.path}; nothing sent, the file is unchanged`,
    );
    return summary;
  }

  // 2. and 3.
  const database = await openLocalDatabase({ ...config, dataDir });
  let management: ApiGatewayManagementApiClient | undefined;
  try {
    const emulatorRunning = await listening(config.port);
    // The emulator accepts any signature, but the SDK still needs a region and credentials to sign.
    management = new ApiGatewayManagementApiClient({
      endpoint: `http://localhost:${config.port}`,
      region: await database.client.config.region(),
      credentials: await database.client.config.credentials(),
    });
    if (database.startedHere) print(`npm start is not running: started its DynamoDB Local on ${dataDir} for this replay`);
    if (!emulatorRunning) {
      print(`nothing listens on PORT ${config.port}: no tab is connected, so live frames are skipped and LINE gets what it is owed`);
    }
    const handler = streamHandlerFor(
      config,
      database.client,
      emulatorRunning ? new ManagementApiPoster({ client: management }) : everyConnectionGone,
    );

    // 4.
    const kept: FailedBatch[] = [];
    for (const batch of file.batches) {
      summary.batches++;
      if (batch.kind === "unreadable") {
        summary.failing++;
        kept.push(batch);
        print(`line ${batch.line}: unreadable (${batch.reason}); kept as it is`);
        continue;
      }
      const { records } = batch.failure;
      if (tooOld(records)) {
        summary.tooOld++;
        kept.push(batch);
        print(`line ${batch.line}: ${describeRecords(records)} ${OUTLIVED_LEDGER}; kept`);
        continue;
      }
      summary.records += records.length;
      const outcome = await invokeStreamHandler(handler, records, { functionName: "replay-failures", timeoutMs: INVOCATION_TIMEOUT_MS });
      if (outcome.kind === "success") {
        summary.delivered++;
        print(`line ${batch.line}: delivered ${describeRecords(records)}`);
        continue;
      }
      summary.failing++;
      const failedFrom = outcome.kind === "partial" ? outcome.failedFrom : 0;
      const rest: DynamoDBRecord[] = records.slice(failedFrom);
      const reason = outcome.kind === "error" ? errorText(outcome.error) : "the handler reported them in batchItemFailures";
      kept.push({ kind: "failure", line: batch.line, failure: stillFailing(batch.failure, rest, reason) });
      print(
        `line ${batch.line}: ${failedFrom > 0 ? `delivered ${failedFrom}, ` : ""}still failing ${describeRecords(rest)}: ${reason}; kept`,
      );
    }

    // 5.
    await rewriteFailureFile(file, kept);
    print(
      `replayed ${summary.batches} batch(es): ${summary.delivered} delivered and removed, ${summary.failing} still failing` +
        (summary.failing > 0 ? ` (kept in ${file.path}; fix the cause the lines above name, then replay again)` : "") +
        tooOldPart(summary, INCLUDE_OLD_FLAG),
    );
    return summary;
  } finally {
    management?.destroy();
    await database.close();
  }
}

function streamHandlerFor(config: LocalConfig, dynamodb: Parameters<typeof createDocumentClient>[0], poster: FramePoster) {
  const doc = createDocumentClient(dynamodb);
  const logger = new Logger({ serviceName: "live-likes-replay", logLevel: config.logLevel });
  const line = config.line;
  const lineTarget: LineTarget | undefined = line
    ? { sender: new MessagingApiLineSender({ channelAccessToken: line.channelAccessToken, baseURL: line.baseUrl }), to: line.to }
    : undefined;
  return createStreamHandler({
    connections: new DynamoDbConnectionStore({ tableName: config.tables.connections, client: doc }),
    poster,
    events: new DynamoDbEventLog({ tableName: config.tables.events, client: doc }),
    ledger: new DynamoDbDeliveryLedger({ tableName: config.tables.deliveries, client: doc }),
    lineMode: config.lineMode,
    lineFor: async () => lineTarget,
    logger,
  });
}

/** With npm start stopped its sockets closed with it: every connection row is of a tab that left. */
const everyConnectionGone: FramePoster = { post: async () => "gone" };

function stillFailing(failure: StreamFailure, records: DynamoDBRecord[], error: string): StreamFailure {
  return { ...failure, records, error };
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
