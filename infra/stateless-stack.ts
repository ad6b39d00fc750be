/**
 * Everything that can be replaced without losing data: the seven functions, the WebSocket API,
 * the publish HTTP API, the streams' event sources and their failure bucket, the collector's schedule, alarms, the page.
 * The tables arrive through typed props from the stateful stack; the secret settings are SSM
 * parameters the operator puts (infra/project-parameters.ts).
 *
 *   collect (Scheduler) ──▶ articles ──stream (filtered)──▶ stream ──▶ API Gateway @connections / LINE
 *   HTTP API /v1 ──▶ publish ──▶ notifications ──stream (filtered)──▶ stream (the same function)
 *   $connect / $disconnect / $default ──▶ connect / disconnect / default
 *   open page ──hot ping every 15 s──▶ function URL ──▶ hot-poll ──▶ articles (first page)
 *   CloudFront ──▶ S3: web/ + config.json {"websocketUrl", "hotPollUrl"}
 */
import { type CfnElement, CfnOutput, Duration, Fn, RemovalPolicy, Stack, Validations, type StackProps } from "aws-cdk-lib";
import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { FilterCriteria, FilterRule, FunctionUrlAuthType, HttpMethod, StartingPosition, type FunctionUrl } from "aws-cdk-lib/aws-lambda";
import { DynamoEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from "aws-cdk-lib/aws-s3";
import type { IEmailIdentity } from "aws-cdk-lib/aws-ses";
import { Schedule, ScheduleExpression, ScheduleGroup } from "aws-cdk-lib/aws-scheduler";
import { LambdaInvoke } from "aws-cdk-lib/aws-scheduler-targets";
import type { Construct } from "constructs";
import type { DeploySettings } from "./deploy-settings.ts";
import { LiveLikesFunction } from "./live-likes-function.ts";
import { Monitoring } from "./monitoring.ts";
import { PageHosting } from "./page-hosting.ts";
import { PublishHttpApi } from "./publish-http-api.ts";
import { ProjectParameters } from "./project-parameters.ts";
import type { ProjectTable } from "./project-table.ts";
import { DUE_INDEX, digestsTable } from "#adapters/dynamodb/table-definitions.ts";
import { S3AsyncFailureDestination, S3FailureDestination } from "./s3-failure-destination.ts";
import { LiveLikesWebSocketApi, STAGE_NAME } from "./websocket-api.ts";

export interface StatelessStackProps extends StackProps {
  readonly connections: ProjectTable;
  readonly articles: ProjectTable;
  /** GitHub stars (issue 12): written by the collector, its stream read by the stream function. */
  readonly repositories: ProjectTable;
  readonly events: ProjectTable;
  readonly revocations: ProjectTable;
  readonly deliveries: ProjectTable;
  readonly notifications: ProjectTable;
  readonly publishKeys: ProjectTable;
  readonly groups: ProjectTable;
  readonly rollups: ProjectTable;
  /** What `digest` modes owe until each user's daily digest (issue 13). */
  readonly digests: ProjectTable;
  /** Each person's channel choices (issue 13). */
  readonly preferences: ProjectTable;
  /** The SES identity e-mail goes out from (settings.email); absent: no e-mail. */
  readonly emailIdentity?: IEmailIdentity;
  /** The export names of the stateful stack's bucket of bodies too large for a frame. */
  readonly bodiesExports: { readonly arn: string; readonly name: string };
  readonly settings: DeploySettings;
}

/**
 * Only stream records that the stream handler turns into a like (src/domain/like-events.ts):
 * INSERT or MODIFY whose new image carries a positive `lastDelta` (the collector writes the delta
 * each write made) and no `baseline` flag. Baseline writes, title edits, decreases, the account
 * marker (no lastDelta) and REMOVEs never invoke the function.
 */
export const NOTIFYING_RECORDS = FilterCriteria.filter({
  eventName: FilterRule.or("INSERT", "MODIFY"),
  dynamodb: {
    NewImage: {
      lastDelta: { N: [{ numeric: [">", 0] }] },
      baseline: { BOOL: FilterRule.notExists() },
    },
  },
});

/**
 * Only records the stream handler turns into a published notification
 * (src/domain/published-events.ts deliversPublication): the INSERT of an item with `kind`
 * "notification" and no `status` (sent at once). The `idem#<key>` claims written beside them (no
 * kind), a scheduled one's INSERT (`status` "scheduled"), the handler's own receipt writes (MODIFY)
 * and TTL deletions (REMOVE) never invoke the function.
 */
export const PUBLISHED_RECORDS = FilterCriteria.filter({
  eventName: FilterRule.isEqual("INSERT"),
  dynamodb: { NewImage: { kind: { S: FilterRule.isEqual("notification") }, status: { S: FilterRule.notExists() } } },
});

/**
 * The release of a scheduled notification: the MODIFY whose new image has `status` "due" and no
 * `parts` (a large group's part receipts, which leave the status as it was). The receipt sets
 * `status` "sent" and a cancel "cancelled", so neither passes; `exists` matches leaves only, hence
 * `status.S` and `parts.N`.
 */
export const RELEASED_RECORDS = FilterCriteria.filter({
  eventName: FilterRule.isEqual("MODIFY"),
  dynamodb: {
    NewImage: {
      kind: { S: FilterRule.isEqual("notification") },
      status: { S: FilterRule.isEqual("due") },
      parts: { N: FilterRule.notExists() },
    },
  },
});

/** Told apart from the other schedules by `npm run cost`. */
export const DIGEST_SCHEDULE_DESCRIPTION = "live-likes: send the daily digests that are due, every 15 minutes";

/** How long a failed batch is kept in the failure bucket to be replayed. */
export const FAILURE_RETENTION = Duration.days(30);

export class StatelessStack extends Stack {
  readonly functions: {
    readonly connect: LiveLikesFunction;
    readonly disconnect: LiveLikesFunction;
    readonly default: LiveLikesFunction;
    readonly stream: LiveLikesFunction;
    readonly groupPart: LiveLikesFunction;
    readonly collect: LiveLikesFunction;
    readonly hotPoll: LiveLikesFunction;
    readonly publish: LiveLikesFunction;
  };
  readonly publishApi: PublishHttpApi;
  readonly hotPollUrl: FunctionUrl;
  readonly webSocket: LiveLikesWebSocketApi;
  readonly parameters: ProjectParameters;
  readonly failureBucket: Bucket;
  readonly collectSchedule: Schedule;
  /**
   * The release of scheduled notifications, woken by one one-time schedule per notification that
   * the publish function creates in `releaseSchedules`, assuming `releaseSchedulerRole`.
   */
  readonly releaseScheduled: LiveLikesFunction;
  readonly releaseSchedules: ScheduleGroup;
  readonly releaseSchedulerRole: Role;
  /** The daily digests (issue 13): its function and its 15-minute schedule. */
  readonly sendDigests: LiveLikesFunction;
  readonly digestSchedule: Schedule;
  readonly page: PageHosting;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { connections, articles, events, revocations, deliveries, notifications, publishKeys, groups, settings } = props;
    const { rollups } = props;
    const { digests } = props;
    const { repositories } = props;
    const bodies = Bucket.fromBucketAttributes(this, "Bodies", {
      bucketArn: Fn.importValue(props.bodiesExports.arn),
      bucketName: Fn.importValue(props.bodiesExports.name),
    });
    const common = { logLevel: settings.logLevel, customMetrics: settings.detailedMonitoring };
    this.parameters = new ProjectParameters(this, "Parameters", { prefix: settings.parameterPrefix });
    const parameters = this.parameters;

    const connect = new LiveLikesFunction(this, "Connect", {
      entry: "connect",
      description: "$connect: verifies the subscription token and its revocation, caps connections per user, stores the connection",
      ...common,
    })
      .bindTable(connections, ["PutItem"])
      // Counts the user's open connections against MAX_CONNECTIONS_PER_USER.
      .bindTable(connections, ["Query"], { index: "byUser" })
      .bindTable(revocations, ["GetItem"])
      .bindParameter(parameters.tokenSecret);
    connect.addEnvironment("MAX_CONNECTIONS_PER_USER", String(settings.maxConnectionsPerUser));
    const disconnect = new LiveLikesFunction(this, "Disconnect", {
      entry: "disconnect",
      description: "$disconnect: deletes the connection row",
      ...common,
    }).bindTable(connections, ["DeleteItem"]);
    // Not "Default": CDK leaves that id out of logical ids, which would then collide.
    const defaultRoute = new LiveLikesFunction(this, "DefaultRoute", {
      entry: "default",
      description: "$default: ping/pong and resume (replays the last 24 h of like frames, 100 per page)",
      ...common,
      // The largest answer is one resume page: 100 posts one after another at ~10 ms round trip
      // each (1 s), plus a GetItem, an UpdateItem and one events Query (well under 1 s). 10 s is
      // five times that, and still far inside API Gateway's 29 s integration limit.
      timeout: Duration.seconds(10),
    })
      // resume reads whose connection it is, counts its resumes per minute on the row (UpdateItem),
      // and forgets the row when the replay finds the connection gone.
      .bindTable(connections, ["GetItem", "UpdateItem", "DeleteItem"])
      .bindTable(events, ["Query"])
      // stats: the user's days and items of the period, one Query.
      .bindTable(rollups, ["Query"])
      // resume presigns the GET of each replayed body kept in S3.
      .bindBodies(bodies, "read")
      // {"action":"preferences"}: the user's own row, read (GetItem) and changed (one UpdateItem).
      .bindTable(props.preferences, ["GetItem", "UpdateItem"])
      // The status frame: each source's health on the user's `#account` items, one GetItem per source.
      .bindTable(articles, ["GetItem"])
      .bindTable(repositories, ["GetItem"]);
    defaultRoute.addEnvironment("TIME_ZONE", settings.timeZone);
    channelDefaults(defaultRoute, settings);

    this.webSocket = new LiveLikesWebSocketApi(this, "WebSocket", {
      connect,
      disconnect,
      default: defaultRoute,
      setAccountLogsRole: settings.apiGatewayLogsRole,
    });
    const { api, stage } = this.webSocket;
    defaultRoute.bindManagementApi(stage);

    // What every delivering function holds (the stream's and a large group's parts alike, as
    // deployedDelivery() wires them): connections, the resume log, the ledger, receipts, digests,
    // bodies, posts, LINE (never a Qiita token), each person's channels, e-mail.
    const bindDelivery = (fn: LiveLikesFunction): LiveLikesFunction => {
      fn.bindTable(connections, ["Query"], { index: "byUser" })
        .bindTable(connections, ["DeleteItem"])
        // The event log appends a batch's likes in one BatchWriteItem (no single PutItem).
        .bindTable(events, ["BatchWriteItem"])
        // The delivery ledger: live-delivery records and LINE claims read many at a time
        // (BatchGetItem), a push and its claims written together (TransactWriteItems of Puts, with
        // ConditionCheckItem for a claim that must already exist), the push marked sent (UpdateItem).
        // LINE's monthly count is kept there too (GetItem, UpdateItem, PutItem).
        .bindTable(deliveries, ["GetItem", "BatchGetItem", "PutItem", "UpdateItem", "ConditionCheckItem"])
        // The receipt of a published notification (or of a group's part), set once on its item.
        .bindTable(notifications, ["UpdateItem"])
        // What a `digest` mode (or LINE's monthly limit) owes: one UpdateItem per notification, if_not_exists keeping its first time.
        .bindTable(digests, ["UpdateItem"])
        // Presigns the GET of each body kept in S3 as its frame's bodyUrl.
        .bindBodies(bodies, "read")
        .bindManagementApi(stage)
        .bindParameter(parameters.lineChannelToken)
        .bindParameter(parameters.lineRecipients)
        // Each user's channel choices, read once per user and batch.
        .bindTable(props.preferences, ["GetItem"]);
      channelDefaults(fn, settings);
      if (props.emailIdentity && settings.email) fn.bindEmail(props.emailIdentity, settings.email.from);
      fn.addEnvironment("LINE_MODE", settings.lineMode);
      fn.addEnvironment("LINE_MONTHLY_LIMIT", String(settings.lineMonthlyLimit));
      return fn;
    };

    const stream = new LiveLikesFunction(this, "Stream", {
      entry: "stream",
      description: "articles and notifications streams: posts frames to live connections, then LINE (once per notification)",
      ...common,
      // A batch posts to every connection with retries on throttling; a minute covers a slow
      // Management API without holding up the shard for long when something hangs.
      timeout: Duration.seconds(60),
    });
    bindDelivery(stream)
      // The daily rollups: one transaction per like or star, the counted#<id> marker put only if
      // absent (PutItem) with ADD to its day and item (UpdateItem). No read, no delete.
      .bindTable(rollups, ["PutItem", "UpdateItem"]);
    stream.addEnvironment("TIME_ZONE", settings.timeZone);

    this.failureBucket = new Bucket(this, "StreamFailures", {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Long enough to notice the e-mail, fix the cause and replay; then gone by itself.
      lifecycleRules: [{ id: "expire-failures", expiration: FAILURE_RETENTION }],
      // Kept when the stack is deleted: the failures it holds are likes nobody received yet.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.failureBucket).acknowledge({
      id: "AwsSolutions-S1",
      reason:
        "Only Lambda's event source mapping writes here and the operator reads; every new object is mailed through the alarm topic, so server access logs (a second bucket) would add nothing.",
    });
    const streamFailures = new S3FailureDestination(this.failureBucket);
    // A large group message's parts (src/domain/delivery/group-parts.ts), each its own invocation so
    // no broadcast rides one stream invocation past its minute; the stream function queues them.
    const groupPart = new LiveLikesFunction(this, "GroupPart", {
      entry: "group-part",
      description: "one part (up to 250 members) of a large group message: posts frames, then LINE, and records the part's receipt",
      ...common,
      // A part is at most 250 members × 20 connections = 5,000 posts: ~2.4 s at 64 open posts of ~30 ms.
      timeout: Duration.seconds(60),
      ...(settings.groupPartConcurrency !== undefined ? { reservedConcurrency: settings.groupPartConcurrency } : {}),
    });
    bindDelivery(groupPart);
    // Lambda retries a failed part twice, then keeps the event in the failure bucket for replay.
    groupPart.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new S3AsyncFailureDestination(this.failureBucket),
    });
    Validations.of(groupPart.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.failureBucket.node.defaultChild as CfnElement)}.Arn>/*]`,
      reason:
        "Lambda names each failed part's object at run time, so s3:PutObject is on the failure bucket's objects (and on nothing else).",
    });
    // This function only, not its versions (grantInvoke would add `:*`).
    stream.addToRolePolicy(new PolicyStatement({ actions: ["lambda:InvokeFunction"], resources: [groupPart.functionArn] }));
    stream.addEnvironment("GROUP_PART_FUNCTION", groupPart.functionName);
    stream.addEventSource(
      new DynamoEventSource(articles.table, {
        // LATEST: a new or recreated mapping must not replay up to 24 h of old likes to clients.
        startingPosition: StartingPosition.LATEST,
        // One collector run writes its changed articles within a few seconds. Waiting up to 5 s
        // gathers them into one batch, so a writer gets ONE LINE push per poll (the free plan has
        // 200 a month) and one GSI query; 5 s is small next to the 5-minute polling interval.
        maxBatchingWindow: Duration.seconds(5),
        // A poll rarely changes more than a handful of articles; 100 bounds a catch-up batch to
        // what one 60 s invocation posts comfortably, with bounded concurrency.
        batchSize: 100,
        // Order per shard is what keeps a writer's likes in order: one batch at a time.
        parallelizationFactor: 1,
        // The handler reports the records it could not deliver; only those (and later) are retried.
        reportBatchItemFailures: true,
        // A poisoned record is isolated by halving the batch instead of blocking the others.
        bisectBatchOnError: true,
        retryAttempts: 5,
        // A like announced an hour late is no longer "live": give up and record it instead.
        maxRecordAge: Duration.hours(1),
        // The whole batch (images included), so it can be replayed after the stream forgot it.
        onFailure: streamFailures,
        filters: [NOTIFYING_RECORDS],
      }),
    );
    // Stars (issue 12): the articles mapping's settings and filter, for the same handler. A star's
    // item carries the same lastDelta/baseline fields as a like's, so the same records pass.
    stream.addEventSource(
      new DynamoEventSource(repositories.table, {
        // LATEST, as the articles: a recreated mapping must not replay old stars to clients.
        startingPosition: StartingPosition.LATEST,
        // One collector run writes its changed repositories together: one batch, one LINE push.
        maxBatchingWindow: Duration.seconds(5),
        batchSize: 100,
        parallelizationFactor: 1,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 5,
        maxRecordAge: Duration.hours(1),
        onFailure: streamFailures,
        filters: [NOTIFYING_RECORDS],
      }),
    );
    // Published notifications: the articles mapping's failure handling, for the same handler.
    stream.addEventSource(
      new DynamoEventSource(notifications.table, {
        // TRIM_HORIZON, unlike the articles: the API answered 202 for every record, so a mapping
        // that starts after the first publish (it is enabled a while after the deploy) must not
        // skip it. A recreated mapping's replay is harmless: the ledger posts an id once, and
        // records over maxRecordAge go to the failure bucket instead of to clients.
        startingPosition: StartingPosition.TRIM_HORIZON,
        // No batching window: each publish is one request that wants its frame now; nothing
        // arrives in bursts to gather, as a collector run does.
        batchSize: 100,
        parallelizationFactor: 1,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 5,
        maxRecordAge: Duration.hours(1),
        onFailure: streamFailures,
        filters: [PUBLISHED_RECORDS, RELEASED_RECORDS],
      }),
    );
    Validations.of(stream.role!).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "Only dynamodb:ListStreams, which the event source mapping needs and which IAM does not scope to a resource; reading records is granted on this table's stream alone.",
    });
    Validations.of(stream.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.failureBucket.node.defaultChild as CfnElement)}.Arn>/*]`,
      reason:
        "The on-failure destination names each object by shard and time at run time, so s3:PutObject is on the failure bucket's objects (and on nothing else).",
    });

    // Shorter than the interval, so two polls never overlap and double-spend Qiita's quota.
    const collectTimeout = Duration.seconds(Math.min(settings.collectRateMinutes * 60 - 10, 120));
    const collect = new LiveLikesFunction(this, "Collect", {
      entry: "collect",
      description: "schedule: polls Qiita and GitHub, writes only the articles and repositories whose count changed",
      ...common,
      timeout: collectTimeout,
    })
      // One Query per account, then conditional PutItems of articles; the `#account` item's baseline
      // mark and Qiita's health are UpdateItems (each keeps the other), the health read by one GetItem.
      .bindTable(articles, ["Query", "PutItem", "GetItem", "UpdateItem"])
      .bindParameter(parameters.qiitaAccounts)
      // Stars: Queries of the partition, conditional PutItems, and DeleteItem of a list page past a shrunk list's end;
      // the `#account` item as for the articles (GitHub's health).
      .bindTable(repositories, ["Query", "PutItem", "DeleteItem", "GetItem", "UpdateItem"])
      .bindParameter(parameters.githubToken);
    // A failing source's next try is the next run: its status says that time.
    collect.addEnvironment("SWEEP_INTERVAL_SECONDS", String(settings.collectRateMinutes * 60));
    // No retry of a failed poll: the next scheduled one starts again from the stored counts, and
    // a retry would only spend Qiita's 1000 requests/hour sooner. Scheduler invokes
    // asynchronously, so Lambda's own async retries are turned off too.
    collect.configureAsyncInvoke({ retryAttempts: 0 });
    // EventBridge Scheduler, the recommended successor of scheduled rules: its own role that may
    // invoke only this function.
    this.collectSchedule = new Schedule(this, "CollectSchedule", {
      description: `live-likes: poll Qiita every ${settings.collectRateMinutes} min`,
      schedule: ScheduleExpression.rate(Duration.minutes(settings.collectRateMinutes)),
      target: new LambdaInvoke(collect, { retryAttempts: 0 }),
    });

    // The deployed hot polls (docs/SCALE.md): an open page pings with its token every 15 s, and
    // the pings are the rhythm; no tab, no ping, no poll.
    const hotPoll = new LiveLikesFunction(this, "HotPoll", {
      entry: "hot-poll",
      description: "function URL: an open page's hot ping; takes the account's lease and reads the first page of its articles",
      ...common,
      // Its INFO line on every ping would be ~$0.01 of a $0.10 month: only warnings and errors.
      logLevel: "WARN",
      // It waits on Qiita (one page) and two or three DynamoDB calls: 128 MB is plenty and halves the GB-seconds.
      memorySize: 128,
      // A ping every 15 s per open tab: Lambda's three lines per invocation would be most of its log bill.
      quietPlatformLog: true,
      ...(settings.hotPollConcurrency !== undefined ? { reservedConcurrency: settings.hotPollConcurrency } : {}),
    })
      // The lease (a conditional PutItem of #hot-lease), then the collector's Query and PutItems.
      .bindTable(articles, ["Query", "PutItem"])
      .bindTable(revocations, ["GetItem"])
      .bindParameter(parameters.tokenSecret)
      .bindParameter(parameters.qiitaAccounts);
    hotPoll.addEnvironment("SWEEP_INTERVAL_SECONDS", String(settings.collectRateMinutes * 60));
    this.hotPollUrl = hotPoll.addFunctionUrl({
      // The subscription token in the body is the authentication: the handler verifies it before any read.
      authType: FunctionUrlAuthType.NONE,
      cors: {
        // Any origin, because the exact one would be a cycle: the page's CSP (on the distribution)
        // names this URL, so this URL cannot name the distribution (URL → distribution → headers
        // policy → URL; Template.fromStack in the tests refuses such a template). CORS only
        // decides which pages may READ the answer (a 204, 401 or 429); any site can send a text
        // POST regardless, and only a token holder's gets past 401. The CSP's connect-src is what
        // keeps the token from leaving the page.
        allowedOrigins: ["*"],
        allowedMethods: [HttpMethod.POST],
        // Not CORS-safelisted: the page waits this long after a 429.
        exposedHeaders: ["retry-after"],
      },
    });

    // The publish API: the function checks the key and routes /v1 itself (src/handlers/publish.handler.ts).
    const publish = new LiveLikesFunction(this, "Publish", {
      entry: "publish",
      description: "HTTP API /v1: publish keys, POST /v1/notifications (validate, idempotency, one transaction), receipts",
      ...common,
    })
      // A notification and its idempotency claim are Puts (conditional) in one TransactWriteItems;
      // a repeated key and a receipt are read back with GetItem; a cancel is one conditional
      // UpdateItem (scheduled → cancelled). Nothing else on this table.
      .bindTable(notifications, ["PutItem", "GetItem", "UpdateItem"])
      // The Bearer key's hash item: one consistent GetItem per request.
      .bindTable(publishKeys, ["GetItem"])
      // Membership: PUT is one PutItem (its old item says whether the member is new), DELETE one
      // DeleteItem, a group's members (listed, or resolved for a group message) one Query.
      .bindTable(groups, ["PutItem", "DeleteItem", "Query"])
      // A body too large for a frame is put before its notification is written; never read back.
      .bindBodies(bodies, "put")
      // PUT/GET /v1/users/USER_ID/preferences: one UpdateItem, one GetItem.
      .bindTable(props.preferences, ["GetItem", "UpdateItem"]);
    channelDefaults(publish, settings);
    this.publishApi = new PublishHttpApi(this, "PublishApi", { handler: publish });

    // Scheduled notifications (docs/ARCHITECTURE.md "Scheduled notifications, deployed"; cost in
    // docs/SCALE.md): the publish function creates one one-time schedule per scheduled notification,
    // which invokes this function with {"id"} at its sendAt; nothing runs while nothing is scheduled.
    // The release's MODIFY then reaches the stream function (RELEASED_RECORDS).
    const releaseScheduled = new LiveLikesFunction(this, "ReleaseScheduled", {
      entry: "release-scheduled",
      description: "one-time schedule release-<id>: releases that scheduled notification at its sendAt; {} by hand: sweeps what is due",
      ...common,
      // It waits at most 5 s for a sendAt (MAX_EARLY_WAIT_MS); a sweep by hand stops 10 s before this.
      timeout: Duration.seconds(30),
      // A GetItem, a short wait and one UpdateItem: 128 MB halves the GB-seconds.
      memorySize: 128,
    })
      // The notification the alarm is for: its status and sendAt.
      .bindTable(notifications, ["GetItem", "UpdateItem"])
      // {} by hand: what is due, a Query of the sparse due index (notifications scheduled before this
      // deploy, or whose alarm was lost), never of the table.
      .bindTable(notifications, ["Query"], { index: DUE_INDEX });
    // Scheduler invokes asynchronously: Lambda tries a failed release (a DynamoDB error) twice more,
    // 1 and 2 minutes later; a repeat of one that did release finds it released.
    releaseScheduled.configureAsyncInvoke({ retryAttempts: 2 });
    this.releaseScheduled = releaseScheduled;
    // The stack's own group: the publish function may create schedules here only, and deleting the
    // stack deletes what is left in it.
    this.releaseSchedules = new ScheduleGroup(this, "ReleaseSchedules", {
      scheduleGroupName: `${this.stackName}-releases`,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // The role every release schedule runs as: may invoke the release function, nothing else, and
    // only Scheduler acting for this account may assume it.
    this.releaseSchedulerRole = new Role(this, "ReleaseSchedulerRole", {
      assumedBy: new ServicePrincipal("scheduler.amazonaws.com", { conditions: { StringEquals: { "aws:SourceAccount": this.account } } }),
      description: "live-likes: the one-time schedules of scheduled notifications invoke the release function",
    });
    this.releaseSchedulerRole.addToPolicy(
      new PolicyStatement({ actions: ["lambda:InvokeFunction"], resources: [releaseScheduled.functionArn] }),
    );
    publish.bindReleaseAlarm({
      groupName: this.releaseSchedules.scheduleGroupName,
      role: this.releaseSchedulerRole,
      target: releaseScheduled,
    });

    // The daily digests (issue 13). Every 15 minutes: a digest goes out within 15 minutes of its
    // hour in any zone (India's and Nepal's are on the half and quarter hour), and a failed run is
    // tried again 15 minutes later. 2,976 invocations a month: far inside Scheduler's 14 million
    // free ones, and well under a cent of Lambda at 128 MB and a few hundred ms each.
    const sendDigests = new LiveLikesFunction(this, "SendDigests", {
      entry: "send-digests",
      description: "schedule, every 15 minutes: sends each user's daily digest once its hour came (LINE under its monthly limit, e-mail)",
      ...common,
      // A run is a Query per channel, a few reads and one push per user with something owed.
      timeout: Duration.seconds(60),
      memorySize: 128,
    })
      // Who is owed: one Query of the byChannel index per channel; what: one Query per user.
      .bindTable(digests, ["Query"], { index: digestsTable.globalSecondaryIndexes[0].indexName })
      // The day's marker (GetItem, PutItem), then the settled items deleted in batches.
      .bindTable(digests, ["Query", "GetItem", "PutItem", "BatchWriteItem"])
      // The ledger (claims, the push, marked sent) and LINE's monthly count, as in the stream function.
      .bindTable(deliveries, ["GetItem", "BatchGetItem", "PutItem", "UpdateItem", "ConditionCheckItem"])
      // Each person's zone, digest hour and e-mail address.
      .bindTable(props.preferences, ["GetItem"])
      // Presigns the GET of a large body kept in S3, linked from the digest.
      .bindBodies(bodies, "read")
      .bindParameter(parameters.lineChannelToken)
      .bindParameter(parameters.lineRecipients);
    channelDefaults(sendDigests, settings);
    sendDigests.addEnvironment("LINE_MONTHLY_LIMIT", String(settings.lineMonthlyLimit));
    if (props.emailIdentity && settings.email) sendDigests.bindEmail(props.emailIdentity, settings.email.from);
    // A failed run is not retried: the next one, 15 minutes later, finds everything still owed.
    sendDigests.configureAsyncInvoke({ retryAttempts: 0 });
    this.sendDigests = sendDigests;
    this.digestSchedule = new Schedule(this, "DigestSchedule", {
      description: DIGEST_SCHEDULE_DESCRIPTION,
      schedule: ScheduleExpression.rate(Duration.minutes(15)),
      target: new LambdaInvoke(sendDigests, { retryAttempts: 0 }),
    });

    this.functions = { connect, disconnect, default: defaultRoute, stream, groupPart, collect, hotPoll, publish };

    this.page = new PageHosting(this, "Page", {
      webSocketUrl: stage.url,
      webSocketOrigin: api.apiEndpoint,
      hotPollUrl: this.hotPollUrl.url,
    });
    // The page each mail links to.
    for (const mailer of [stream, groupPart, sendDigests]) mailer.addEnvironment("PAGE_URL", this.page.pageUrl);

    this.monitoring = new Monitoring(this, "Monitoring", {
      functions: {
        Connect: connect,
        Disconnect: disconnect,
        DefaultRoute: defaultRoute,
        Stream: stream,
        GroupPart: groupPart,
        Collect: collect,
        HotPoll: hotPoll,
        Publish: publish,
        ReleaseScheduled: releaseScheduled,
      },
      streamFunction: stream,
      failureBucket: this.failureBucket,
      api,
      stageName: STAGE_NAME,
      dashboard: settings.detailedMonitoring,
      ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
    });
    acknowledgeCdkSingletons(this);

    new CfnOutput(this, "PageUrl", {
      description: "Open this in a browser (phone included) and paste a subscription token",
      value: this.page.pageUrl,
    });
    new CfnOutput(this, "WebSocketUrl", {
      description: 'Connect with: wscat -c "<this URL>?token=<token>"',
      value: stage.url,
    });
    new CfnOutput(this, "HotPollUrl", {
      description: "The function URL an open page pings with its token every 15 s (also in the page's config.json)",
      value: this.hotPollUrl.url,
    });
    new CfnOutput(this, "PublishApiUrl", {
      description: "The publish API: POST <this URL>v1/notifications with Authorization: Bearer KEY (docs/DEPLOY.md)",
      value: this.publishApi.url,
    });
    new CfnOutput(this, "ManagementApiEndpoint", {
      description: "API Gateway Management API (@connections) endpoint: delete-connection --endpoint-url",
      value: stage.callbackUrl,
    });
    new CfnOutput(this, "AlarmTopicArn", { value: this.monitoring.topic.topicArn });
    new CfnOutput(this, "StreamFailureBucketName", {
      description: "Failed stream batches, whole records, kept 30 days for replay",
      value: this.failureBucket.bucketName,
    });
    for (const { definition, parameter } of parameters.all) {
      new CfnOutput(this, `${pascal(definition.name)}Parameter`, {
        description: `SSM SecureString to put: ${definition.description}`,
        value: parameter.parameterName,
      });
    }
  }
}

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase());
}

/** CDK's own singletons of this stack: the bucket-notifications handler and the Scheduler's role. */
function acknowledgeCdkSingletons(stack: StatelessStack): void {
  const collect = stack.getLogicalId(stack.functions.collect.node.defaultChild as CfnElement);
  const digests = stack.getLogicalId(stack.sendDigests.node.defaultChild as CfnElement);
  const findings: Record<string, readonly (readonly [string, string])[]> = {
    BucketNotificationsHandler: [
      [
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
        "CDK's bucket-notifications handler writes its logs through the AWS managed basic execution policy; it runs only during a deploy.",
      ],
      [
        "AwsSolutions-IAM5[Resource::*]",
        "CDK's bucket-notifications handler is one per stack for every bucket's notifications, so s3:PutBucketNotification is not scoped to one bucket; it runs only during a deploy.",
      ],
      ["AwsSolutions-L1", "The runtime of CDK's bucket-notifications handler is chosen by aws-cdk-lib and moves with it."],
    ],
    SchedulerRoleForTarget: [
      [
        `AwsSolutions-IAM5[Resource::<${collect}.Arn>:*]`,
        "The Scheduler's role may invoke the collector function and its versions/aliases (ARN:*), nothing else.",
      ],
      [
        `AwsSolutions-IAM5[Resource::<${digests}.Arn>:*]`,
        "The Scheduler's role may invoke the daily digests function and its versions/aliases (ARN:*), nothing else.",
      ],
    ],
  };
  for (const child of stack.node.children) {
    for (const [prefix, list] of Object.entries(findings)) {
      if (!child.node.id.startsWith(prefix)) continue;
      for (const [id, reason] of list) Validations.of(child).acknowledge({ id, reason });
    }
  }
}

/**
 * The defaults of every person's channel choices (what GET preferences answers for someone who
 * never chose, and what deliveries use): LINE_MODE, EMAIL_MODE, TIME_ZONE, DIGEST_HOUR.
 */
function channelDefaults(fn: LiveLikesFunction, settings: DeploySettings): void {
  fn.addEnvironment("LINE_MODE", settings.lineMode);
  fn.addEnvironment("EMAIL_MODE", settings.emailMode);
  fn.addEnvironment("TIME_ZONE", settings.timeZone);
  fn.addEnvironment("DIGEST_HOUR", String(settings.digestHour));
}
