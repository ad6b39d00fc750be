/**
 * The public WebSocket endpoint: API Gateway holds the sockets and runs one function per route.
 * Route selection reads `action` from the JSON frame; every action the project has (`ping`,
 * `resume`) is answered by the $default function, so there are exactly three routes.
 */
import { RemovalPolicy, Validations } from "aws-cdk-lib";
import { AccessLogFormat, CfnAccount } from "aws-cdk-lib/aws-apigateway";
import { LogGroupLogDestination, WebSocketApi, WebSocketStage } from "aws-cdk-lib/aws-apigatewayv2";
import { WebSocketLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import { ManagedPolicy, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { LOG_RETENTION } from "./live-likes-function.ts";

export interface LiveLikesWebSocketApiProps {
  readonly connect: IFunction;
  readonly disconnect: IFunction;
  readonly default: IFunction;
  /** Also set API Gateway's account-wide CloudWatch Logs role (see DeploySettings). */
  readonly setAccountLogsRole: boolean;
}

export const STAGE_NAME = "prod";

export class LiveLikesWebSocketApi extends Construct {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;

  constructor(scope: Construct, id: string, props: LiveLikesWebSocketApiProps) {
    super(scope, id);

    this.api = new WebSocketApi(this, "Api", {
      description: "live-likes: Qiita likes pushed to browsers and wscat",
      routeSelectionExpression: "$request.body.action",
      connectRouteOptions: { integration: new WebSocketLambdaIntegration("ConnectIntegration", props.connect) },
      disconnectRouteOptions: { integration: new WebSocketLambdaIntegration("DisconnectIntegration", props.disconnect) },
      defaultRouteOptions: {
        integration: new WebSocketLambdaIntegration("DefaultIntegration", props.default),
        // Without a route response the handler's body (`{"type":"pong"}`) never reaches the client.
        returnResponse: true,
      },
    });

    const accessLogs = new LogGroup(this, "AccessLogs", {
      retention: LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new WebSocketStage(this, "Stage", {
      webSocketApi: this.api,
      stageName: STAGE_NAME,
      autoDeploy: true,
      // One writer has a few tabs and phones; these bound what a leaked token or a runaway client
      // can run up (every frame is a Lambda invocation) while leaving ample room for real use.
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // No query string: it carries the subscription token, which must not land in logs.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: "$context.requestId",
            requestTime: "$context.requestTime",
            eventType: "$context.eventType",
            routeKey: "$context.routeKey",
            connectionId: "$context.connectionId",
            status: "$context.status",
            sourceIp: "$context.identity.sourceIp",
            userAgent: "$context.identity.userAgent",
            integrationError: "$context.integration.error",
            error: "$context.error.message",
          }),
        ),
      },
    });

    if (props.setAccountLogsRole) {
      // WebSocket stages refuse access logging ("CloudWatch Logs role ARN must be set in account
      // settings") until this account-wide setting exists. Retained: other APIs of the account
      // may rely on it after this stack is gone.
      const logsRole = new Role(this, "ApiGatewayLogsRole", {
        assumedBy: new ServicePrincipal("apigateway.amazonaws.com"),
        managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName("service-role/AmazonAPIGatewayPushToCloudWatchLogs")],
      });
      logsRole.applyRemovalPolicy(RemovalPolicy.RETAIN);
      Validations.of(logsRole).acknowledge({
        id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
        reason:
          "The policy AWS documents for API Gateway's account-wide logging role; API Gateway creates log groups of its own names, so it cannot be narrowed.",
      });
      const account = new CfnAccount(this, "ApiGatewayAccount", { cloudWatchRoleArn: logsRole.roleArn });
      account.applyRemovalPolicy(RemovalPolicy.RETAIN);
      // As CDK's own RestApi does: in a fresh account, setting the role before any API exists has
      // failed with "The role ARN does not have required permissions" (IAM not yet propagated).
      account.node.addDependency(this.api);
      this.stage.node.addDependency(account);
    }

    for (const route of ["$connect", "$disconnect", "$default"]) {
      const routeConstruct = this.api.node.findChild(`${route}-Route`);
      Validations.of(routeConstruct).acknowledge({
        id: "AwsSolutions-APIG4",
        reason:
          route === "$connect"
            ? "The connect function is the authorizer: it verifies the HMAC subscription token and answers 401 before any row is written."
            : "Only a connection that $connect accepted can send frames; API Gateway never routes frames of a refused connection.",
      });
    }
  }
}
