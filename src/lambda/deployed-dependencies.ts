/**
 * The one place that builds what the deployed handlers depend on: settings read once from the
 * environment the CDK stack sets, the AWS SDK clients, the adapters. Each entry file in this
 * folder takes what it needs, once per Lambda instance; the PURE marks let the bundler leave out
 * what an entry does not use (the connect function carries no LINE client).
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { SchedulerClient } from "@aws-sdk/client-scheduler";
import { z } from "zod";
import { ManagementApiPoster } from "#adapters/apigateway/management-api-poster.ts";
import { LambdaGroupPartDispatcher } from "#adapters/lambda/lambda-group-part-dispatcher.ts";
import { DynamoDBArticleStore } from "#adapters/dynamodb/dynamodb-article-store.ts";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { DynamoDbDeliveryLedger } from "#adapters/dynamodb/dynamodb-delivery-ledger.ts";
import { DynamoDbEventLog } from "#adapters/dynamodb/dynamodb-event-log.ts";
import { DynamoDbGroupDirectory } from "#adapters/dynamodb/dynamodb-group-directory.ts";
import { DynamoDbHotPollLease } from "#adapters/dynamodb/dynamodb-hot-poll-lease.ts";
import { DynamoDbPreferenceStore } from "#adapters/dynamodb/dynamodb-preference-store.ts";
import { DynamoDbPublicationStore } from "#adapters/dynamodb/dynamodb-publication-store.ts";
import { SesV2EmailSender } from "#adapters/ses/sesv2-email-sender.ts";
import { DynamoDbPublishKeyStore } from "#adapters/dynamodb/dynamodb-publish-key-store.ts";
import { DynamoDbRevocationStore } from "#adapters/dynamodb/dynamodb-revocation-store.ts";
import { DynamoDbRepositoryStore } from "#adapters/dynamodb/dynamodb-repository-store.ts";
import { DynamoDbSourceHealth } from "#adapters/dynamodb/dynamodb-source-health.ts";
import { GitHubClient } from "#adapters/github/github-client.ts";
import { DynamoDbRollupStore } from "#adapters/dynamodb/dynamodb-rollup-store.ts";
import { DynamoDbDigestQueue } from "#adapters/dynamodb/dynamodb-digest-queue.ts";
import { DynamoDbLineQuota } from "#adapters/dynamodb/dynamodb-line-quota.ts";
import { articlesTable, groupsTable, notificationsTable, publishKeysTable, tableName } from "#adapters/dynamodb/table-definitions.ts";
import { MessagingApiLineSender } from "#adapters/line/messaging-api-line-sender.ts";
import { QiitaClient } from "#adapters/qiita/qiita-client.ts";
import { S3BodyStore } from "#adapters/s3/s3-body-store.ts";
import { EventBridgeReleaseAlarm } from "#adapters/scheduler/eventbridge-release-alarm.ts";
import { type Account, readLineChannelToken, readLineRecipients } from "#adapters/secrets/deployed-settings.ts";
import type { ChannelChoices, DeliverBatchPorts, EmailChannel, LineTarget } from "#domain/delivery/deliver-batch.ts";
import {
  DEFAULT_LINE_MONTHLY_LIMIT,
  type LineQuotaGuard,
  limitedLineFor,
  lineQuotaGuard,
  pacedPreferencesFor,
} from "#domain/delivery/line-quota.ts";
import { CHANNEL_MODES, DEFAULT_DIGEST_HOUR, type Preferences, withDefaults } from "#domain/preferences/preferences.ts";
import type { PreferencePorts } from "#domain/preferences/update-preferences.ts";
import { LINE_MODES } from "#domain/line-mode.ts";
import type { GroupPartDispatcher } from "#domain/ports.ts";
import { SettingError } from "#domain/setting-error.ts";
import { DEFAULT_TIME_ZONE, isTimeZone } from "#domain/stats/days.ts";
import type { TimeZoneOf } from "#domain/stats/rollups.ts";
import { userTimeZones } from "#domain/stats/time-zone-of.ts";
import { DEFAULT_MAX_CONNECTIONS_PER_USER } from "#handlers/connect.handler.ts";

/** An empty variable counts as unset, as a shell user expects. */
const unsetIfEmpty = (value: unknown) => (value === "" ? undefined : value);

