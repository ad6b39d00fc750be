/**
 * What tells someone that likes are not reaching anyone, priced for one writer: three alarms on
 * metrics AWS publishes for free, and an e-mail the moment a stream record lands in the failure
 * bucket. The dashboard (and the handlers' custom metrics it graphs) only with detailedMonitoring.
 *
 * Alarms ($0.10 a month each, a metric-math alarm $0.10 per metric in it):
 * - Lambda Errors, account-wide (the metric without dimensions): one alarm for all six functions
 *   instead of six; in an account that runs other functions it fires for theirs too.
 * - Lambda Throttles, account-wide: a new account may run only 10 functions at once, and the
 *   hot-poll function at most its reserved concurrency (a flood of pings).
 * - The stream function's IteratorAge: likes arriving late, whatever the cause.
 * No DynamoDB throttle alarm: on-demand tables at a few writes a minute are far below a partition's
 * limits, and a throttled call that outlasts the SDK's retries fails its function (Errors).
 *
 * @example
 *   new Monitoring(this, "Monitoring", { streamFunction, failureBucket, alarmEmail: "me@example.com", ... });
 */
import { Duration, Stack, Validations } from "aws-cdk-lib";
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TreatMissingData,
  type IMetric,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { IWebSocketApi } from "aws-cdk-lib/aws-apigatewayv2";
import { PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { EventType, type IBucket } from "aws-cdk-lib/aws-s3";
import { SnsDestination } from "aws-cdk-lib/aws-s3-notifications";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import { Construct } from "constructs";

export interface MonitoringProps {
  /** Every function, by a short name used in dashboard titles. */
  readonly functions: Readonly<Record<string, IFunction>>;
  readonly streamFunction: IFunction;
  /** The stream's on-failure destination: each new object there is one failed batch. */
  readonly failureBucket: IBucket;
  readonly api: IWebSocketApi;
  readonly stageName: string;
  readonly alarmEmail?: string;
  /** Also build the dashboard ($3 a month). */
  readonly dashboard: boolean;
}

const FIVE_MINUTES = Duration.minutes(5);
/** The stream handler's end-to-end delay metric: a duration, so graphed by its maximum, not summed. */
const DELAY_METRIC = "EndToEndDelay";

export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard?: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);

    this.topic = new Topic(this, "AlarmTopic", { displayName: "live-likes alarms", enforceSSL: true });
    Validations.of(this.topic).acknowledge({
      id: "AwsSolutions-SNS2",
      reason:
        "Alarm notifications carry alarm names, metric values and failure object keys only, no user data; encrypting them needs a customer managed KMS key ($1/month, twice this stack's budget) whose policy admits CloudWatch and S3.",
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);

    const alarm = (name: string, metric: IMetric, threshold: number, description: string): void => {
      const created = new Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No traffic is not a failure: a quiet night has no invocations at all.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms.push(created);
    };
    const accountLambda = (metricName: string): Metric =>
      new Metric({ namespace: "AWS/Lambda", metricName, period: FIVE_MINUTES, statistic: "Sum" });

    alarm(
      "FunctionErrorsAlarm",
      accountLambda("Errors"),
      1,
      "A Lambda function of this account and region failed (an exception or a timeout). Look at the live-likes functions' log groups (…ConnectLogs, …StreamLogs, …CollectLogs) for the stack trace.",
    );
    alarm(
      "FunctionThrottlesAlarm",
      accountLambda("Throttles"),
      1,
      "Lambda refused to run a function of this account and region: the account's concurrency limit (10 in a new account) was reached, or the hot-poll function's reserved concurrency (a flood of pings at its function URL: look at its log group). Ask for a raise in Service Quotas, or see who is pinging.",
    );
    const iteratorAge = props.streamFunction.metric("IteratorAge", { period: FIVE_MINUTES, statistic: "Maximum" });
    alarm(
      "StreamIteratorAgeAlarm",
      iteratorAge,
      Duration.minutes(5).toMilliseconds(),
      // The function's IteratorAge is the oldest record of either mapping (articles, notifications).
      "The stream handler is 5 minutes or more behind the articles or notifications stream: likes or published notifications arrive late. Look at its errors and duration.",
    );

    // CloudWatch publishes only for these alarms of this account; the policy that enforceSSL
    // writes replaces SNS's default one, so without this statement no alarm would reach the topic.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: "AlarmsOfThisStackPublish",
        principals: [new ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["sns:Publish"],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: { "aws:SourceArn": this.alarms.map((created) => created.alarmArn) },
          StringEquals: { "aws:SourceAccount": Stack.of(this).account },
        },
      }),
    );

    // A failed batch is one object in the bucket: mail its key at once (S3 event notifications
    // are free, an alarm on a metric of the bucket would not be). SnsDestination scopes the
    // topic policy to this bucket with aws:SourceArn.
    props.failureBucket.addEventNotification(EventType.OBJECT_CREATED, new SnsDestination(this.topic));

    if (props.dashboard) this.dashboard = buildDashboard(this, props, iteratorAge);
  }
}

function buildDashboard(scope: Construct, props: MonitoringProps, iteratorAge: IMetric): Dashboard {
  const apiMetric = (metricName: string): Metric =>
    new Metric({
      namespace: "AWS/ApiGateway",
      metricName,
      dimensionsMap: { ApiId: props.api.apiId, Stage: props.stageName },
      period: FIVE_MINUTES,
      statistic: "Sum",
    });
  const functions = Object.entries(props.functions);
  return new Dashboard(scope, "Dashboard", {
    defaultInterval: Duration.days(1),
    widgets: [
      [
        new GraphWidget({
          title: "Function errors",
          left: functions.map(([name, fn]) => fn.metricErrors({ period: FIVE_MINUTES, label: name })),
        }),
        new GraphWidget({
          title: "Function duration p99 (ms)",
          left: functions.map(([name, fn]) => fn.metricDuration({ period: FIVE_MINUTES, statistic: "p99", label: name })),
        }),
      ],
      [
        new GraphWidget({ title: "Stream: iterator age (ms)", left: [iteratorAge] }),
        new GraphWidget({
          title: "WebSocket API",
          left: [apiMetric("ConnectCount"), apiMetric("MessageCount")],
          right: [apiMetric("IntegrationError"), apiMetric("ClientError")],
        }),
      ],
      [
        new GraphWidget({
          title: "live-likes counts: deliveries, gone connections, LINE pushes, collector writes",
          width: 16,
          // Every count the handlers emit under the LiveLikes namespace, whatever its name, so a
          // new metric shows up without editing this dashboard.
          left: [
            new MathExpression({
              expression: `SEARCH('{LiveLikes,service} NOT MetricName="${DELAY_METRIC}"', 'Sum', 300)`,
              label: "",
              period: FIVE_MINUTES,
            }),
          ],
        }),
        new GraphWidget({
          title: "Like delay, article write to post (ms, max)",
          width: 8,
          left: [
            new MathExpression({
              expression: `SEARCH('{LiveLikes,service} MetricName="${DELAY_METRIC}"', 'Maximum', 300)`,
              label: "",
              period: FIVE_MINUTES,
            }),
          ],
        }),
      ],
    ],
  });
}
