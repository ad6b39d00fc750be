import { beforeAll, describe, expect, it } from "vitest";
import { Annotations, Match, Template } from "aws-cdk-lib/assertions";
import type { StatefulStack } from "../../infra/stateful-stack.ts";
import type { StatelessStack } from "../../infra/stateless-stack.ts";
import { actionsOf, logicalId, statementsOfFunction, testApp, type Statement } from "./test-app.ts";

type FunctionName = keyof StatelessStack["functions"];
const FUNCTIONS: readonly FunctionName[] = ["connect", "disconnect", "default", "stream", "collect"];

describe("StatelessStack", () => {
  let stack: StatelessStack;
  let stateful: StatefulStack;
  let template: Template;
  let resources: Record<string, { Type: string; Properties: Record<string, any> }>;

  beforeAll(() => {
    ({ stateless: stack, stateful } = testApp());
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources;
  });

  const fnId = (name: FunctionName) => logicalId(stack.functions[name]);
  const environmentOf = (name: FunctionName): Record<string, unknown> =>
    resources[fnId(name)]!.Properties.Environment.Variables;
  const dynamoActions = (name: FunctionName) =>
    statementsOfFunction(template, fnId(name))
      .flatMap((statement) => actionsOf(statement).map((action) => ({ action, resource: statement.Resource })))
      .filter(({ action }) => action.startsWith("dynamodb:") && action !== "dynamodb:ListStreams")
      .filter(({ action }) => !["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"].includes(action));

  describe("WebSocket API", () => {
    it("selects routes by $request.body.action and has exactly $connect, $disconnect and $default", () => {
      // Act
      const routes = Object.values(template.findResources("AWS::ApiGatewayV2::Route"));

      // Assess
      template.hasResourceProperties("AWS::ApiGatewayV2::Api", {
        ProtocolType: "WEBSOCKET",
        RouteSelectionExpression: "$request.body.action",
      });
      expect(routes.map((route) => route.Properties.RouteKey).sort()).toEqual(["$connect", "$default", "$disconnect"]);
    });

    it("returns the $default function's body to the client (route response)", () => {
      // Act
      const defaultRoute = template.findResources("AWS::ApiGatewayV2::Route", {
        Properties: { RouteKey: "$default" },
      });

      // Assess
      expect(Object.values(defaultRoute)[0]!.Properties.RouteResponseSelectionExpression).toBe("$default");
      template.resourceCountIs("AWS::ApiGatewayV2::RouteResponse", 1);
    });

    it("deploys stage prod automatically, throttled, with access logs to a log group with retention", () => {
      // Act
      const stage = Object.values(template.findResources("AWS::ApiGatewayV2::Stage"))[0]!;
      const destination = stage.Properties.AccessLogSettings.DestinationArn["Fn::GetAtt"][0];

      // Assess
      expect(stage.Properties).toMatchObject({
        StageName: "prod",
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      });
      expect(resources[destination]!.Properties.RetentionInDays).toBe(30);
      expect(stage.Properties.AccessLogSettings.Format).not.toMatch(/queryString|token/i);
    });

    it("sets API Gateway's account logging role unless told the account has one", () => {
      // Prepare
      const without = Template.fromStack(testApp({ apiGatewayLogsRole: false }).stateless);

      // Assess
      template.resourceCountIs("AWS::ApiGateway::Account", 1);
      without.resourceCountIs("AWS::ApiGateway::Account", 0);
    });
  });

  describe("functions", () => {
    it("run Node.js 22 on arm64 with source maps and a log group that expires", () => {
      for (const name of FUNCTIONS) {
        // Act
        const { Properties } = resources[fnId(name)]!;
        const logGroup = resources[Properties.LoggingConfig.LogGroup.Ref]!;

        // Assess
        expect(Properties.Runtime, name).toBe("nodejs22.x");
        expect(Properties.Architectures, name).toEqual(["arm64"]);
        expect(Properties.Handler, name).toBe("index.handler");
        expect(environmentOf(name).NODE_OPTIONS, name).toBe("--enable-source-maps");
        expect(logGroup.Properties.RetentionInDays, name).toBe(30);
      }
    });

    it("get exactly the environment each handler reads, with Powertools settings", () => {
      // Prepare
      const expected: Record<FunctionName, string[]> = {
        connect: ["CONNECTIONS_TABLE", "TOKEN_SECRET_NAME"],
        disconnect: ["CONNECTIONS_TABLE"],
        default: ["CONNECTIONS_TABLE", "EVENTS_TABLE", "MANAGEMENT_API_ENDPOINT"],
        stream: ["CONNECTIONS_TABLE", "EVENTS_TABLE", "MANAGEMENT_API_ENDPOINT", "ACCOUNTS_SECRET_NAME", "LINE_SECRET_NAME", "LINE_MODE"],
        collect: ["ARTICLES_TABLE", "ACCOUNTS_SECRET_NAME"],
      };
      const common = ["POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "LOG_LEVEL", "NODE_OPTIONS"];

      for (const name of FUNCTIONS) {
        // Act
        const environment = environmentOf(name);

        // Assess
        expect(Object.keys(environment).sort(), name).toEqual([...common, ...expected[name]].sort());
        expect(environment.POWERTOOLS_METRICS_NAMESPACE).toBe("LiveLikes");
      }
      expect(environmentOf("stream").LINE_MODE).toBe("fallback");
    });

    it("carry secret names only, never a secret value or a dynamic reference to one", () => {
      for (const name of FUNCTIONS) {
        // Act
        const environment = environmentOf(name);
        const serialized = JSON.stringify(environment);

        // Assess
        expect(serialized, name).not.toMatch(/resolve:(secretsmanager|ssm-secure)/);
        for (const [key, value] of Object.entries(environment)) {
          if (/SECRET|TOKEN|PASSWORD|KEY/.test(key)) {
            expect(key, name).toMatch(/_SECRET_NAME$/);
            // The name is derived from the secret's ARN exported by the stateful stack.
            expect(JSON.stringify(value), `${name} ${key}`).toMatch(/Fn::ImportValue.*Secrets/);
          }
        }
      }
    });

    it("may use only the DynamoDB actions and tables their handler needs", () => {
      // Prepare
      // The stateless stack imports each table's ARN from the stateful stack's exports.
      const arnOf = (table: keyof Pick<StatefulStack, "connections" | "articles" | "events">) =>
        `ExportsOutputFnGetAtt${logicalId(stateful[table].table)}Arn`;
      const table = (name: "connections" | "articles" | "events") => new RegExp(`^\\{"Fn::ImportValue":"[^"]*${arnOf(name)}[0-9A-F]{8}"\\}$`);
      const expected: Record<FunctionName, { action: string; on: RegExp }[]> = {
        connect: [{ action: "dynamodb:PutItem", on: table("connections") }],
        disconnect: [{ action: "dynamodb:DeleteItem", on: table("connections") }],
        default: [
          { action: "dynamodb:GetItem", on: table("connections") },
          { action: "dynamodb:DeleteItem", on: table("connections") },
          { action: "dynamodb:Query", on: table("events") },
        ],
        stream: [
          { action: "dynamodb:Query", on: new RegExp(`${arnOf("connections")}[0-9A-F]{8}"},"/index/byUser"`) },
          { action: "dynamodb:DeleteItem", on: table("connections") },
          { action: "dynamodb:BatchWriteItem", on: table("events") },
        ],
        collect: [
          { action: "dynamodb:PutItem", on: table("articles") },
          { action: "dynamodb:Query", on: table("articles") },
        ],
      };

      for (const name of FUNCTIONS) {
        // Act
        const granted = dynamoActions(name);

        // Assess
        expect(granted.map(({ action }) => action).sort(), name).toEqual(expected[name].map(({ action }) => action).sort());
        for (const { action, on } of expected[name]) {
          const resources = granted.filter((grant) => grant.action === action).map((grant) => JSON.stringify(grant.resource));
          expect(resources.some((resource) => on.test(resource)), `${name} ${action}`).toBe(true);
        }
      }
    });

    it("may call ManageConnections only on this API's prod stage, and only the posting functions", () => {
      // Prepare
      const apiId = logicalId(stack.webSocket.api);

      for (const name of FUNCTIONS) {
        // Act
        const manage = statementsOfFunction(template, fnId(name)).filter((statement) =>
          actionsOf(statement).includes("execute-api:ManageConnections"),
        );

        // Assess
        if (name === "stream" || name === "default") {
          expect(manage, name).toHaveLength(1);
          expect(manage[0]!.Resource).not.toBe("*");
          const resource = JSON.stringify(manage[0]!.Resource);
          expect(resource).toContain(`{"Ref":"${apiId}"}`);
          expect(resource).toContain('"/prod/*/@connections/*"');
        } else {
          expect(manage, name).toEqual([]);
        }
      }
    });

    it("grant a bare '*' resource only for dynamodb:ListStreams, which IAM cannot scope", () => {
      // Act
      const wildcard: Statement[] = Object.values(template.findResources("AWS::IAM::Policy"))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[])
        .filter((statement) => statement.Resource === "*" || (Array.isArray(statement.Resource) && statement.Resource.includes("*")));

      // Assess
      expect(wildcard.flatMap(actionsOf)).toEqual(["dynamodb:ListStreams"]);
    });

    it("use roles of their own instead of the AWS managed basic execution policy", () => {
      for (const name of FUNCTIONS) {
        // Act
        const roleId = resources[fnId(name)]!.Properties.Role["Fn::GetAtt"][0];

        // Assess
        expect(resources[roleId]!.Properties.ManagedPolicyArns, name).toBeUndefined();
      }
    });
  });

  describe("stream event source", () => {
    it("reports partial failures, bisects, retries a bounded number of times, then records to an encrypted queue", () => {
      // Act
      const mapping = Object.values(template.findResources("AWS::Lambda::EventSourceMapping"));
      const queueId = logicalId(stack.onFailureQueue);

      // Assess
      expect(mapping).toHaveLength(1);
      expect(mapping[0]!.Properties).toMatchObject({
        FunctionName: { Ref: fnId("stream") },
        EventSourceArn: { "Fn::ImportValue": expect.stringMatching(/Articles.*StreamArn/) },
        FunctionResponseTypes: ["ReportBatchItemFailures"],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 5,
        MaximumRecordAgeInSeconds: 3600,
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 5,
        ParallelizationFactor: 1,
        StartingPosition: "LATEST",
        DestinationConfig: { OnFailure: { Destination: { "Fn::GetAtt": [queueId, "Arn"] } } },
      });
      expect(resources[queueId]!.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
      template.hasResourceProperties("AWS::SQS::QueuePolicy", {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
          ]),
        },
      });
    });
  });

  describe("collector schedule", () => {
    it("runs the collector every collectRateMinutes (5 by default) without retrying a failed poll", () => {
      // Act
      const rules = Object.values(template.findResources("AWS::Events::Rule"));

      // Assess
      expect(rules).toHaveLength(1);
      expect(rules[0]!.Properties.ScheduleExpression).toBe("rate(5 minutes)");
      expect(rules[0]!.Properties.Targets).toEqual([
        expect.objectContaining({ Arn: { "Fn::GetAtt": [fnId("collect"), "Arn"] }, RetryPolicy: { MaximumRetryAttempts: 0 } }),
      ]);
      template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
        FunctionName: { Ref: fnId("collect") },
        MaximumRetryAttempts: 0,
      });
      // Shorter than the interval, so two polls never overlap.
      expect(resources[fnId("collect")]!.Properties.Timeout).toBeLessThan(5 * 60);
    });

    it("follows the collectRateMinutes and lineMode context", () => {
      // Prepare
      const { stateless } = testApp({ collectRateMinutes: "1", lineMode: "always" });

      // Act
      const other = Template.fromStack(stateless);

      // Assess
      other.hasResourceProperties("AWS::Events::Rule", { ScheduleExpression: "rate(1 minute)" });
      other.hasResourceProperties("AWS::Lambda::Function", {
        Environment: { Variables: Match.objectLike({ LINE_MODE: "always" }) },
      });
    });

    it("refuses a context value that would deploy a broken stack", () => {
      expect(() => testApp({ collectRateMinutes: "0" })).toThrow(/collectRateMinutes/);
      expect(() => testApp({ lineMode: "sometimes" })).toThrow(/lineMode/);
    });
  });

  describe("observability", () => {
    it("alarms on the on-failure queue, the stream's iterator age and every function's errors, to one topic", () => {
      // Prepare
      const topicId = logicalId(stack.monitoring.topic);

      // Act
      const alarms = Object.values(template.findResources("AWS::CloudWatch::Alarm")).map((alarm) => alarm.Properties);

      // Assess
      expect(alarms).toHaveLength(2 + FUNCTIONS.length);
      for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarms).toContainEqual(
        expect.objectContaining({
          MetricName: "ApproximateNumberOfMessagesVisible",
          Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [logicalId(stack.onFailureQueue), "QueueName"] } }],
        }),
      );
      expect(alarms).toContainEqual(
        expect.objectContaining({
          MetricName: "IteratorAge",
          Dimensions: [{ Name: "FunctionName", Value: { Ref: fnId("stream") } }],
          Threshold: 300_000,
        }),
      );
      for (const name of FUNCTIONS) {
        expect(alarms, name).toContainEqual(
          expect.objectContaining({ MetricName: "Errors", Dimensions: [{ Name: "FunctionName", Value: { Ref: fnId(name) } }] }),
        );
      }
      const dashboard = JSON.stringify(Object.values(template.findResources("AWS::CloudWatch::Dashboard"))[0]);
      expect(dashboard).toContain("IteratorAge");
      expect(dashboard).toContain("SEARCH('{LiveLikes,service}");
    });

    it("mails alarms when alarmEmail is set", () => {
      // Prepare
      const { stateless } = testApp({ alarmEmail: "ops@example.com" });

      // Act
      const other = Template.fromStack(stateless);

      // Assess
      other.hasResourceProperties("AWS::SNS::Subscription", { Protocol: "email", Endpoint: "ops@example.com" });
      template.resourceCountIs("AWS::SNS::Subscription", 0);
    });
  });

  it("outputs the wss:// URL and the Management API endpoint", () => {
    // Act
    const outputs = template.findOutputs("*");

    // Assess
    expect(JSON.stringify(outputs.WebSocketUrl!.Value)).toMatch(/^\{"Fn::Join":\["",\["wss:\/\/".*"\/prod"\]\]\}$/);
    expect(JSON.stringify(outputs.ManagementApiEndpoint!.Value)).toMatch(/"https:\/\/".*"\/prod"/);
  });

  it("synthesizes without CDK errors", () => {
    Annotations.fromStack(stack).hasNoError("*", Match.anyValue());
  });
});