const environment = z.object({
  LINE_MODE: z.enum(LINE_MODES as [string, ...string[]]).default("fallback"),
  MANAGEMENT_API_ENDPOINT: z.string().url().optional(),
  MAX_CONNECTIONS_PER_USER: z.coerce.number().int().positive().default(DEFAULT_MAX_CONNECTIONS_PER_USER),
  TIME_ZONE: z.string().default(DEFAULT_TIME_ZONE).refine(isTimeZone, "is not an IANA time zone name (e.g. Asia/Tokyo, UTC)"),
  LINE_MONTHLY_LIMIT: z.coerce.number().int().positive("must be 1 or more").default(DEFAULT_LINE_MONTHLY_LIMIT),
  DIGEST_HOUR: z.coerce.number().int().min(0).max(23, "must be a whole hour from 0 to 23").default(DEFAULT_DIGEST_HOUR),
  EMAIL_MODE: z.enum(CHANNEL_MODES as [string, ...string[]]).default("fallback"),
  // The SES identity's address (the stack's emailFrom); unset: e-mail is not wired ("not-configured").
  EMAIL_FROM: z.preprocess(unsetIfEmpty, z.string().email("is not an e-mail address").optional()),
  // The page a mail links to (the stack sets the page's URL).
  PAGE_URL: z.preprocess(unsetIfEmpty, z.string().url().optional()),
});

/** The deployed settings, checked once: a wrong one fails every invocation with one clear line. */
export function deployedSettings(env: NodeJS.ProcessEnv = process.env) {
  const parsed = parseEnvironment(environment, env);
  return { ...parsed, lineMode: parsed.LINE_MODE as (typeof LINE_MODES)[number] };
}

/**
 * The hot-poll function's settings (README's table): the interval bounds and the budget share as
 * on the laptop, and the sweeps' interval, which the stack sets from collectRateMinutes.
 */
const hotPollEnvironment = z
  .object({
    SWEEP_INTERVAL_SECONDS: z.coerce.number().int().positive().default(300),
    HOT_POLL_MIN_SECONDS: z.coerce.number().positive().default(5),
    HOT_POLL_MAX_SECONDS: z.coerce.number().positive().default(60),
    HOT_POLL_BUDGET_PERCENT: z.coerce.number().min(0).max(100).default(50),
  })
  .refine((value) => value.HOT_POLL_MIN_SECONDS <= value.HOT_POLL_MAX_SECONDS, {
    path: ["HOT_POLL_MAX_SECONDS"],
    message: "must not be below HOT_POLL_MIN_SECONDS",
  });

/**
 * The collector's settings: the schedule's interval, which the stack sets from collectRateMinutes.
 * A failing source's next try is the next scheduled run, so its status says that time.
 */
export function collectSettings(env: NodeJS.ProcessEnv = process.env) {
  const parsed = parseEnvironment(z.object({ SWEEP_INTERVAL_SECONDS: z.coerce.number().int().positive().default(300) }), env);
  const every = parsed.SWEEP_INTERVAL_SECONDS * 1000;
  return { retryBackoff: { baseMs: every, capMs: every } };
}

export function hotPollSettings(env: NodeJS.ProcessEnv = process.env) {
  const parsed = parseEnvironment(hotPollEnvironment, env);
  return {
    sweepIntervalMs: parsed.SWEEP_INTERVAL_SECONDS * 1000,
    bounds: { minMs: parsed.HOT_POLL_MIN_SECONDS * 1000, maxMs: parsed.HOT_POLL_MAX_SECONDS * 1000 },
    budgetShare: parsed.HOT_POLL_BUDGET_PERCENT / 100,
  };
}

/**
 * The publish function's settings: its three tables' names, which the stack sets (bindTable). They
 * are required here, unlike elsewhere, because the fallback default names would point a deployed
 * API at tables that do not exist: every request would fail instead of the first one saying why.
 */
const publishEnvironment = z.object({
  [notificationsTable.envVar]: z.string({ required_error: "is not set" }).min(1, "is empty"),
  [publishKeysTable.envVar]: z.string({ required_error: "is not set" }).min(1, "is empty"),
  [groupsTable.envVar]: z.string({ required_error: "is not set" }).min(1, "is empty"),
});

export function publishSettings(env: NodeJS.ProcessEnv = process.env) {
  const parsed = parseEnvironment(publishEnvironment, env);
  return {
    notificationsTable: parsed[notificationsTable.envVar] as string,
    publishKeysTable: parsed[publishKeysTable.envVar] as string,
    groupsTable: parsed[groupsTable.envVar] as string,
  };
}

/**
 * The publish function's release alarm (docs/ARCHITECTURE.md "Scheduled notifications, deployed"):
 * the schedule group, the role Scheduler assumes and the release function, which the stack's
 * bindReleaseAlarm sets. Required: without them a scheduled notification would never be released.
 */
