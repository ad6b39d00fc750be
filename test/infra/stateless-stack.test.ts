import { beforeAll, describe, expect, it } from "vitest";
import { Annotations, Match, Template } from "aws-cdk-lib/assertions";
import type { StatefulStack } from "../../infra/stateful-stack.ts";
import type { StatelessStack } from "../../infra/stateless-stack.ts";
import { actionsOf, logicalId, statementsOfFunction, testApp, type Statement } from "./test-app.ts";

type FunctionName = keyof StatelessStack["functions"];
type TableName =
  | "connections"
  | "articles"
  | "events"
  | "revocations"
  | "deliveries"
  | "notifications"
  | "publishKeys"
  | "groups"
  | "rollups"
  | "repositories"
  | "preferences"
  | "digests";
/** The functions the per-function tables below cover; the GroupPart function has its own describe. */
type TabledFunction = Exclude<FunctionName, "groupPart">;
const FUNCTIONS: readonly TabledFunction[] = ["connect", "disconnect", "default", "stream", "collect", "hotPoll", "publish"];
const STREAM_READ_ACTIONS = ["dynamodb:ListStreams", "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"];

describe("StatelessStack", () => {
  let stack: StatelessStack;
  let stateful: StatefulStack;
  let template: Template;
  let resources: Record<string, { Type: string; Properties: Record<string, any>; DependsOn?: string[] }>;

  beforeAll(() => {
    ({ stateless: stack, stateful } = testApp());
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources;
  });

  const fnId = (name: FunctionName) => logicalId(stack.functions[name]);
  const environmentOf = (name: FunctionName): Record<string, unknown> => resources[fnId(name)]!.Properties.Environment.Variables;
  const grantsOf = (name: FunctionName, prefix: string) =>
    statementsOfFunction(template, fnId(name))
      // One entry per action and resource: minimizePolicies merges statements into resource lists.
      .flatMap((statement) =>
        actionsOf(statement).flatMap((action) =>
          (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]).map((resource) => ({ action, resource })),
        ),
      )
      .filter(({ action }) => action.startsWith(prefix) && !STREAM_READ_ACTIONS.includes(action));

  describe("WebSocket API", () => {
    it("selects routes by $request.body.action and has exactly $connect, $disconnect and $default", () => {
      // Act
      const routes = Object.values(template.findResources("AWS::ApiGatewayV2::Route")).filter(
        (route) => route.Properties.ApiId.Ref === logicalId(stack.webSocket.api),
      );

      // Assess
      template.hasResourceProperties("AWS::ApiGatewayV2::Api", {
        ProtocolType: "WEBSOCKET",
        RouteSelectionExpression: "$request.body.action",
      });
      expect(routes.map((route) => route.Properties.RouteKey).sort()).toEqual(["$connect", "$default", "$disconnect"]);
    });

    it("returns the $default function's body to the client (route response)", () => {
      // Act
      const defaultRoute = template.findResources("AWS::ApiGatewayV2::Route", { Properties: { RouteKey: "$default" } });

      // Assess
      expect(Object.values(defaultRoute)[0]!.Properties.RouteResponseSelectionExpression).toBe("$default");
      template.resourceCountIs("AWS::ApiGatewayV2::RouteResponse", 1);
    });

    it("deploys stage prod automatically, throttled, with access logs to a log group with retention", () => {
      // Act
      const stage = template.toJSON().Resources[logicalId(stack.webSocket.stage)];
      const destination = stage.Properties.AccessLogSettings.DestinationArn["Fn::GetAtt"][0];

      // Assess
      expect(stage.Properties).toMatchObject({
        StageName: "prod",
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      });
      expect(resources[destination]!.Properties.RetentionInDays).toBe(14);
      expect(stage.Properties.AccessLogSettings.Format).not.toMatch(/queryString|token/i);
    });

    it("sets API Gateway's account logging role unless told the account has one", () => {
      // Prepare
      const without = Template.fromStack(testApp({ apiGatewayLogsRole: false }).stateless);

      // Assess
      template.resourceCountIs("AWS::ApiGateway::Account", 1);
      without.resourceCountIs("AWS::ApiGateway::Account", 0);
    });

    it("makes the API Gateway account setting (CfnAccount) depend on the WebSocket API, as CDK's RestApi does", () => {
      // Act
      const account = Object.values(template.findResources("AWS::ApiGateway::Account"))[0]!;

      // Assess
      expect(account.DependsOn).toContain(logicalId(stack.webSocket.api));
    });
  });

  describe("functions", () => {
    it("run Node.js 22 on arm64 with source maps and a log group kept two weeks", () => {
      for (const name of FUNCTIONS) {
        // Act
        const { Properties } = resources[fnId(name)]!;
        const logGroup = resources[Properties.LoggingConfig.LogGroup.Ref]!;

        // Assess
        expect(Properties.Runtime, name).toBe("nodejs22.x");
        expect(Properties.Architectures, name).toEqual(["arm64"]);
        expect(Properties.Handler, name).toBe("index.handler");
        expect(environmentOf(name).NODE_OPTIONS, name).toBe("--enable-source-maps");
        expect(logGroup.Properties.RetentionInDays, name).toBe(14);
      }
    });

    it("get exactly the environment each handler reads, with custom metrics off by default", () => {
      // Prepare
      const expected: Record<TabledFunction, string[]> = {
        connect: ["CONNECTIONS_TABLE", "REVOCATIONS_TABLE", "TOKEN_SECRET_PARAMETER", "MAX_CONNECTIONS_PER_USER"],
        disconnect: ["CONNECTIONS_TABLE"],
        // BODIES_BUCKET: resume presigns the bodies kept in S3 (test/infra/bodies-bucket.test.ts).
        // ROLLUPS_TABLE, TIME_ZONE: stats (test/infra/rollups-infra.test.ts).
        // PREFERENCES_TABLE and the channel defaults: {"action":"preferences"} (test/infra/email-infra.test.ts).
        default: [
          "CONNECTIONS_TABLE",
          "EVENTS_TABLE",
          "MANAGEMENT_API_ENDPOINT",
          "BODIES_BUCKET",
          "ROLLUPS_TABLE",
          "TIME_ZONE",
          ...["PREFERENCES_TABLE", "LINE_MODE", "EMAIL_MODE", "DIGEST_HOUR"],
          // The status frame: each source's health on the `#account` items.
          ...["ARTICLES_TABLE", "REPOSITORIES_TABLE"],
        ],
        stream: [
          "CONNECTIONS_TABLE",
          "EVENTS_TABLE",
          "DELIVERIES_TABLE",
          "MANAGEMENT_API_ENDPOINT",
          "LINE_CHANNEL_TOKEN_PARAMETER",
          "LINE_RECIPIENTS_PARAMETER",
          "LINE_MODE",
          "NOTIFICATIONS_TABLE",
          // The GroupPart function, queued with a large group message's parts.
          "GROUP_PART_FUNCTION",
          "BODIES_BUCKET",
          // The daily rollups, days counted in TIME_ZONE.
          "ROLLUPS_TABLE",
          "TIME_ZONE",
          // Each person's channels, and the page a mail links to (EMAIL_FROM only with emailFrom set).
          ...["PREFERENCES_TABLE", "EMAIL_MODE", "DIGEST_HOUR", "PAGE_URL"],
          // What digest modes owe, and LINE's monthly limit (test/infra/digests.test.ts).
          ...["DIGESTS_TABLE", "LINE_MONTHLY_LIMIT"],
        ],
        // GitHub stars (issue 12) beside Qiita's accounts.
        // SWEEP_INTERVAL_SECONDS: a failing source's next try, in its status.
        collect: ["ARTICLES_TABLE", "QIITA_ACCOUNTS_PARAMETER", "REPOSITORIES_TABLE", "GITHUB_TOKEN_PARAMETER", "SWEEP_INTERVAL_SECONDS"],
        hotPoll: ["ARTICLES_TABLE", "REVOCATIONS_TABLE", "TOKEN_SECRET_PARAMETER", "QIITA_ACCOUNTS_PARAMETER", "SWEEP_INTERVAL_SECONDS"],
        publish: [
          "NOTIFICATIONS_TABLE",
          "PUBLISH_KEYS_TABLE",
          "GROUPS_TABLE",
          "BODIES_BUCKET",
          ...["PREFERENCES_TABLE", "LINE_MODE", "EMAIL_MODE", "TIME_ZONE", "DIGEST_HOUR"],
          // A scheduled notification's one-time schedule (issue 10).
          ...["RELEASE_SCHEDULE_GROUP", "RELEASE_SCHEDULER_ROLE_ARN", "RELEASE_FUNCTION_ARN"],
        ],
      };
      const common = [
        "POWERTOOLS_SERVICE_NAME",
        "POWERTOOLS_METRICS_NAMESPACE",
        "POWERTOOLS_METRICS_DISABLED",
        "LOG_LEVEL",
        "NODE_OPTIONS",
      ];

      for (const name of FUNCTIONS) {
        // Act
        const environment = environmentOf(name);

        // Assess
        expect(Object.keys(environment).sort(), name).toEqual([...common, ...expected[name]].sort());
        expect(environment.POWERTOOLS_METRICS_DISABLED, name).toBe("true");
      }
      expect(environmentOf("stream").LINE_MODE).toBe("fallback");
      expect(environmentOf("connect").MAX_CONNECTIONS_PER_USER).toBe("20");
      expect(environmentOf("hotPoll").SWEEP_INTERVAL_SECONDS).toBe("300");
      expect(environmentOf("collect").SWEEP_INTERVAL_SECONDS).toBe("300");
    });

    it("pass MAX_CONNECTIONS_PER_USER from the maxConnectionsPerUser deploy setting, and emit metrics with detailedMonitoring", () => {
      // Prepare
      const { stateless } = testApp({ maxConnectionsPerUser: "5", detailedMonitoring: "true" });

      // Act
      const other = Template.fromStack(stateless).toJSON().Resources;
      const env = (name: FunctionName) => other[logicalId(stateless.functions[name])].Properties.Environment.Variables;

      // Assess
      expect(env("connect").MAX_CONNECTIONS_PER_USER).toBe("5");
      for (const name of FUNCTIONS) expect(env(name).POWERTOOLS_METRICS_DISABLED, name).toBeUndefined();
      expect(() => testApp({ maxConnectionsPerUser: "0" })).toThrow(/maxConnectionsPerUser/);
    });

    it("carry SSM parameter names only, never a value or a dynamic reference to one", () => {
      for (const name of FUNCTIONS) {
        // Act
        const environment = environmentOf(name);

        // Assess
        expect(JSON.stringify(environment), name).not.toMatch(/resolve:(secretsmanager|ssm-secure|ssm)/);
        for (const [key, value] of Object.entries(environment)) {
          // A table's name is no secret (PUBLISH_KEYS_TABLE holds only hashes).
          if (/SECRET|TOKEN|PASSWORD|KEY|ACCOUNTS|RECIPIENTS/.test(key) && !key.endsWith("_TABLE")) {
            expect(key, name).toMatch(/_PARAMETER$/);
            expect(value, `${name} ${key}`).toMatch(/^\/live-likes\/[a-z-]+$/);
          }
        }
      }
    });

    it("read only their own settings: the stream function never a Qiita token, the collector never LINE's", () => {
      // Prepare
      const parameterArn = (name: string) =>
        JSON.stringify({
          "Fn::Join": [
            "",
            [
              "arn:",
              { Ref: "AWS::Partition" },
              ":ssm:",
              { Ref: "AWS::Region" },
              ":",
              { Ref: "AWS::AccountId" },
              `:parameter/live-likes/${name}`,
            ],
          ],
        });
      const expected: Record<TabledFunction, string[]> = {
        connect: ["token-secret"],
        disconnect: [],
        default: [],
        stream: ["line-channel-token", "line-recipients"],
        collect: ["qiita-accounts", "github-token"],
        // Verifies the page's token, then polls with the writer's Qiita token; never LINE's.
        hotPoll: ["token-secret", "qiita-accounts"],
        // A publish key is checked against its hash in DynamoDB: no parameter.
        publish: [],
      };

      for (const name of FUNCTIONS) {
        // Act
        const ssm = grantsOf(name, "ssm:");
        const kms = grantsOf(name, "kms:");
        const secretsManager = grantsOf(name, "secretsmanager:");

        // Assess
        expect(
          ssm.map(({ action }) => action),
          name,
        ).toEqual(expected[name].map(() => "ssm:GetParameter"));
        expect(ssm.map(({ resource }) => JSON.stringify(resource)).sort(), name).toEqual(expected[name].map(parameterArn).sort());
        // The AWS managed key aws/ssm admits the account's principals: no KMS grant is needed or given.
        expect(kms, name).toEqual([]);
        expect(secretsManager, name).toEqual([]);
      }
    });

    it("may use only the DynamoDB actions and tables their handler needs", () => {
      // Prepare
      // The stateless stack imports each table's ARN from the stateful stack's exports.
      const arnOf = (name: TableName) => `ExportsOutputFnGetAtt${logicalId(stateful[name].table)}Arn`;
      const table = (name: TableName) => new RegExp(`^\\{"Fn::ImportValue":"[^"]*${arnOf(name)}[0-9A-F]{8}"\\}$`);
      const index = (name: TableName, indexName: string) => new RegExp(`${arnOf(name)}[0-9A-F]{8}"},"/index/${indexName}"`);
      const expected: Record<TabledFunction, { action: string; on: RegExp }[]> = {
        connect: [
          { action: "dynamodb:PutItem", on: table("connections") },
          // Counting the user's connections for MAX_CONNECTIONS_PER_USER.
          { action: "dynamodb:Query", on: index("connections", "byUser") },
          { action: "dynamodb:GetItem", on: table("revocations") },
        ],
        disconnect: [{ action: "dynamodb:DeleteItem", on: table("connections") }],
        default: [
          { action: "dynamodb:GetItem", on: table("connections") },
          // The per-connection resume rate limit counter.
          { action: "dynamodb:UpdateItem", on: table("connections") },
          { action: "dynamodb:DeleteItem", on: table("connections") },
          { action: "dynamodb:Query", on: table("events") },
          // stats: the user's days and items, one Query.
          { action: "dynamodb:Query", on: table("rollups") },
          // {"action":"preferences"}: the user's own row.
          { action: "dynamodb:GetItem", on: table("preferences") },
          { action: "dynamodb:UpdateItem", on: table("preferences") },
          // The status frame: the sources' health on the user's `#account` items, read only.
          { action: "dynamodb:GetItem", on: table("articles") },
          { action: "dynamodb:GetItem", on: table("repositories") },
        ],
        stream: [
          { action: "dynamodb:Query", on: index("connections", "byUser") },
          { action: "dynamodb:DeleteItem", on: table("connections") },
          { action: "dynamodb:BatchWriteItem", on: table("events") },
          { action: "dynamodb:GetItem", on: table("deliveries") },
          // The ledger reads claims and live-delivery records of a batch in one BatchGetItem.
          { action: "dynamodb:BatchGetItem", on: table("deliveries") },
          { action: "dynamodb:PutItem", on: table("deliveries") },
          { action: "dynamodb:UpdateItem", on: table("deliveries") },
          // TransactWriteItems is authorized per item: the condition check needs its own action.
          { action: "dynamodb:ConditionCheckItem", on: table("deliveries") },
          // The receipt of a published notification, set once on its item.
          { action: "dynamodb:UpdateItem", on: table("notifications") },
          // The daily rollups: the counted#<id> marker (conditional Put) and the ADDs, in one transaction.
          { action: "dynamodb:PutItem", on: table("rollups") },
          { action: "dynamodb:UpdateItem", on: table("rollups") },
          // Each user's channel choices.
          { action: "dynamodb:GetItem", on: table("preferences") },
          // What a digest mode (or LINE's monthly limit) owes: one UpdateItem per notification.
          { action: "dynamodb:UpdateItem", on: table("digests") },
        ],
        collect: [
          { action: "dynamodb:PutItem", on: table("articles") },
          { action: "dynamodb:Query", on: table("articles") },
          // Stars: the partition's Query, conditional puts, and a list page past a shrunk list's end deleted.
          { action: "dynamodb:PutItem", on: table("repositories") },
          { action: "dynamodb:Query", on: table("repositories") },
          { action: "dynamodb:DeleteItem", on: table("repositories") },
          // The `#account` items: the baseline mark and the source's health (UpdateItem), the health read (GetItem).
          { action: "dynamodb:GetItem", on: table("articles") },
          { action: "dynamodb:UpdateItem", on: table("articles") },
          { action: "dynamodb:GetItem", on: table("repositories") },
          { action: "dynamodb:UpdateItem", on: table("repositories") },
        ],
        hotPoll: [
          // The #hot-lease conditional put and the collector's conditional puts.
          { action: "dynamodb:PutItem", on: table("articles") },
          { action: "dynamodb:Query", on: table("articles") },
          { action: "dynamodb:GetItem", on: table("revocations") },
        ],
        publish: [
          // The notification and its idempotency claim: conditional Puts in one TransactWriteItems.
          { action: "dynamodb:PutItem", on: table("notifications") },
          // A repeated Idempotency-Key's claim, and the receipt.
          { action: "dynamodb:GetItem", on: table("notifications") },
          // A cancel: scheduled → cancelled, one conditional update.
          { action: "dynamodb:UpdateItem", on: table("notifications") },
          // The Bearer key's hash item.
          { action: "dynamodb:GetItem", on: table("publishKeys") },
          // Group membership: add, remove, list (and resolve for a group message).
          { action: "dynamodb:PutItem", on: table("groups") },
          { action: "dynamodb:DeleteItem", on: table("groups") },
          { action: "dynamodb:Query", on: table("groups") },
          // PUT/GET /v1/users/USER_ID/preferences.
          { action: "dynamodb:GetItem", on: table("preferences") },
          { action: "dynamodb:UpdateItem", on: table("preferences") },
        ],
      };

      for (const name of FUNCTIONS) {
        // Act
        const granted = grantsOf(name, "dynamodb:");

        // Assess
        expect(granted.map(({ action }) => action).sort(), name).toEqual(expected[name].map(({ action }) => action).sort());
        for (const { action, on } of expected[name]) {
          const targets = granted.filter((grant) => grant.action === action).map((grant) => JSON.stringify(grant.resource));
          expect(
            targets.some((target) => on.test(target)),
            `${name} ${action} on ${on}: ${targets.join(" ")}`,
          ).toBe(true);
        }
      }
    });

    it("may call ManageConnections only with POST on this API's prod stage @connections, and only the posting functions", () => {
      // Prepare
      const apiId = logicalId(stack.webSocket.api);

      for (const name of FUNCTIONS) {
        // Act
        const manage = statementsOfFunction(template, fnId(name)).filter((statement) =>
          actionsOf(statement).some((action) => action.startsWith("execute-api:")),
        );

        // Assess
        if (name === "stream" || name === "default") {
          expect(manage, name).toHaveLength(1);
          expect(actionsOf(manage[0]!)).toEqual(["execute-api:ManageConnections"]);
          expect(manage[0]!.Resource).toEqual({
            "Fn::Join": [
              "",
              [
                "arn:",
                { Ref: "AWS::Partition" },
                ":execute-api:",
                { Ref: "AWS::Region" },
                ":",
                { Ref: "AWS::AccountId" },
                ":",
                { Ref: apiId },
                "/prod/POST/@connections/*",
              ],
            ],
          });
        } else {
          expect(manage, name).toEqual([]);
        }
      }
    });

    it("grant a bare '*' resource only for dynamodb:ListStreams, which IAM cannot scope (CDK's deploy-time helpers aside)", () => {
      // Prepare
      const projectRoles = new Set(FUNCTIONS.map((name) => resources[fnId(name)]!.Properties.Role["Fn::GetAtt"][0]));

      // Act
      const wildcard: Statement[] = Object.values(template.findResources("AWS::IAM::Policy"))
        .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((role) => projectRoles.has(role.Ref)))
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

    it("give the $default route a timeout that covers one 100-frame resume page with margin", () => {
      // 100 posts × ~10 ms round trip + a few queries ≈ 1.5 s; API Gateway allows 29 s.
      const timeout = resources[fnId("default")]!.Properties.Timeout;
      expect(timeout).toBeGreaterThanOrEqual(5);
      expect(timeout).toBeLessThan(29);
    });
  });

  describe("hot-poll function URL", () => {
    it("is public (the token in the body is the auth), answers CORS for POST only, and exposes Retry-After", () => {
      // Act
      const urls = Object.values(template.findResources("AWS::Lambda::Url"));

      // Assess
      expect(urls).toHaveLength(1);
      expect(urls[0]!.Properties).toEqual({
        TargetFunctionArn: { "Fn::GetAtt": [fnId("hotPoll"), "Arn"] },
        AuthType: "NONE",
        Cors: { AllowMethods: ["POST"], AllowOrigins: ["*"], ExposeHeaders: ["retry-after"] },
      });
    });

    it("lets anyone invoke the function through its URL only, and outputs the URL", () => {
      // Act
      const permissions = Object.values(template.findResources("AWS::Lambda::Permission")).filter(
        (permission) => JSON.stringify(permission.Properties.FunctionName) === JSON.stringify({ "Fn::GetAtt": [fnId("hotPoll"), "Arn"] }),
      );

      // Assess
      expect(permissions.length).toBeGreaterThan(0);
      for (const { Properties } of permissions) {
        expect(Properties.Principal).toBe("*");
        // lambda:InvokeFunction is admitted only when it comes through the function URL.
        if (Properties.Action !== "lambda:InvokeFunctionUrl") expect(Properties.InvokedViaFunctionUrl).toBe(true);
        else expect(Properties.FunctionUrlAuthType).toBe("NONE");
      }
      expect(template.findOutputs("HotPollUrl").HotPollUrl!.Value).toEqual({
        "Fn::GetAtt": [logicalId(stack.hotPollUrl), "FunctionUrl"],
      });
    });

    it("caps the function at 2 concurrent invocations by default (none with hotPollConcurrency=none), at 128 MB, without Lambda's own log lines", () => {
      // Prepare
      const unreserved = testApp({ hotPollConcurrency: "none" }).stateless;

      // Act
      const reserved = resources[fnId("hotPoll")]!.Properties.ReservedConcurrentExecutions;
      const other = Template.fromStack(unreserved).toJSON().Resources[logicalId(unreserved.functions.hotPoll)].Properties;

      // Assess
      expect(reserved).toBe(2);
      expect(other.ReservedConcurrentExecutions).toBeUndefined();
      expect(resources[fnId("hotPoll")]!.Properties.MemorySize).toBe(128);
      // Lambda's START/END/REPORT lines left out, and the handler's own below WARN (docs/SCALE.md's arithmetic).
      expect(resources[fnId("hotPoll")]!.Properties.LoggingConfig).toMatchObject({
        LogFormat: "JSON",
        SystemLogLevel: "WARN",
        ApplicationLogLevel: "WARN",
      });
      expect(resources[fnId("collect")]!.Properties.LoggingConfig.SystemLogLevel).toBeUndefined();
      expect(() => testApp({ hotPollConcurrency: "0" })).toThrow(/hotPollConcurrency/);
    });
  });

  describe("GroupPart function (large group messages in parts)", () => {
    it("is queued only by the stream function, which is told its name", () => {
      const invokes = grantsOf("stream", "lambda:");
      expect(invokes.map(({ action }) => action)).toEqual(expect.arrayContaining(["lambda:InvokeFunction"]));
      expect(invokes.every(({ resource }) => JSON.stringify(resource).includes(fnId("groupPart")))).toBe(true);
      expect(environmentOf("stream").GROUP_PART_FUNCTION).toEqual({ Ref: fnId("groupPart") });
      for (const other of FUNCTIONS.filter((name) => name !== "stream")) expect(grantsOf(other, "lambda:InvokeFunction")).toEqual([]);
    });

    it("retries a failed part twice within an hour, then keeps it in the failure bucket", () => {
      template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
        FunctionName: { Ref: fnId("groupPart") },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 3_600,
        DestinationConfig: { OnFailure: { Destination: { "Fn::GetAtt": [logicalId(stack.failureBucket), "Arn"] } } },
      });
    });

    it("delivers as the stream function does (connections, events, the ledger, posts, LINE) and records part receipts, nothing else", () => {
      const granted = grantsOf("groupPart", "dynamodb:").map(({ action, resource }) => `${action} ${JSON.stringify(resource)}`);
      const on = (table: string) => new RegExp(`ExportsOutputFnGetAtt${table}[A-Za-z0-9]*Arn`);
      const expected: [string, RegExp][] = [
        ["dynamodb:Query", /index\/byUser/],
        ["dynamodb:DeleteItem", on("Connections")],
        ["dynamodb:BatchWriteItem", on("Events")],
        ...["GetItem", "BatchGetItem", "PutItem", "UpdateItem", "ConditionCheckItem"].map((action): [string, RegExp] => [
          `dynamodb:${action}`,
          on("Deliveries"),
        ]),
        ["dynamodb:UpdateItem", on("Notifications")],
        ["dynamodb:GetItem", on("Preferences")],
        ["dynamodb:UpdateItem", on("Digests")],
      ];
      expect(granted).toHaveLength(expected.length);
      for (const [action, table] of expected) {
        expect(
          granted.some((grant) => grant.startsWith(`${action} `) && table.test(grant)),
          `${action} ${table}`,
        ).toBe(true);
      }
      expect(grantsOf("groupPart", "execute-api:").map(({ action }) => action)).toEqual(["execute-api:ManageConnections"]);
      expect(grantsOf("groupPart", "ssm:")).toHaveLength(2);
      expect(environmentOf("groupPart").LINE_MODE).toBe(environmentOf("stream").LINE_MODE);
    });

    it("runs at most 3 parts at once by default (none with groupPartConcurrency=none), so broadcasts stay inside 10,000 posts a second", () => {
      const unreserved = testApp({ groupPartConcurrency: "none" }).stateless;
      expect(resources[fnId("groupPart")]!.Properties.ReservedConcurrentExecutions).toBe(3);
      expect(
        Template.fromStack(unreserved).toJSON().Resources[logicalId(unreserved.functions.groupPart)].Properties
          .ReservedConcurrentExecutions,
      ).toBeUndefined();
      expect(() => testApp({ groupPartConcurrency: "11" })).toThrow(/groupPartConcurrency/);
    });
  });

  describe("stream event sources", () => {
    const mappings = () => Object.values(template.findResources("AWS::Lambda::EventSourceMapping"));
    const mappingOf = (table: "Articles" | "Notifications") =>
      mappings().find((mapping) => JSON.stringify(mapping.Properties.EventSourceArn).includes(table))!;

    it("reports partial failures, bisects, retries a bounded number of times, then keeps whole failed batches in S3", () => {
      // Act
      const mapping = mappingOf("Articles");
      const bucketId = logicalId(stack.failureBucket);

      // Assess
      expect(mappings()).toHaveLength(3);
      expect(mapping.Properties).toMatchObject({
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
        // An S3 destination receives the records themselves, not only their sequence numbers.
        DestinationConfig: { OnFailure: { Destination: { "Fn::GetAtt": [bucketId, "Arn"] } } },
      });
      template.resourceCountIs("AWS::SQS::Queue", 0);
    });

    it("keeps the failure bucket private, TLS-only, encrypted, expiring after 30 days, and kept when the stack goes", () => {
      // Act
      const bucket = template.toJSON().Resources[logicalId(stack.failureBucket)];

      // Assess
      expect(bucket.Properties).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
        LifecycleConfiguration: { Rules: [expect.objectContaining({ ExpirationInDays: 30, Status: "Enabled" })] },
      });
      expect(bucket.DeletionPolicy).toBe("Retain");
      template.hasResourceProperties("AWS::S3::BucketPolicy", {
        Bucket: { Ref: logicalId(stack.failureBucket) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: "Deny", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
          ]),
        },
      });
    });

    it("lets the stream function only put objects into the failure bucket (and list it), never read or delete them", () => {
      // Prepare: the bodies bucket's grants are test/infra/bodies-bucket.test.ts's.
      const besidesBodies = (grants: ReturnType<typeof grantsOf>) =>
        grants.filter(({ resource }) => !JSON.stringify(resource).includes("BodiesBucketArn"));

      // Act
      const s3 = besidesBodies(grantsOf("stream", "s3:"));

      // Assess
      expect(s3.map(({ action }) => action).sort()).toEqual(["s3:ListBucket", "s3:PutObject"]);
      expect(JSON.stringify(s3)).toContain(logicalId(stack.failureBucket));
      for (const name of FUNCTIONS.filter((other) => other !== "stream")) expect(besidesBodies(grantsOf(name, "s3:")), name).toEqual([]);
    });

    it("invokes the function only for records that can notify: INSERT/MODIFY with lastDelta > 0 and no baseline", () => {
      // Act
      const { FilterCriteria } = mappingOf("Articles").Properties;

      // Assess
      expect(FilterCriteria.Filters).toHaveLength(1);
      expect(JSON.parse(FilterCriteria.Filters[0].Pattern)).toEqual({
        eventName: ["INSERT", "MODIFY"],
        dynamodb: {
          NewImage: {
            lastDelta: { N: [{ numeric: [">", 0] }] },
            baseline: { BOOL: [{ exists: false }] },
          },
        },
      });
    });

    it("delivers published notifications from the notifications stream with the articles mapping's failure handling, from the stream's start", () => {
      // Act
      const mapping = mappingOf("Notifications");

      // Assess
      expect(mapping.Properties).toMatchObject({
        FunctionName: { Ref: fnId("stream") },
        EventSourceArn: { "Fn::ImportValue": expect.stringMatching(/Notifications.*StreamArn/) },
        FunctionResponseTypes: ["ReportBatchItemFailures"],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 5,
        MaximumRecordAgeInSeconds: 3600,
        BatchSize: 100,
        ParallelizationFactor: 1,
        // Every record was answered 202: a mapping enabled after the first publish must not skip it.
        StartingPosition: "TRIM_HORIZON",
        DestinationConfig: { OnFailure: { Destination: { "Fn::GetAtt": [logicalId(stack.failureBucket), "Arn"] } } },
      });
      // A publish wants its frame now: no batching window.
      expect(mapping.Properties.MaximumBatchingWindowInSeconds).toBeUndefined();
    });

    it("invokes the function for the notifications table only on a notification's INSERT sent at once, or its release", () => {
      // Act
      const { FilterCriteria } = mappingOf("Notifications").Properties;

      // Assess
      expect(FilterCriteria.Filters.map((filter: { Pattern: string }) => JSON.parse(filter.Pattern))).toEqual([
        {
          eventName: ["INSERT"],
          dynamodb: { NewImage: { kind: { S: ["notification"] }, status: { S: [{ exists: false }] } } },
        },
        {
          eventName: ["MODIFY"],
          dynamodb: { NewImage: { kind: { S: ["notification"] }, status: { S: ["due"] }, parts: { N: [{ exists: false }] } } },
        },
      ]);
    });

    it("lets the stream function read the three tables' streams, and nothing else's", () => {
      // Act
      const reads = grantsOf("stream", "dynamodb:").length;
      const streamArns = statementsOfFunction(template, fnId("stream"))
        .filter((statement) => actionsOf(statement).includes("dynamodb:GetRecords"))
        .flatMap((statement) => (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]))
        .map((resource) => JSON.stringify(resource));

      // Assess
      expect(reads).toBeGreaterThan(0);
      expect(streamArns).toHaveLength(3);
      expect(streamArns.some((arn) => /Articles.*StreamArn/.test(arn))).toBe(true);
      expect(streamArns.some((arn) => /Repositories.*StreamArn/.test(arn))).toBe(true);
      expect(streamArns.some((arn) => /Notifications.*StreamArn/.test(arn))).toBe(true);
    });
  });

  describe("publish HTTP API", () => {
    const publishApiId = () => logicalId(stack.publishApi.api);

    it("is an HTTP API whose one route, ANY /v1/{proxy+}, invokes the publish function with payload 2.0", () => {
      // Act
      const routes = Object.values(template.findResources("AWS::ApiGatewayV2::Route")).filter(
        (route) => route.Properties.ApiId.Ref === publishApiId(),
      );
      const integrationId = routes[0]!.Properties.Target["Fn::Join"][1][1].Ref;
      const integration = resources[integrationId]!;

      // Assess
      template.hasResourceProperties("AWS::ApiGatewayV2::Api", { ProtocolType: "HTTP" });
      expect(routes.map((route) => route.Properties.RouteKey)).toEqual(["ANY /v1/{proxy+}"]);
      expect(integration.Properties).toMatchObject({
        ApiId: { Ref: publishApiId() },
        IntegrationType: "AWS_PROXY",
        PayloadFormatVersion: "2.0",
        IntegrationUri: { "Fn::GetAtt": [fnId("publish"), "Arn"] },
      });
      // API Gateway may invoke the function, from this API only.
      template.hasResourceProperties("AWS::Lambda::Permission", {
        Action: "lambda:InvokeFunction",
        FunctionName: { "Fn::GetAtt": [fnId("publish"), "Arn"] },
        Principal: "apigateway.amazonaws.com",
        SourceArn: { "Fn::Join": ["", Match.arrayWith([{ Ref: publishApiId() }, "/*/*/v1/{proxy+}"])] },
      });
    });

    it("serves the $default stage, throttled to 20 requests/s (burst 40), access logs without headers kept two weeks", () => {
      // Act
      const stage = resources[logicalId(stack.publishApi.stage)]!;
      const destination = stage.Properties.AccessLogSettings.DestinationArn["Fn::GetAtt"][0];

      // Assess
      expect(stage.Properties).toMatchObject({
        ApiId: { Ref: publishApiId() },
        StageName: "$default",
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      });
      expect(resources[destination]!.Properties.RetentionInDays).toBe(14);
      // The Authorization header carries the publish key: no header or body in the log line.
      expect(stage.Properties.AccessLogSettings.Format).not.toMatch(/authorization|header|requestBody|\$input/i);
      expect(JSON.parse(stage.Properties.AccessLogSettings.Format)).toHaveProperty("status", "$context.status");
    });

    it("prints its URL as the PublishApiUrl output", () => {
      // Act
      const output = template.toJSON().Outputs.PublishApiUrl;

      // Assess
      expect(JSON.stringify(output.Value)).toContain(publishApiId());
      expect(output.Value["Fn::Join"][1][0]).toBe("https://");
    });
  });

  describe("scheduled notifications: one one-time schedule each (issue 10)", () => {
    const releaseId = () => logicalId(stack.releaseScheduled);
    const groupName = () => stack.releaseSchedules.scheduleGroupName;
    const publishStatements = () => statementsOfFunction(template, fnId("publish"));

    it("runs no recurring schedule for them: the release function is invoked only by the schedules the publish function creates", () => {
      // Act
      const recurring = Object.values(template.findResources("AWS::Scheduler::Schedule")).filter((schedule) =>
        JSON.stringify(schedule.Properties.Target.Arn).includes(releaseId()),
      );

      // Assess
      expect(recurring).toEqual([]);
      template.resourceCountIs("AWS::Scheduler::ScheduleGroup", 1);
      template.hasResourceProperties("AWS::Scheduler::ScheduleGroup", { Name: groupName() });
      expect(groupName()).toMatch(/^[0-9a-zA-Z\-_.]{1,64}$/);
    });

    it("releases within a 30 s timeout at 128 MB, on Node.js 22 arm64, with Lambda retrying a failed release twice", () => {
      const { Properties } = resources[releaseId()]!;

      expect(Properties).toMatchObject({ Timeout: 30, MemorySize: 128, Runtime: "nodejs22.x", Architectures: ["arm64"] });
      expect(Object.keys(Properties.Environment.Variables)).toContain("NOTIFICATIONS_TABLE");
      template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", { FunctionName: { Ref: releaseId() }, MaximumRetryAttempts: 2 });
    });

    it("may GetItem and UpdateItem the notifications table (the conditional release) and Query only the due index (a sweep by hand)", () => {
      // Prepare
      const arn = `ExportsOutputFnGetAtt${logicalId(stateful.notifications.table)}Arn`;

      // Act
      const grants = statementsOfFunction(template, releaseId()).flatMap((statement) =>
        actionsOf(statement)
          .filter((action) => !action.startsWith("logs:"))
          .map((action) => ({ action, resource: JSON.stringify(statement.Resource) })),
      );

      // Assess
      expect(grants.map(({ action }) => action).sort()).toEqual(["dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem"]);
      expect(grants.find(({ action }) => action === "dynamodb:Query")?.resource).toMatch(
        new RegExp(`${arn}[0-9A-F]{8}"},"/index/byDueTime"`),
      );
      for (const action of ["dynamodb:GetItem", "dynamodb:UpdateItem"]) {
        expect(grants.find((grant) => grant.action === action)?.resource).toMatch(
          new RegExp(`^\\{"Fn::ImportValue":"[^"]*${arn}[0-9A-F]{8}"\\}$`),
        );
      }
    });

    it("gives the schedules a role only Scheduler of this account may assume, that may invoke only the release function", () => {
      // Prepare
      const roleId = logicalId(stack.releaseSchedulerRole);

      // Act
      const role = resources[roleId]!;
      const statements = Object.values(template.findResources("AWS::IAM::Policy"))
        .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === roleId))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);

      // Assess
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Action: "sts:AssumeRole",
          Effect: "Allow",
          Principal: { Service: "scheduler.amazonaws.com" },
          Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
        },
      ]);
      expect(statements.flatMap(actionsOf)).toEqual(["lambda:InvokeFunction"]);
      expect(statements.map((statement) => statement.Resource)).toEqual([{ "Fn::GetAtt": [releaseId(), "Arn"] }]);
    });

    it("lets the publish function create release-* schedules in that group only, and pass that role to Scheduler only", () => {
      // Act
      const create = publishStatements().filter((statement) => actionsOf(statement).some((action) => action.startsWith("scheduler:")));
      const pass = publishStatements().filter((statement) => actionsOf(statement).some((action) => action.startsWith("iam:")));

      // Assess
      expect(create.flatMap(actionsOf)).toEqual(["scheduler:CreateSchedule"]);
      expect(JSON.stringify(create[0]!.Resource)).toMatch(new RegExp(`:schedule/${groupName()}/release-\\*"\\]\\]\\}$`));
      expect(pass.flatMap(actionsOf)).toEqual(["iam:PassRole"]);
      expect(pass[0]!.Resource).toEqual({ "Fn::GetAtt": [logicalId(stack.releaseSchedulerRole), "Arn"] });
      expect((pass[0] as Statement & { Condition?: unknown }).Condition).toEqual({
        StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" },
      });
    });

    it("tells the publish function the group, the role and the release function to target", () => {
      const variables = environmentOf("publish");

      expect(variables.RELEASE_SCHEDULE_GROUP).toBe(groupName());
      expect(variables.RELEASE_SCHEDULER_ROLE_ARN).toEqual({ "Fn::GetAtt": [logicalId(stack.releaseSchedulerRole), "Arn"] });
      expect(variables.RELEASE_FUNCTION_ARN).toEqual({ "Fn::GetAtt": [releaseId(), "Arn"] });
    });
  });

  describe("collector schedule", () => {
    it("runs the collector from EventBridge Scheduler every collectRateMinutes (5 by default) without retrying a failed poll", () => {
      // Act
      const schedules = Object.values(template.findResources("AWS::Scheduler::Schedule")).filter(
        (schedule) => schedule.Properties.Target.Arn["Fn::GetAtt"][0] === fnId("collect"),
      );

      // Assess
      template.resourceCountIs("AWS::Events::Rule", 0);
      expect(schedules).toHaveLength(1);
      expect(schedules[0]!.Properties).toMatchObject({
        ScheduleExpression: "rate(5 minutes)",
        State: "ENABLED",
        FlexibleTimeWindow: { Mode: "OFF" },
        Target: { Arn: { "Fn::GetAtt": [fnId("collect"), "Arn"] }, RetryPolicy: { MaximumRetryAttempts: 0 } },
      });
      template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
        FunctionName: { Ref: fnId("collect") },
        MaximumRetryAttempts: 0,
      });
      // Shorter than the interval, so two polls never overlap.
      expect(resources[fnId("collect")]!.Properties.Timeout).toBeLessThan(5 * 60);
    });

    it("gives the schedule a role that Scheduler alone assumes and that may invoke only the collector", () => {
      // Act
      const roleId = Object.values(template.findResources("AWS::Scheduler::Schedule")).find(
        (schedule) => schedule.Properties.Target.Arn["Fn::GetAtt"][0] === fnId("collect"),
      )!.Properties.Target.RoleArn["Fn::GetAtt"][0];
      const role = resources[roleId]!;
      const statements = Object.values(template.findResources("AWS::IAM::Policy"))
        .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === roleId))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);

      // Assess
      expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain("scheduler.amazonaws.com");
      expect(statements.flatMap(actionsOf)).toEqual(["lambda:InvokeFunction"]);
      expect(JSON.stringify(statements.map((statement) => statement.Resource))).toContain(fnId("collect"));
    });

    it("follows the collectRateMinutes and lineMode context", () => {
      // Prepare
      const { stateless } = testApp({ collectRateMinutes: "1", lineMode: "always" });

      // Act
      const other = Template.fromStack(stateless);

      // Assess
      other.hasResourceProperties("AWS::Scheduler::Schedule", { ScheduleExpression: "rate(1 minute)" });
      other.hasResourceProperties("AWS::Lambda::Function", {
        Environment: { Variables: Match.objectLike({ LINE_MODE: "always" }) },
      });
    });

    it("refuses a context value that would deploy a broken stack", () => {
      expect(() => testApp({ collectRateMinutes: "0" })).toThrow(/collectRateMinutes/);
      expect(() => testApp({ lineMode: "sometimes" })).toThrow(/lineMode/);
      expect(() => testApp({ parameterPrefix: "live-likes/" })).toThrow(/parameterPrefix/);
    });
  });

  it("outputs the page URL, the wss:// URL, the Management API endpoint, the failure bucket and the parameter names", () => {
    // Act
    const outputs = template.findOutputs("*");

    // Assess
    expect(JSON.stringify(outputs.PageUrl!.Value)).toMatch(
      /"https:\/\/",\{"Fn::GetAtt":\["PageDistribution[0-9A-F]+","DomainName"\]\},"\/"/,
    );
    expect(JSON.stringify(outputs.WebSocketUrl!.Value)).toMatch(/^\{"Fn::Join":\["",\["wss:\/\/".*"\/prod"\]\]\}$/);
    expect(JSON.stringify(outputs.ManagementApiEndpoint!.Value)).toMatch(/"https:\/\/".*"\/prod"/);
    expect(outputs.StreamFailureBucketName!.Value).toEqual({ Ref: logicalId(stack.failureBucket) });
    expect(
      Object.fromEntries(
        Object.entries(outputs)
          .filter(([key]) => key.endsWith("Parameter"))
          .map(([key, output]) => [key, output.Value]),
      ),
    ).toEqual({
      TokenSecretParameter: "/live-likes/token-secret",
      LineChannelTokenParameter: "/live-likes/line-channel-token",
      LineRecipientsParameter: "/live-likes/line-recipients",
      QiitaAccountsParameter: "/live-likes/qiita-accounts",
      GithubTokenParameter: "/live-likes/github-token",
    });
  });

  it("synthesizes without CDK errors", () => {
    Annotations.fromStack(stack).hasNoError("*", Match.anyValue());
  });
});
