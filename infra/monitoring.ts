/**
 * Alarms that mean "likes are not reaching anyone" and one dashboard to see why. Alarms go to an
 * SNS topic; an e-mail subscription is added when the `alarmEmail` context is set.
 */
import { Duration, Validations } from "aws-cdk-lib";
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
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import { Construct } from "constructs";

export interface MonitoringProps {
  /** Every function, by a short name used in alarm and widget titles. */
  readonly functions: Readonly<Record<string, IFunction>>;
  readonly streamFunction: IFunction;
  readonly onFailureQueue: IQueue;
  readonly api: IWebSocketApi;
  readonly stageName: string;
  readonly alarmEmail?: string;
}

const FIVE_MINUTES = Duration.minutes(5);
/** The stream handler's end-to-end delay metric: a duration, so graphed by its maximum, not summed. */
const DELAY_METRIC = "EndToEndDelay";

export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);

    this.topic = new Topic(this, "AlarmTopic", { displayName: "live-likes alarms", enforceSSL: true });
    Validations.of(this.topic).acknowledge({
      id: "AwsSolutions-SNS2",
      reason:
        "Alarm notifications carry alarm names and metric values only, no user data; encrypting them needs a customer managed KMS key ($1/month) whose policy admits CloudWatch.",
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

    alarm(
      "OnFailureQueueAlarm",
      props.onFailureQueue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: "Maximum" }),
      1,
      "Stream records gave up after all retries: those likes were not delivered. The message names the shard and sequence numbers to replay.",
    );
    const iteratorAge = props.streamFunction.metric("IteratorAge", { period: FIVE_MINUTES, statistic: "Maximum" });
    alarm(
      "StreamIteratorAgeAlarm",
      iteratorAge,
      Duration.minutes(5).toMilliseconds(),
      "The stream handler is 5 minutes or more behind the articles table: likes arrive late. Look at its errors and duration.",
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(
        `${name}ErrorsAlarm`,
        fn.metricErrors({ period: FIVE_MINUTES, statistic: "Sum" }),
        1,
        `The ${name} function failed (an exception or a timeout). Its log group has the stack trace.`,
      );
    }

    const apiMetric = (metricName: string): Metric =>
      new Metric({
        namespace: "AWS/ApiGateway",
        metricName,
        dimensionsMap: { ApiId: props.api.apiId, Stage: props.stageName },
        period: FIVE_MINUTES,
        statistic: "Sum",
      });
    const functions = Object.entries(props.functions);
    new Dashboard(this, "Dashboard", {
      defaultInterval: Duration.days(1),
      widgets: [
        [
          new GraphWidget({
            title: "Function errors",
            left: functions.map(([name, fn]) => fn.metricErrors({ period: FIVE_MINUTES, label: name })),
          }),
          new GraphWidget({
            title: "Function duration p99 (ms)",
            left: functions.map(([name, fn]) =>
              fn.metricDuration({ period: FIVE_MINUTES, statistic: "p99", label: name }),
            ),
          }),
        ],
        [
          new GraphWidget({
            title: "Stream: iterator age (ms) and given-up batches",
            left: [iteratorAge],
            right: [props.onFailureQueue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES })],
          }),
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
}