const releaseAlarmEnvironment = z.object({
  RELEASE_SCHEDULE_GROUP: z.string({ required_error: "is not set" }).min(1, "is empty"),
  RELEASE_SCHEDULER_ROLE_ARN: z.string({ required_error: "is not set" }).startsWith("arn:", "is not an ARN"),
  RELEASE_FUNCTION_ARN: z.string({ required_error: "is not set" }).startsWith("arn:", "is not an ARN"),
});

export function deployedReleaseAlarm(env: NodeJS.ProcessEnv = process.env, client?: SchedulerClient): EventBridgeReleaseAlarm {
  const parsed = parseEnvironment(releaseAlarmEnvironment, env);
  return new EventBridgeReleaseAlarm({
    groupName: parsed.RELEASE_SCHEDULE_GROUP,
    roleArn: parsed.RELEASE_SCHEDULER_ROLE_ARN,
    targetArn: parsed.RELEASE_FUNCTION_ARN,
    ...(client ? { client } : {}),
  });
}

/** The scheduled release's one setting, required for the same reason as the publish function's. */
export function releaseSettings(env: NodeJS.ProcessEnv = process.env) {
  const parsed = parseEnvironment(publishEnvironment.pick({ [notificationsTable.envVar]: true }), env);
  return { notificationsTable: parsed[notificationsTable.envVar] as string };
}

function parseEnvironment<T extends z.ZodTypeAny>(schema: T, env: NodeJS.ProcessEnv): z.output<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new SettingError(name, `${name} is "${env[name]}": ${issue.message}; fix it in the stack's deploy settings.`);
  }
  return parsed.data;
}

export const logger = /* @__PURE__ */ new Logger();
export const metrics = /* @__PURE__ */ new Metrics();
export const connections = /* @__PURE__ */ new DynamoDbConnectionStore();
export const events = /* @__PURE__ */ new DynamoDbEventLog();
export const ledger = /* @__PURE__ */ new DynamoDbDeliveryLedger();
export const revocations = /* @__PURE__ */ new DynamoDbRevocationStore();
export const articles = /* @__PURE__ */ new DynamoDBArticleStore(tableName(articlesTable));
export const repositories = /* @__PURE__ */ new DynamoDbRepositoryStore();
/** Each source's health on the accounts' `#account` items: the collector writes it, $default reads it. */
export const sourceHealth = /* @__PURE__ */ new DynamoDbSourceHealth();
export const poster = /* @__PURE__ */ new ManagementApiPoster({ endpoint: process.env.MANAGEMENT_API_ENDPOINT });
export const hotPollLease = /* @__PURE__ */ new DynamoDbHotPollLease({ tableName: tableName(articlesTable) });
/** Published notifications and their receipts: the publish function writes them, the stream function records deliveries. */
export const publications = /* @__PURE__ */ new DynamoDbPublicationStore();
export const publishKeys = /* @__PURE__ */ new DynamoDbPublishKeyStore();
export const groups = /* @__PURE__ */ new DynamoDbGroupDirectory();
export const rollups = /* @__PURE__ */ new DynamoDbRollupStore();
/** What `digest` modes owe each user until their daily digest (DIGESTS_TABLE). */
export const digests = /* @__PURE__ */ new DynamoDbDigestQueue();
const lineQuota = /* @__PURE__ */ new DynamoDbLineQuota();

/** LINE_MONTHLY_LIMIT over the deliveries table's monthly count. */
export function deployedLineQuota(): LineQuotaGuard {
  return lineQuotaGuard({ quota: lineQuota, limit: deployedSettings().LINE_MONTHLY_LIMIT });
}

/**
 * LINE under its monthly quota, for every function that pushes (stream, group part): each push
 * takes a slot first, the pace may turn LINE_MODE into `digest`, and what goes to a digest is
 * owed in the digests table. A preferences lookup deployed later is to be wrapped the same way.
 */
export function deployedLineDelivery(): Pick<DeliverBatchPorts, "lineFor" | "preferencesFor" | "digests" | "emailMode"> {
  const guard = deployedLineQuota();
  return {
    lineFor: limitedLineFor(deployedLineFor, guard),
    preferencesFor: pacedPreferencesFor(deployedPreferencesFor, guard),
    digests,
    emailMode: deployedSettings().EMAIL_MODE as ChannelChoices["email"],
  };
}

/** Each person's channel choices (PREFERENCES_TABLE) over LINE_MODE, EMAIL_MODE, TIME_ZONE and DIGEST_HOUR. */
export const preferenceStore = /* @__PURE__ */ new DynamoDbPreferenceStore();

