/**
 * The one Lambda construct every live-likes function is built with: Node.js 22 on arm64, its own
 * log group with retention, its own role that can write only to that log group, ESM bundled by
 * the local esbuild. Access is added with `bind*` helpers that grant AND set the environment
 * variable together, so a function never has a name it cannot use or a grant it does not need.
 *
 * @example
 *   const connect = new LiveLikesFunction(this, "Connect", { entry: "connect", ... });
 *   connect.bindTable(stateful.connections, ["PutItem"]);
 *   connect.bindParameter(parameters.tokenSecret);
 */
import { fileURLToPath } from "node:url";
import { ArnFormat, type CfnElement, Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import type { WebSocketStage } from "aws-cdk-lib/aws-apigatewayv2";
import { type IRole, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { ApplicationLogLevel, Architecture, type IFunction, LoggingFormat, Runtime, SystemLogLevel } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat, SourceMapMode } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import type { IEmailIdentity } from "aws-cdk-lib/aws-ses";
import type { Construct } from "constructs";
import { RELEASE_SCHEDULE_PREFIX } from "#adapters/scheduler/eventbridge-release-alarm.ts";
import { BODY_KEY_PREFIX, SCHEDULED_BODY_KEY_PREFIX } from "#domain/large-bodies.ts";
import type { LogLevel } from "./deploy-settings.ts";
import type { ProjectParameter } from "./project-parameters.ts";
import type { ProjectTable } from "./project-table.ts";

/** What a scheduled notification's one-time schedule needs: its group, the role Scheduler assumes, the release function. */
export interface ReleaseAlarmTarget {
  /** A literal name (not a token), so the grant and its cdk-nag acknowledgement name it. */
  readonly groupName: string;
  readonly role: IRole;
  readonly target: IFunction;
}

/**
 * The DynamoDB data-plane actions a handler may be given; nothing table-wide like Scan.
 * TransactWriteItems has no action of its own: IAM checks each item's Put/Update/Delete/ConditionCheckItem.
 */
export type TableAction =
  | "GetItem"
  | "PutItem"
  | "UpdateItem"
  | "DeleteItem"
  | "ConditionCheckItem"
  | "Query"
  | "BatchGetItem"
  | "BatchWriteItem";

/** The deployed entry files, src/lambda/<name>.ts, each exporting `handler`. */
export type EntryName =
  | "connect"
  | "disconnect"
  | "default"
  | "stream"
  | "group-part"
  | "collect"
  | "hot-poll"
  | "publish"
  | "release-scheduled"
  | "send-digests";

/** How long every function's logs are kept: two weeks to look into an alarm, then gone. */
export const LOG_RETENTION = RetentionDays.TWO_WEEKS;

export interface LiveLikesFunctionProps {
  /** Which deployed entry: src/lambda/<entry>.ts. */
  readonly entry: EntryName;
  readonly description: string;
  readonly logLevel: LogLevel;
  /**
   * Whether the handlers emit their custom metrics (Powertools Metrics, EMF). Off: each metric
   * would be $0.30 a month that nobody graphs, so POWERTOOLS_METRICS_DISABLED is set.
   */
  readonly customMetrics: boolean;
  /** @default 10 seconds: API Gateway gives a route 29 s, a handler should answer far sooner */
  readonly timeout?: Duration;
  /** @default 256 MB: Lambda's CPU share grows with memory, so 256 starts and runs faster than 128 for fractions of a cent */
  readonly memorySize?: number;
  /** @default none: the account's shared pool. A number caps the function's concurrent invocations (and what a flood can cost). */
  readonly reservedConcurrency?: number;
  /**
   * Leave out Lambda's own START/END/REPORT lines (JSON log format, system log level WARN), for a
   * function invoked so often that they would be most of its log bill. The handler's own lines
   * keep `logLevel`.
   * @default false
   */
  readonly quietPlatformLog?: boolean;
}

const projectRoot = fileURLToPath(new URL("..", import.meta.url));

/** The deployed entry file src/lambda/<name>.ts. */
export function entryFile(name: EntryName): string {
  return fileURLToPath(new URL(`../src/lambda/${name}.ts`, import.meta.url));
}

export class LiveLikesFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: LiveLikesFunctionProps) {
    // Its own group, not Lambda's implicit one: retention is set here instead of "never expire".
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Its own role instead of AWSLambdaBasicExecutionRole, which may create and write any log
    // group in the account: more than a function that writes to one group needs.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: `live-likes ${id}: writes its own log group plus what bind* grants`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: entryFile(props.entry),
      handler: "handler",
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      // Graviton: about 20% cheaper per GB-second than x86, and nothing here is x86-only.
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      ...(props.quietPlatformLog
        ? {
            loggingFormat: LoggingFormat.JSON,
            systemLogLevelV2: SystemLogLevel.WARN,
            // Lambda filters JSON application logs at this level (Powertools reads it too): the same as LOG_LEVEL.
            applicationLogLevelV2: ApplicationLogLevel[props.logLevel],
          }
        : {}),
      role,
      logGroup,
      projectRoot,
      depsLockFilePath: `${projectRoot}package-lock.json`,
      environment: {
        POWERTOOLS_SERVICE_NAME: "live-likes",
        POWERTOOLS_METRICS_NAMESPACE: "LiveLikes",
        LOG_LEVEL: props.logLevel,
        ...(props.customMetrics ? {} : { POWERTOOLS_METRICS_DISABLED: "true" }),
        // Stack traces in the logs point at the .ts lines, through the bundled source map.
        NODE_OPTIONS: "--enable-source-maps",
      },
      bundling: {
        // Never Docker: the esbuild in node_modules is the one the tests run, and CI has no Docker.
        forceDockerBundling: false,
        // The handlers are ES modules (import.meta, top-level await); bundle them as such.
        format: OutputFormat.ESM,
        // The exact runtime, so esbuild keeps native syntax instead of down-levelling it.
        target: "node22",
        // Prefer dependencies' ESM builds so esbuild can tree-shake what a handler does not use.
        mainFields: ["module", "main"],
        // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins;
        // ESM has no require, so give them one.
        banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        // Include the SDK we tested against instead of the runtime's copy, which AWS updates
        // on its own schedule; tree-shaken, it only adds the few clients a handler imports.
        bundleAwsSDK: true,
        // Smaller code loads faster on a cold start; source maps keep traces readable anyway.
        minify: true,
        // A separate .map file next to index.mjs, loaded only when an error is printed.
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        // The map need not carry the sources themselves: file and line are enough in a trace.
        sourcesContent: false,
      },
    });
    Validations.of(this).acknowledge({
      id: "AwsSolutions-L1",
      reason:
        "Node.js 22 on purpose: it is the LTS line the project is built and tested for (package engines, CI), supported by Lambda into 2027; moving to a newer runtime is a deliberate upgrade with its own test run, not a side effect of a deploy.",
    });
  }

  /**
   * Sets the table's environment variable (from its definition) and allows exactly `actions`,
   * on the table or, with `index`, on that one index.
   */
  bindTable({ definition, table }: ProjectTable, actions: readonly TableAction[], options: { readonly index?: string } = {}): this {
    this.addEnvironment(definition.envVar, table.tableName);
    const resource = options.index ? `${table.tableArn}/index/${options.index}` : table.tableArn;
    this.addToRolePolicy(new PolicyStatement({ actions: actions.map((action) => `dynamodb:${action}`), resources: [resource] }));
    return this;
  }

  /**
   * Sets the parameter's environment variable to its NAME and allows reading that one parameter.
   * Only ssm:GetParameter (what Powertools' getParameter calls), not the GetParameters/History
   * that grantRead adds. No kms:Decrypt grant: the AWS managed key aws/ssm admits every principal
   * of the account, so reading the parameter is the one gate.
   */
  bindParameter({ definition, parameter }: ProjectParameter): this {
    this.addEnvironment(definition.envVar, parameter.parameterName);
    this.addToRolePolicy(new PolicyStatement({ actions: ["ssm:GetParameter"], resources: [parameter.parameterArn] }));
    return this;
  }

  /**
   * Sets EMAIL_FROM and allows `ses:SendEmail` (the v2 API's simple message) from that one SES
   * identity and nothing else: no raw mail, no other sender, no templates.
   */
  bindEmail(identity: IEmailIdentity, from: string): this {
    this.addEnvironment("EMAIL_FROM", from);
    this.addToRolePolicy(new PolicyStatement({ actions: ["ses:SendEmail"], resources: [identity.emailIdentityArn] }));
    return this;
  }

  /**
   * Sets BODIES_BUCKET and allows one action on the body objects (src/domain/large-bodies.ts
   * prefixes) and nothing else: "put" (s3:PutObject) for the publish function, "read"
   * (s3:GetObject) for a function that presigns GET URLs, which carry its role's permissions. No
   * list, no delete (lifecycle rules expire the objects), nothing else in the bucket.
   */
  bindBodies(bucket: IBucket, access: "put" | "read"): this {
    this.addEnvironment("BODIES_BUCKET", bucket.bucketName);
    const prefixes = [BODY_KEY_PREFIX, SCHEDULED_BODY_KEY_PREFIX];
    this.addToRolePolicy(
      new PolicyStatement({
        actions: [access === "put" ? "s3:PutObject" : "s3:GetObject"],
        resources: prefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`)),
      }),
    );
    // cdk-nag names an imported bucket by its export, one of this stack by its logical id.
    const imported = (Stack.of(this).resolve(bucket.bucketArn) as { "Fn::ImportValue"?: string })["Fn::ImportValue"];
    const arn = imported ?? `<${Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnElement)}.Arn>`;
    for (const prefix of prefixes) {
      Validations.of(this.role!).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${arn}/${prefix}*]`,
        reason: `Each body's key is its request's hash, known only at run time, so the grant is on the ${prefix} prefix of the bodies bucket and on nothing else.`,
      });
    }
    return this;
  }

  /**
   * Sets RELEASE_SCHEDULE_GROUP, RELEASE_SCHEDULER_ROLE_ARN and RELEASE_FUNCTION_ARN (the publish
   * function's one-time schedules, src/adapters/scheduler/eventbridge-release-alarm.ts) and allows
   * exactly: scheduler:CreateSchedule of `release-*` schedules in that one group (no update, no
   * delete, no other group), and iam:PassRole of that one role, to Scheduler only.
   */
  bindReleaseAlarm(alarm: ReleaseAlarmTarget): this {
    this.addEnvironment("RELEASE_SCHEDULE_GROUP", alarm.groupName);
    this.addEnvironment("RELEASE_SCHEDULER_ROLE_ARN", alarm.role.roleArn);
    this.addEnvironment("RELEASE_FUNCTION_ARN", alarm.target.functionArn);
    const stack = Stack.of(this);
    const schedules = stack.formatArn({
      service: "scheduler",
      resource: "schedule",
      resourceName: `${alarm.groupName}/${RELEASE_SCHEDULE_PREFIX}*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    this.addToRolePolicy(new PolicyStatement({ actions: ["scheduler:CreateSchedule"], resources: [schedules] }));
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ["iam:PassRole"],
        resources: [alarm.role.roleArn],
        conditions: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } },
      }),
    );
    Validations.of(this.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${alarm.groupName}/${RELEASE_SCHEDULE_PREFIX}*]`,
      reason:
        "One schedule per scheduled notification, named release-<id> with an id known only at publish time: CreateSchedule is on that prefix in the stack's own group, nothing else.",
    });
    return this;
  }

  /**
   * Sets MANAGEMENT_API_ENDPOINT to the stage's callback URL and allows POST (PostToConnection)
   * to this stage's connections, nothing else: no GET of a connection's details, and no DELETE,
   * which only the operator's revocation (AWS CLI) uses.
   */
  bindManagementApi(stage: WebSocketStage): this {
    this.addEnvironment("MANAGEMENT_API_ENDPOINT", stage.callbackUrl);
    const stack = Stack.of(stage);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ["execute-api:ManageConnections"],
        resources: [
          stack.formatArn({
            service: "execute-api",
            resource: stage.api.apiId,
            resourceName: `${stage.stageName}/POST/@connections/*`,
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ],
      }),
    );
    const api = stack.getLogicalId(stage.api.node.defaultChild as CfnElement);
    Validations.of(this.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${api}>/${stage.stageName}/POST/@connections/*]`,
      reason:
        "Connection ids are only known at run time, so the resource ends in @connections/*; it is POST on this API's own stage and nothing else.",
    });
    return this;
  }
}
