/**
 * The public publish API (`/v1`, docs/ARCHITECTURE.md "Publish API"): an API Gateway HTTP API whose
 * every `/v1/…` request goes, as a payload-2.0 event, to the publish function, which checks the
 * publish key and routes by method and path itself (the same handler `npm start` serves locally).
 *
 * @example
 *   const publishApi = new PublishHttpApi(this, "PublishApi", { handler: publish });
 *   new CfnOutput(this, "PublishApiUrl", { value: publishApi.url });
 */
import { RemovalPolicy, Validations } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { LOG_RETENTION } from "./live-likes-function.ts";

export interface PublishHttpApiProps {
  readonly handler: IFunction;
}

/**
 * Requests per second the stage admits (steady, burst). Every request that passes is a Lambda
 * invocation and, when accepted, a DynamoDB transaction, a stream invocation and a fan-out; a
 * request without a key costs an invocation too. The systems that publish (a batch job, a CI
 * pipeline) send a few a minute, so 20/s with bursts of 40 leaves them ample room while bounding
 * what a leaked key or a runaway loop can spend per second; above it API Gateway answers 429
 * itself, invoking nothing.
 */
export const PUBLISH_THROTTLE = { rateLimit: 20, burstLimit: 40 } as const;

export class PublishHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: PublishHttpApiProps) {
    super(scope, id);

    this.api = new HttpApi(this, "Api", {
      description: "live-likes: the publish API (POST /v1/notifications, receipts, groups)",
      // The stage below is the default one, with throttling and access logs the default stage
      // props cannot set. No CORS: callers are servers and scripts, not pages.
      createDefaultStage: false,
    });
    // One route for the whole /v1 tree: the handler answers 404/405 with the project's error body,
    // so a path added to it (groups, DELETE) needs no infra change.
    const [route] = this.api.addRoutes({
      path: "/v1/{proxy+}",
      methods: [HttpMethod.ANY],
      integration: new HttpLambdaIntegration("PublishIntegration", props.handler),
    });
    Validations.of(route!).acknowledge({
      id: "AwsSolutions-APIG4",
      reason:
        "The publish function is the authorizer: it answers 401 before any other read unless the Bearer key's SHA-256 hash is a live publish key (one GetItem); a separate Lambda authorizer would double the invocations.",
    });

    const accessLogs = new LogGroup(this, "AccessLogs", {
      retention: LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, "Stage", {
      httpApi: this.api,
      // $default: the URL is the API's root, so the paths are exactly /v1/… as on the laptop.
      autoDeploy: true,
      throttle: PUBLISH_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // No request headers (Authorization carries the publish key) and no body.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: "$context.requestId",
            requestTime: "$context.requestTime",
            method: "$context.httpMethod",
            path: "$context.path",
            routeKey: "$context.routeKey",
            status: "$context.status",
            responseLength: "$context.responseLength",
            latency: "$context.responseLatency",
            sourceIp: "$context.identity.sourceIp",
            userAgent: "$context.identity.userAgent",
            integrationError: "$context.integrationErrorMessage",
            error: "$context.error.message",
          }),
        ),
      },
    });
  }

  /** The API's base URL, ending in `/`: requests go to `${url}v1/notifications`. */
  get url(): string {
    return this.stage.url;
  }
}