export function deployedPreferences(): PreferencePorts {
  const settings = deployedSettings();
  const defaults: Preferences = {
    line: settings.lineMode,
    email: settings.EMAIL_MODE as Preferences["email"],
    timeZone: settings.TIME_ZONE,
    digestHour: settings.DIGEST_HOUR,
  };
  return { store: preferenceStore, defaultsFor: () => defaults };
}

/** A user's effective choices, read per batch so a change from the page holds from the next notification. */
export async function deployedPreferencesFor(userId: string): Promise<Preferences> {
  return withDefaults(await preferenceStore.get(userId), deployedPreferences().defaultsFor(userId));
}

/** E-mail through SES v2 from EMAIL_FROM (the stack's verified identity), linking to PAGE_URL; unset: not wired. */
export function deployedEmail(): EmailChannel | undefined {
  const { EMAIL_FROM, PAGE_URL } = deployedSettings();
  return EMAIL_FROM ? { sender: new SesV2EmailSender(EMAIL_FROM), pageUrl: PAGE_URL ?? "" } : undefined;
}

/** The daily rollups of `stats`, days in each person's own zone (preferences), else TIME_ZONE. */
export function deployedStats(): { readonly rollups: DynamoDbRollupStore; readonly timeZoneOf: TimeZoneOf } {
  return { rollups, timeZoneOf: userTimeZones(deployedSettings().TIME_ZONE, preferenceStore) };
}

/**
 * What every deployed delivery uses, the stream function's and the GroupPart function's alike:
 * connections, posts, the resume log, the ledger, LINE under its monthly limit, e-mail from
 * EMAIL_FROM, each person's channels, digests, and bodies kept in S3.
 */
export function deployedDelivery(): DeliverBatchPorts {
  const email = deployedEmail();
  const bodies = deployedBodies();
  return {
    connections,
    poster,
    events,
    ledger,
    lineMode: deployedSettings().lineMode,
    ...deployedLineDelivery(),
    ...(email ? { email } : {}),
    ...(bodies ? { bodies } : {}),
  };
}

/**
 * Where the parts of a large group message go (delivery/group-parts.ts): the GroupPart function
 * named by GROUP_PART_FUNCTION; without it, the stream function delivers every group itself.
 */
export function deployedGroupParts(env: NodeJS.ProcessEnv = process.env): GroupPartDispatcher | undefined {
  const functionName = env.GROUP_PART_FUNCTION;
  return functionName ? new LambdaGroupPartDispatcher({ functionName }) : undefined;
}

/**
 * Bodies too large for a frame, in the bucket BODIES_BUCKET names (the stack's bindBodies sets it):
 * the publish function puts them, the stream, group-part and $default functions presign their GET.
 * Unset: the publish API refuses such a body (413) and a record holding one fails its batch.
 */
export function deployedBodies(env: NodeJS.ProcessEnv = process.env): S3BodyStore | undefined {
  const bucket = env.BODIES_BUCKET;
  return bucket ? new S3BodyStore({ bucket }) : undefined;
}

const qiitaClients = /* @__PURE__ */ new Map<string, QiitaClient>();

/** One client per account and token for the life of the instance, so rate-limit state carries over. */
export function qiitaClientFor(account: Account): QiitaClient {
  const key = `${account.userId}\u0000${account.qiitaToken}`;
  let client = qiitaClients.get(key);
  if (!client) {
    client = new QiitaClient({ token: account.qiitaToken, userId: account.userId });
    qiitaClients.set(key, client);
  }
  return client;
}

let githubClient: { token: string; client: GitHubClient } | undefined;

/** One GitHub client per token for the life of the instance, so its login and rate-limit state carry over. */
export function githubClientFor(token: string): GitHubClient {
  if (githubClient?.token !== token) githubClient = { token, client: new GitHubClient({ token }) };
  return githubClient.client;
}

let lineSender: { token: string; sender: MessagingApiLineSender } | undefined;

/** LINE for one user: the channel token and that user's recipient from the deployed settings. */
export async function deployedLineFor(userId: string): Promise<LineTarget | undefined> {
  const [token, recipients] = await Promise.all([readLineChannelToken(), readLineRecipients()]);
  const to = recipients.get(userId);
  if (!token || !to) return undefined;
  // A rotated token gets a new client; the same token keeps its connection pool.
  if (lineSender?.token !== token) lineSender = { token, sender: new MessagingApiLineSender({ channelAccessToken: token }) };
  return { sender: lineSender.sender, to };
}
