/**
 * Everything that can be replaced without losing data: the five functions, the WebSocket API,
 * the stream's event source, the collector's schedule, alarms and dashboard. The tables and
 * secrets arrive through typed props from the stateful stack.
 *
 *   collect (schedule) ──▶ articles ──stream──▶ stream ──▶ API Gateway @connections / LINE
 *   $connect / $disconnect / $default ──▶ connect / disconnect / default
 */
import { CfnOutput, Duration, Stack, Validations, type StackProps } from "aws-cdk-lib";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import { StartingPosition } from "aws-cdk-lib/aws-lambda";
import { DynamoEventSource, SqsDlq } from "aws-cdk-lib/aws-lambda-event-sources";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import type { DeploySettings } from "./deploy-settings.ts";
import { LiveLikesFunction } from "./live-likes-function.ts";
import { Monitoring } from "./monitoring.ts";
import type { ProjectSecrets } from "./project-secrets.ts";
import type { ProjectTable } from "./project-table.ts";
import { LiveLikesWebSocketApi, STAGE_NAME } from "./websocket-api.ts";

export interface StatelessStackProps extends StackProps {
  readonly connections: ProjectTable;
  readonly articles: ProjectTable;
  readonly events: ProjectTable;
  readonly secrets: ProjectSecrets;
  readonly settings: DeploySettings;
}

export class StatelessStack extends Stack {
  readonly functions: {
    readonly connect: LiveLikesFunction;
    readonly disconnect: LiveLikesFunction;
    readonly default: LiveLikesFunction;
    readonly stream: LiveLikesFunction;
    readonly collect: LiveLikesFunction;
  };
  readonly webSocket: LiveLikesWebSocketApi;
  readonly onFailureQueue: Queue;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { connections, articles, events, secrets, settings } = props;
    const logLevel = settings.logLevel;

    const connect = new LiveLikesFunction(this, "Connect", {
      handlerFile: "connect.handler.ts",
      description: "$connect: verifies the subscription token, stores the connection",
      logLevel,
    })
      .bindTable(connections, ["PutItem"])
      .bindSecret("TOKEN_SECRET_NAME", secrets.tokenSecret);
    const disconnect = new LiveLikesFunction(this, "Disconnect", {
      handlerFile: "disconnect.handler.ts",
      description: "$disconnect: deletes the connection row",
      logLevel,
    }).bindTable(connections, ["DeleteItem"]);
    // Not "Default": CDK leaves that id out of logical ids, which would then collide.
    const defaultRoute = new LiveLikesFunction(this, "DefaultRoute", {
      handlerFile: "default.handler.ts",
      description: "$default: ping/pong and resume (replays the last 24 h of like frames)",
      logLevel,
    })
      // resume reads whose connection it is, and forgets it when the replay finds it gone.
      .bindTable(connections, ["GetItem", "DeleteItem"])
      .bindTable(events, ["Query"]);

    this.webSocket = new LiveLikesWebSocketApi(this, "WebSocket", {
      connect,
      disconnect,
      default: defaultRoute,
      setAccountLogsRole: settings.apiGatewayLogsRole,
    });
    const { stage } = this.webSocket;
    defaultRoute.bindManagementApi(stage);

    const stream = new LiveLikesFunction(this, "Stream", {
      handlerFile: "stream.handler.ts",
      description: "articles stream: posts like frames to live connections, then LINE",
      logLevel,
      // A batch posts to every connection with retries on throttling; a minute covers a slow
      // Management API without holding up the shard for long when something hangs.
      timeout: Duration.seconds(60),
    })
      .bindTable(connections, ["Query"], { index: "byUser" })
      .bindTable(connections, ["DeleteItem"])
      // The event log appends a batch's likes in one BatchWriteItem (no single PutItem).
      .bindTable(events, ["BatchWriteItem"])
      .bindManagementApi(stage)
      .bindSecret("ACCOUNTS_SECRET_NAME", secrets.accountsSecret)
      .bindSecret("LINE_SECRET_NAME", secrets.lineSecret);
    stream.addEnvironment("LINE_MODE", settings.lineMode);

    this.onFailureQueue = new Queue(this, "StreamOnFailure", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: time to notice the alarm, find the cause and replay.
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.onFailureQueue).acknowledge({
      id: "AwsSolutions-SQS3",
      reason:
        "This queue is itself the dead-letter destination of the stream's event source mapping; it holds pointers (shard, sequence numbers) to records that exhausted their retries, and nothing consumes it automatically.",
    });
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
        onFailure: new SqsDlq(this.onFailureQueue),
      }),
    );
    Validations.of(stream.role!).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "Only dynamodb:ListStreams, which the event source mapping needs and which IAM does not scope to a resource; reading records is granted on this table's stream alone.",
    });

    // Shorter than the interval, so two polls never overlap and double-spend Qiita's quota.
    const collectTimeout = Duration.seconds(Math.min(settings.collectRateMinutes * 60 - 10, 120));
    const collect = new LiveLikesFunction(this, "Collect", {
      handlerFile: "collect.handler.ts",
      description: "schedule: polls Qiita, writes only the articles whose like count changed",
      logLevel,
      timeout: collectTimeout,
    })
      // One Query per account, then conditional PutItems; the article store never updates in place.
      .bindTable(articles, ["Query", "PutItem"])
      .bindSecret("ACCOUNTS_SECRET_NAME", secrets.accountsSecret);
    // No retry of a failed poll: the next scheduled one starts again from the stored counts, and
    // a retry would only spend Qiita's 1000 requests/hour sooner.
    collect.configureAsyncInvoke({ retryAttempts: 0 });
    new Rule(this, "CollectSchedule", {
      description: `live-likes: poll Qiita every ${settings.collectRateMinutes} min`,
      schedule: Schedule.rate(Duration.minutes(settings.collectRateMinutes)),
      targets: [new LambdaFunction(collect, { retryAttempts: 0 })],
    });

    this.functions = { connect, disconnect, default: defaultRoute, stream, collect };
    this.monitoring = new Monitoring(this, "Monitoring", {
      functions: { Connect: connect, Disconnect: disconnect, DefaultRoute: defaultRoute, Stream: stream, Collect: collect },
      streamFunction: stream,
      onFailureQueue: this.onFailureQueue,
      api: this.webSocket.api,
      stageName: STAGE_NAME,
      ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
    });

    new CfnOutput(this, "WebSocketUrl", {
      description: 'Connect with: wscat -c "<this URL>?token=<token>"',
      value: stage.url,
    });
    new CfnOutput(this, "ManagementApiEndpoint", {
      description: "API Gateway Management API (@connections) endpoint the handlers post to",
      value: stage.callbackUrl,
    });
    new CfnOutput(this, "AlarmTopicArn", { value: this.monitoring.topic.topicArn });
    new CfnOutput(this, "StreamOnFailureQueueUrl", { value: this.onFailureQueue.queueUrl });
  }
}
