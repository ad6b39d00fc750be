/**
 * Everything of live-likes on one machine, wired from the same handlers Lambda runs:
 * DynamoDB Local ─▶ tables ─▶ WebSocket emulator (connect/disconnect/default) ─▶ stream poller
 * (stream handler) ─▶ collector on a timer (Qiita or the demo account) ─▶ hot polls while a tab is open;
 * the publish API (`/v1`) on the emulator's port ─▶ notifications table ─▶ a second stream poller (same handler);
 * the scheduler loop releases scheduled notifications into that stream when due.
 */
import { appendFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { ManagementApiPoster } from "#adapters/apigateway/management-api-poster.ts";
import { createDocumentClient } from "#adapters/dynamodb/document-client.ts";
import { DynamoDBArticleStore } from "#adapters/dynamodb/dynamodb-article-store.ts";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { DynamoDbDeliveryLedger } from "#adapters/dynamodb/dynamodb-delivery-ledger.ts";
import { DynamoDbEventLog } from "#adapters/dynamodb/dynamodb-event-log.ts";
import { DynamoDbHotPollLease } from "#adapters/dynamodb/dynamodb-hot-poll-lease.ts";
import { DynamoDbGroupDirectory } from "#adapters/dynamodb/dynamodb-group-directory.ts";
import { DynamoDbRollupStore } from "#adapters/dynamodb/dynamodb-rollup-store.ts";
import { DynamoDbPreferenceStore } from "#adapters/dynamodb/dynamodb-preference-store.ts";
import { DynamoDbPublicationStore } from "#adapters/dynamodb/dynamodb-publication-store.ts";
import { SesV2EmailSender } from "#adapters/ses/sesv2-email-sender.ts";
import { type Preferences, withDefaults } from "#domain/preferences/preferences.ts";
import type { PreferencePorts } from "#domain/preferences/update-preferences.ts";
import { DynamoDbPublishKeyStore } from "#adapters/dynamodb/dynamodb-publish-key-store.ts";
import { DynamoDbRevocationStore } from "#adapters/dynamodb/dynamodb-revocation-store.ts";
import { type TableRole, tablesByRole } from "#adapters/dynamodb/table-definitions.ts";
import { MessagingApiLineSender } from "#adapters/line/messaging-api-line-sender.ts";
import { S3BodyStore } from "#adapters/s3/s3-body-store.ts";
import { QiitaClient } from "#adapters/qiita/qiita-client.ts";
import { DynamoDbRepositoryStore } from "#adapters/dynamodb/dynamodb-repository-store.ts";
import { GitHubClient } from "#adapters/github/github-client.ts";
import type { SourceStatus } from "#domain/frames.ts";
import { type Backoff, sourceStatus } from "#domain/collector/source-health.ts";
import { QIITA_HOURLY_LIMIT } from "#domain/collector/hot-poll.ts";
import { signToken } from "#domain/token.ts";
import type { ArticleSource, FramePoster, RepositorySource } from "#domain/ports.ts";
import type { CollectResult } from "#handlers/collect.handler.ts";
import { createConnectHandler } from "#handlers/connect.handler.ts";
import { createDefaultHandler } from "#handlers/default.handler.ts";
import { createDisconnectHandler } from "#handlers/disconnect.handler.ts";
import { createPublishHandler } from "#handlers/publish.handler.ts";
import { createGroupPartHandler } from "#handlers/group-part.handler.ts";
import { createStreamHandler } from "#handlers/stream.handler.ts";
import type { DeliverBatchPorts, EmailChannel, LineTarget } from "#domain/delivery/deliver-batch.ts";
import { limitedLineFor, lineQuotaGuard, pacedPreferencesFor } from "#domain/delivery/line-quota.ts";
import { emailDigestChannel, lineDigestChannel } from "#domain/digest/digest-channels.ts";
import { sendDigests } from "#domain/digest/send-digests.ts";
import { DynamoDbDigestQueue } from "#adapters/dynamodb/dynamodb-digest-queue.ts";
import { DynamoDbLineQuota } from "#adapters/dynamodb/dynamodb-line-quota.ts";
import { type DigestLoop, startDigestLoop } from "./digest-loop.ts";
import { userTimeZones } from "#domain/stats/time-zone-of.ts";
import { type CollectorLoop, createCollectorLoop } from "./collector-loop.ts";
import { startHotPoller } from "./hot-poller.ts";
import { type SchedulerLoop, startSchedulerLoop } from "./scheduler-loop.ts";
import type { LocalConfig, LogLevel } from "./config.ts";
import { DemoArticleSource } from "./demo/demo-article-source.ts";
import { DemoRepositorySource } from "./demo/demo-repository-source.ts";
import { createGitHubLoop, type GitHubLoop } from "./github-loop.ts";
import { startDynamoDbLocal, type DynamoDbLocal } from "./aws/dynamodb-local.ts";
import { startSesLocal } from "./aws/ses-local.ts";
import { S3_LOCAL_CREDENTIALS, S3_LOCAL_REGION, startS3Local } from "./aws/s3-local.ts";
import { lockDataDir } from "./data-dir-lock.ts";
import { assertPortFree, dynamoDbLocalHolder } from "./ports-check.ts";
import { startStreamPoller, type StreamPoller } from "./aws/stream-poller/stream-poller.ts";
import { ensureTable, latestStreamArn } from "./tables.ts";
import { resolveTokenSecret } from "./token-secret.ts";
import { startWebSocketEmulator, type WebSocketEmulator } from "./aws/websocket-api/start-websocket-emulator.ts";
import { createHttpApiAdapter } from "./aws/http-api/http-api-adapter.ts";
import { withPublishApi } from "./publish-api-route.ts";
import { createPageServer } from "./web/page-server.ts";

export interface LocalRuntime {
  /** The watched writer; undefined while the source has not answered yet (unreachable at start). */
  readonly userId: string | undefined;
  readonly demo: boolean;
  /** ws://localhost:PORT */
  readonly websocketUrl: string;
  /** http://localhost:PORT */
  readonly httpUrl: string;
  readonly dynamodbEndpoint: string;
  /** How a tool signs to see these tables, and what DynamoDB Local listens on (when started here). */
  readonly dynamodbAccess: { readonly region: string; readonly accessKeyId: string; readonly listensOn?: string };
  /** The S3 bodies too large for a frame go to: S3_ENDPOINT, or the s3rver started here (`started`). */
  readonly s3: { readonly endpoint: string; readonly bucket: string; readonly started: boolean };
  /** SES v2: SES_ENDPOINT, or the emulator started here, whose page at `endpoint` lists the mails. */
  readonly ses: { readonly endpoint: string; readonly started: boolean };
  readonly tokenSecret: string;
  readonly poller: StreamPoller;
  /** The notifications table's stream poller (published notifications). */
  readonly notificationsPoller: StreamPoller;
  /** Releases scheduled notifications when due (runs at start, then every few seconds). */
  readonly scheduler: SchedulerLoop;
  /** Sends the daily digests when due (runs at start, then every minute). */
  readonly digests: DigestLoop;
  readonly emulator: WebSocketEmulator;
  /** Runs one collector poll now (the timer then plans the next from the source's health). */
  collectNow(): Promise<CollectResult[]>;
  /** The source's health as status frames carry it (Qiita's; GitHub's when it is the only source). */
  sourceStatus(): SourceStatus;
  /** The repositories table's stream poller (stars). */
  readonly repositoriesPoller: StreamPoller;
  /** The GitHub collector; undefined when no GitHub account is watched (no GITHUB_TOKEN, not the demo). */
  readonly github: GitHubLoop | undefined;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  /** Likes in the demo arrive every this many ms. */
  readonly demoLikeEveryMs?: number;
  /** Replaces the demo/Qiita source (tests). */
  readonly source?: ArticleSource;
  /** Overrides LOG_LEVEL (tests keep quiet). */
  readonly logLevel?: LogLevel;
  /** Stream poller's wait after an empty poll. */
  readonly streamPollMs?: number;
  /** Where a change of the source's health is said in one line (npm start: the console); default the logger. */
  readonly notice?: (line: string) => void;
  /** The collector's backoff while the source fails (tests shorten it). */
  readonly backoff?: Backoff;
  /** Replaces the demo/GitHub repository source (tests). */
  readonly repositorySource?: RepositorySource;
  /** Stars in the demo arrive every this many ms. */
  readonly demoStarEveryMs?: number;
  /** Epoch ms for the digests and LINE's monthly quota (tests set the day and hour). */
  readonly clock?: () => number;
}

const webRoot = fileURLToPath(new URL("../../web/", import.meta.url));
/** Lambda's default batch size for DynamoDB Streams. */
const STREAM_BATCH_SIZE = 100;

export async function startLocalRuntime(config: LocalConfig, options: RuntimeOptions = {}): Promise<LocalRuntime> {
  const logger = new Logger({ serviceName: "live-likes-local", logLevel: options.logLevel ?? config.logLevel });
  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };

  try {
    // 0. One npm start per DATA_DIR: a second one on the same folder names the first and stops.
    const lock = config.dataDir ? await lockDataDir(config.dataDir, config.port) : undefined;
    if (lock) stops.push(() => lock.release());
    await assertPortFree(config.port, "PORT");

    // 1. DynamoDB: the one given, or DynamoDB Local (persisted unless DATA_DIR=memory).
    let dynamodbEndpoint = config.dynamodbEndpoint;
    let signing = config.dynamodbSigning;
    let listensOn: string | undefined;
    if (!dynamodbEndpoint) {
      await assertPortFree(config.dynamodbPort, "DYNAMODB_PORT", dynamoDbLocalHolder);
      const local: DynamoDbLocal = await startDynamoDbLocal({
        port: config.dynamodbPort,
        dataDir: config.dataDir ? join(config.dataDir, "dynamodb") : undefined,
      });
      stops.push(() => local.stop());
      dynamodbEndpoint = local.endpoint;
      signing = { region: local.region, credentials: local.credentials };
      listensOn = local.listensOn;
    }
    // DynamoDB Local keeps one database per access key id and region: its key acts as a password.
    const awsConfig = { endpoint: dynamodbEndpoint, region: signing.region, credentials: { ...signing.credentials } };
    const dynamodb = new DynamoDBClient(awsConfig);
    const doc = createDocumentClient(dynamodb);
    stops.push(() => dynamodb.destroy());

    // 1b. S3 for bodies too large for a frame: the server at S3_ENDPOINT, or s3rver (objects in DATA_DIR/s3).
    let s3Endpoint = config.s3.endpoint;
    let s3Signing = { region: config.s3.region ?? S3_LOCAL_REGION, credentials: { ...(config.s3.credentials ?? S3_LOCAL_CREDENTIALS) } };
    if (!s3Endpoint) {
      await assertPortFree(config.s3.port, "S3_PORT");
      const s3Local = await startS3Local({
        port: config.s3.port,
        dataDir: config.dataDir ? join(config.dataDir, "s3") : undefined,
        buckets: [config.s3.bucket],
      });
      stops.push(() => s3Local.stop());
      s3Endpoint = s3Local.endpoint;
      s3Signing = { region: s3Local.region, credentials: { ...s3Local.credentials } };
    }
    const s3 = new S3Client({ endpoint: s3Endpoint, forcePathStyle: true, ...s3Signing });
    stops.push(() => s3.destroy());
    if (config.s3.endpoint) await ensureBucket(s3, config.s3.bucket);
    const bodies = new S3BodyStore({ bucket: config.s3.bucket, client: s3 });

    // 1c. SES v2 for e-mail: SES_ENDPOINT, or aws-ses-v2-local (its page lists the mails; kept in memory).
    let sesEndpoint = config.email.sesEndpoint;
    let sesSigning = { region: signing.region, credentials: { ...signing.credentials } };
    if (!sesEndpoint) {
      await assertPortFree(config.email.sesPort, "SES_PORT");
      const sesLocal = await startSesLocal({ port: config.email.sesPort });
      stops.push(() => sesLocal.stop());
      sesEndpoint = sesLocal.endpoint;
      sesSigning = { region: sesLocal.region, credentials: { ...sesLocal.credentials } };
    }
    const ses = new SESv2Client({ endpoint: sesEndpoint, ...sesSigning });
    stops.push(() => ses.destroy());

    // 2. Tables, as infra/ declares them.
    for (const [role, definition] of Object.entries(tablesByRole)) {
      await ensureTable(dynamodb, definition, config.tables[role as TableRole]);
    }
    const connections = new DynamoDbConnectionStore({ tableName: config.tables.connections, client: doc });
    const events = new DynamoDbEventLog({ tableName: config.tables.events, client: doc });
    const articles = new DynamoDBArticleStore(config.tables.articles, doc);
    const revocations = new DynamoDbRevocationStore({ tableName: config.tables.revocations, client: doc });
    const ledger = new DynamoDbDeliveryLedger({ tableName: config.tables.deliveries, client: doc });
    const publications = new DynamoDbPublicationStore({ tableName: config.tables.notifications, client: doc });
    const publishKeys = new DynamoDbPublishKeyStore({ tableName: config.tables.publishKeys, client: doc });
    const groups = new DynamoDbGroupDirectory({ tableName: config.tables.groups, client: doc });
    // Each person's channel choices over the settings; EMAIL_TO is the address of the user served here.
    const preferenceStore = new DynamoDbPreferenceStore({ tableName: config.tables.preferences, client: doc });
    const servedUser = (): string | undefined => collector?.userId() ?? github?.userId();
    const preferences: PreferencePorts = {
      store: preferenceStore,
      defaultsFor: (userId): Preferences => ({
        line: config.lineMode,
        email: config.email.mode,
        timeZone: config.timeZone,
        digestHour: config.digestHour,
        ...(config.email.to && userId === servedUser() ? { emailAddress: config.email.to } : {}),
      }),
    };
    const preferencesFor = async (userId: string) => withDefaults(await preferenceStore.get(userId), preferences.defaultsFor(userId));
    // Daily digests and LINE's monthly quota (issue 13): what `digest` modes owe, the month's LINE count.
    const clock = options.clock ?? Date.now;
    const digestQueue = new DynamoDbDigestQueue({ tableName: config.tables.digests, client: doc, now: clock });
    const lineQuota = lineQuotaGuard({
      quota: new DynamoDbLineQuota({ tableName: config.tables.deliveries, client: doc, now: clock }),
      limit: config.lineMonthlyLimit,
      nowMs: clock,
    });
    // Daily likes and stars for `stats`, days in the person's own time zone, else TIME_ZONE.
    const stats = {
      rollups: new DynamoDbRollupStore({ tableName: config.tables.rollups, client: doc }),
      timeZoneOf: userTimeZones(config.timeZone, preferenceStore),
    };

    // 3. The WebSocket side. The Management API lives on the emulator's own port, known once it listens.
    const tokenSecret = resolveTokenSecret({ tokenSecret: config.tokenSecret, dataDir: config.dataDir });
    let management: FramePoster | undefined;
    // A first start reads the notifications stream from LATEST: what is published before its poller runs would never be delivered.
    let publishing = false;
    // Built at step 5; $default reads the source's health from it.
    let collector: CollectorLoop | undefined;
    let github: GitHubLoop | undefined;
    const githubStatuses = () => (github ? [sourceStatus(github.health())] : []);
    const poster: FramePoster = {
      post: (connectionId, frame) => (management as FramePoster).post(connectionId, frame),
    };
    const emulator = await startWebSocketEmulator({
      port: config.port,
      maxConnections: config.maxSockets,
      httpFallback: withPublishApi(
        createHttpApiAdapter(createPublishHandler({ publications, keys: publishKeys, groups, bodies, preferences, logger })),
        createPageServer({ root: webRoot }),
        () => publishing,
      ),
      routes: {
        $connect: {
          handler: createConnectHandler({
            connections,
            revocations,
            tokenSecret: async () => tokenSecret,
            maxConnectionsPerUser: config.maxConnectionsPerUser,
            logger,
          }),
        },
        $disconnect: { handler: createDisconnectHandler({ connections, logger }) },
        $default: {
          handler: createDefaultHandler({
            connections,
            events,
            poster,
            bodies,
            logger,
            sourceHealth: { statuses: async (user) => [...((await collector?.statuses(user)) ?? []), ...githubStatuses()] },
            stats,
            preferences,
          }),
          returnResponse: true,
        },
      },
      log: (message, error) => logger.error(message, { error }),
    });
    stops.push(() => emulator.close());
    await lock?.setPort(Number(new URL(emulator.url).port));
    management = new ManagementApiPoster({
      // The emulator accepts any signature, but the SDK still needs a region and credentials to sign.
      client: new ApiGatewayManagementApiClient({
        endpoint: emulator.managementEndpoint,
        region: awsConfig.region,
        credentials: awsConfig.credentials,
      }),
    });

    // 4. Stream handler behind a poller with Lambda's semantics.
    const line = config.line;
    const lineTarget: LineTarget | undefined = line
      ? { sender: new MessagingApiLineSender({ channelAccessToken: line.channelAccessToken, baseURL: line.baseUrl }), to: line.to }
      : undefined;
    // Nobody reads CloudWatch metrics on a laptop; Powertools would print them to stdout.
    process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
    // Every LINE push, live or digest, takes a slot of LINE_MONTHLY_LIMIT first.
    const lineFor = limitedLineFor(async () => lineTarget, lineQuota);
    const emailChannel: EmailChannel = {
      sender: new SesV2EmailSender(config.email.from, ses),
      pageUrl: config.email.pageUrl ?? `${emulator.managementEndpoint}/`,
    };
    const metrics = new Metrics({ namespace: "LiveLikes", serviceName: "live-likes-local" });
    // What every delivery uses, the stream's and a large group's parts alike.
    const delivery: DeliverBatchPorts = {
      connections,
      poster,
      events,
      ledger,
      lineMode: config.lineMode,
      lineFor,
      emailMode: config.email.mode,
      preferencesFor: pacedPreferencesFor(preferencesFor, lineQuota),
      email: emailChannel,
      digests: digestQueue,
      bodies,
    };
    // A large group message's parts, as deployed (group-parts.ts), but each run here in process and
    // awaited: a part that fails fails its record, and the poller's retry hands the parts on again.
    const groupPart = createGroupPartHandler({ ...delivery, logger, publications });
    const streamHandler = createStreamHandler({
      ...delivery,
      logger,
      metrics,
      publications,
      rollups: stats,
      groupParts: {
        dispatch: async (parts) => {
          for (const part of parts) await groupPart(part);
        },
      },
    });
    const failedRecordsFile = config.dataDir ? join(config.dataDir, "failed-records.jsonl") : undefined;
    // One poller per table's stream, as Lambda has one event source mapping per stream, both into the same handler.
    const pollStream = async (table: string, checkpointFile: string) =>
      startStreamPoller({
        client: new DynamoDBStreamsClient(awsConfig),
        streamArn: await latestStreamArn(dynamodb, table),
        handler: streamHandler,
        batchSize: STREAM_BATCH_SIZE,
        ...(options.streamPollMs !== undefined ? { pollIntervalMs: options.streamPollMs } : {}),
        ...(config.dataDir ? { checkpointFile: join(config.dataDir, checkpointFile) } : {}),
        onFailure: async (failure) => {
          if (!failedRecordsFile) return;
          await mkdir(config.dataDir as string, { recursive: true });
          await appendFile(failedRecordsFile, `${JSON.stringify(failure)}\n`);
        },
        logger,
      });
    const poller = await pollStream(config.tables.articles, "stream-checkpoint.json");
    stops.push(() => poller.stop());
    const notificationsPoller = await pollStream(config.tables.notifications, "notifications-stream-checkpoint.json");
    stops.push(() => notificationsPoller.stop());
    const repositoriesPoller = await pollStream(config.tables.repositories, "repositories-stream-checkpoint.json");
    stops.push(() => repositoriesPoller.stop());
    publishing = true;
    // After the poller: on a first start it reads from the stream's end, so an earlier release would be lost.
    const scheduler = startSchedulerLoop({ store: publications, logger });
    stops.push(() => scheduler.stop());
    // At start, so a digest whose hour passed while npm start was stopped goes out now.
    const digests = startDigestLoop({
      run: () =>
        sendDigests({
          backlog: digestQueue,
          ledger,
          preferencesFor,
          channels: { line: lineDigestChannel({ lineFor, noteFor: lineQuota.noteFor }), email: emailDigestChannel(emailChannel) },
          bodies,
          nowMs: clock,
        }),
      logger,
    });
    stops.push(() => digests.stop());

    // 5. The collectors: the configured Qiita account, or the demo's simulated one; with GITHUB_TOKEN alone, no Qiita at all.
    const githubOnly = !config.qiita && !options.source && config.github !== undefined;
    const demo = !config.qiita && !options.source && !githubOnly;
    // Kept in DATA_DIR so a restart continues the account the tables remember.
    const demoSource = demo
      ? new DemoArticleSource(Math.random, config.dataDir ? join(config.dataDir, "demo-account.json") : undefined)
      : undefined;
    const source: ArticleSource | undefined =
      options.source ??
      demoSource ??
      (config.qiita ? new QiitaClient({ token: config.qiita.token, baseUrl: config.qiita.baseUrl }) : undefined);
    const loop = !source
      ? undefined
      : createCollectorLoop({
          source,
          store: articles,
          connections,
          poster,
          logger,
          metrics,
          intervalMs: config.pollIntervalSeconds * 1000,
          notice: options.notice ?? ((line) => logger.warn(line)),
          ...(options.backoff ? { backoff: options.backoff } : {}),
          others: githubStatuses,
        });
    collector = loop;
    if (loop) stops.push(() => loop.stop());
    await loop?.start();
    // The GitHub collector: GITHUB_TOKEN's account, or the demo's; its stars go to the user served here (issue 12).
    const demoRepositories = demo
      ? new DemoRepositorySource(Math.random, config.dataDir ? join(config.dataDir, "demo-github.json") : undefined)
      : undefined;
    const repositorySource: RepositorySource | undefined =
      options.repositorySource ??
      demoRepositories ??
      (config.github ? new GitHubClient({ token: config.github.token, baseUrl: config.github.baseUrl }) : undefined);
    if (repositorySource) {
      const stars = createGitHubLoop({
        source: repositorySource,
        store: new DynamoDbRepositoryStore({ tableName: config.tables.repositories, client: doc }),
        connections,
        poster,
        logger,
        intervalMs: (demo ? config.pollIntervalSeconds : (config.github?.pollIntervalSeconds ?? config.pollIntervalSeconds)) * 1000,
        notice: options.notice ?? ((line) => logger.warn(line)),
        ...(loop ? { recipient: () => loop.userId(), others: () => [sourceStatus(loop.health())] } : {}),
        ...(options.backoff ? { backoff: options.backoff } : {}),
      });
      github = stars;
      stops.push(() => stars.stop());
      await stars.start();
    }
    if (demoRepositories) {
      const starTimer = setInterval(() => demoRepositories.tick(), options.demoStarEveryMs ?? 11_000);
      stops.push(() => clearInterval(starTimer));
    }
    // Hot polls of the first page while the writer has a tab open (issue 11); the demo sweeps every 3 s already.
    if (loop && source && !demo && config.hotPoll.budgetShare > 0) {
      const hot = startHotPoller({
        source,
        store: articles,
        lease: new DynamoDbHotPollLease({ tableName: config.tables.articles, client: doc }),
        connections,
        userId: () => loop.userId(),
        budget: { hourlyLimit: QIITA_HOURLY_LIMIT, share: config.hotPoll.budgetShare },
        bounds: { minMs: config.hotPoll.minSeconds * 1000, maxMs: config.hotPoll.maxSeconds * 1000 },
        sweepIntervalMs: config.pollIntervalSeconds * 1000,
        logger,
      });
      stops.push(() => hot.stop());
    }
    if (demoSource) {
      const likeTimer = setInterval(() => demoSource.tick(), options.demoLikeEveryMs ?? 4_000);
      stops.push(() => clearInterval(likeTimer));
    }

    return {
      get userId() {
        return loop ? loop.userId() : github?.userId();
      },
      demo,
      websocketUrl: emulator.url,
      httpUrl: emulator.managementEndpoint,
      dynamodbEndpoint,
      dynamodbAccess: { region: signing.region, accessKeyId: signing.credentials.accessKeyId, ...(listensOn ? { listensOn } : {}) },
      s3: { endpoint: s3Endpoint, bucket: config.s3.bucket, started: !config.s3.endpoint },
      ses: { endpoint: sesEndpoint, started: !config.email.sesEndpoint },
      tokenSecret,
      poller,
      notificationsPoller,
      scheduler,
      digests,
      emulator,
      collectNow: () => loop?.collectNow() ?? Promise.resolve([]),
      sourceStatus: () => sourceStatus((loop ?? github)!.health()),
      repositoriesPoller,
      github,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** S3_ENDPOINT's bucket, created when it is not there yet (as the tables are). */
async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if ((error as Error).name !== "BucketAlreadyOwnedByYou" && (error as Error).name !== "BucketAlreadyExists") throw error;
  }
}

/** A token for the runtime's writer, for the URL `npm start` prints; undefined while the writer is not known. */
export function welcomeToken(runtime: LocalRuntime, days = 30): string | undefined {
  const { userId } = runtime;
  if (userId === undefined) return undefined;
  const issuedAt = Math.floor(Date.now() / 1000);
  return signToken({ userId, issuedAt, expiresAt: issuedAt + days * 86_400 }, runtime.tokenSecret);
}
