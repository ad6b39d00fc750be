/**
 * The browser client (web/) hosted by the stack: a private S3 bucket that only CloudFront may
 * read (origin access control), the security headers set by CloudFront, and a generated
 * /config.json that tells the page which WebSocket endpoint it may connect to and where it sends
 * its hot pings:
 *
 *   {"websocketUrl": "wss://<api>.execute-api.<region>.amazonaws.com/prod",
 *    "hotPollUrl": "https://<url-id>.lambda-url.<region>.on.aws/"}
 *
 * The CSP's connect-src admits 'self', that API's origin and that function URL's origin only, so
 * a page tricked into using another endpoint (?ws=…) cannot send the stored token anywhere else.
 *
 * @example
 *   const page = new PageHosting(this, "Page", { webSocketUrl: stage.url, webSocketOrigin: api.apiEndpoint, hotPollUrl: url.url });
 *   new CfnOutput(this, "PageUrl", { value: page.pageUrl });
 */
import { fileURLToPath } from "node:url";
import { type CfnElement, Duration, Fn, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import {
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from "aws-cdk-lib/aws-cloudfront";
import { S3BucketOrigin } from "aws-cdk-lib/aws-cloudfront-origins";
import { LogGroup } from "aws-cdk-lib/aws-logs";
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from "aws-cdk-lib/aws-s3";
import { BucketDeployment, Source } from "aws-cdk-lib/aws-s3-deployment";
import { Construct } from "constructs";
import { LOG_RETENTION } from "./live-likes-function.ts";

export interface PageHostingProps {
  /** What the page connects to: the stage's wss:// URL, written into /config.json. */
  readonly webSocketUrl: string;
  /** The API's origin (wss://host, no path), the one endpoint the CSP's connect-src admits. */
  readonly webSocketOrigin: string;
  /** The hot-poll function URL (https://…/), written into /config.json; its origin joins connect-src. */
  readonly hotPollUrl: string;
}

/** The page's key in the bucket and the path the page fetches beside itself. */
export const CONFIG_FILE = "config.json";

/** https://host/ → https://host: a function URL's origin, at deploy time (its attribute is a token). */
export function urlOrigin(url: string): string {
  return `https://${Fn.select(2, Fn.split("/", url))}`;
}

export function contentSecurityPolicy(webSocketOrigin: string, hotPollOrigin?: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    // The favicon is an inline data: SVG.
    "img-src 'self' data:",
    `connect-src 'self' ${webSocketOrigin}${hotPollOrigin ? ` ${hotPollOrigin}` : ""}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
}

export class PageHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly headers: ResponseHeadersPolicy;
  readonly deployment: BucketDeployment;
  /** https://<distribution>.cloudfront.net/ */
  readonly pageUrl: string;

  constructor(scope: Construct, id: string, props: PageHostingProps) {
    super(scope, id);

    this.bucket = new Bucket(this, "Bucket", {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Only build output lives here; the deployment below empties it on delete.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.bucket).acknowledge({
      id: "AwsSolutions-S1",
      reason:
        "The bucket holds the public page's static files, written only by the deployment and read only by CloudFront (origin access control); server access logs would need a second bucket and record nothing but CloudFront's cache misses.",
    });

    this.headers = new ResponseHeadersPolicy(this, "Headers", {
      comment: "live-likes page: CSP admits only this stack's WebSocket API and hot-poll URL, no framing, no referrer",
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy(props.webSocketOrigin, urlOrigin(props.hotPollUrl)),
          override: true,
        },
        // The page URL never leaves the page, nor would a token if one were ever in it.
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });

    this.distribution = new Distribution(this, "Distribution", {
      comment: "live-likes page",
      defaultRootObject: "index.html",
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: this.headers,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
      },
      // North America and Europe edges (cheapest class); Asia is served from them at a little more latency.
      priceClass: PriceClass.PRICE_CLASS_100,
      httpVersion: HttpVersion.HTTP2_AND_3,
    });
    for (const [rule, reason] of [
      [
        "AwsSolutions-CFR1",
        "No geo restriction: the page is for whoever holds a subscription token, wherever they are; the token, not the country, is the gate.",
      ],
      [
        "AwsSolutions-CFR2",
        "No WAF: a web ACL costs $5+ a month, ten times this stack's budget; the distribution serves only static files, and the API behind the page has its own throttling and token check.",
      ],
      [
        "AwsSolutions-CFR3",
        "No access logs: they need a logging bucket with ACLs and would record only static file fetches of one person's page; CloudFront's free metrics show errors.",
      ],
      [
        "AwsSolutions-CFR4",
        "The default *.cloudfront.net certificate: CloudFront then negotiates TLS 1.2+ with modern clients; a custom domain and certificate (which allow pinning the policy) are the deployer's choice.",
      ],
    ] as const) {
      Validations.of(this.distribution).acknowledge({ id: rule, reason });
    }

    const webDir = fileURLToPath(new URL("../web/", import.meta.url));
    this.deployment = new BucketDeployment(this, "Deploy", {
      sources: [
        // Type declarations are for the type-checker, not the browser.
        Source.asset(webDir, { exclude: ["*.d.ts", "*.test.*"] }),
        Source.jsonData(CONFIG_FILE, { websocketUrl: props.webSocketUrl, hotPollUrl: props.hotPollUrl }),
      ],
      destinationBucket: this.bucket,
      // A redeploy shows the new page at once instead of after the 24 h cache.
      distribution: this.distribution,
      distributionPaths: ["/*"],
      // Deleting the stack removes the files, so the bucket can be deleted with it.
      retainOnDelete: false,
      logGroup: new LogGroup(this, "DeployLogs", { retention: LOG_RETENTION, removalPolicy: RemovalPolicy.DESTROY }),
    });

    this.pageUrl = `https://${this.distribution.distributionDomainName}/`;
    acknowledgeDeploymentHandler(Stack.of(this), this.bucket);
  }
}

/**
 * The deployment's Lambda is CDK's own singleton at the stack's root, run only during a deploy to
 * copy files; its findings are about code this project does not write.
 */
function acknowledgeDeploymentHandler(stack: Stack, pageBucket: Bucket): void {
  const bucket = stack.getLogicalId(pageBucket.node.defaultChild as CfnElement);
  const copies =
    "CDK's BucketDeployment handler copies the web/ asset from CDK's staging bucket into the page bucket (and empties it on delete), object names unknown in advance, during a deploy only.";
  const findings: readonly (readonly [string, string])[] = [
    [
      "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
      "CDK's BucketDeployment handler writes its logs through the AWS managed basic execution policy; it runs only during a deploy.",
    ],
    ["AwsSolutions-IAM5[Action::s3:GetBucket*]", copies],
    ["AwsSolutions-IAM5[Action::s3:GetObject*]", copies],
    ["AwsSolutions-IAM5[Action::s3:List*]", copies],
    ["AwsSolutions-IAM5[Action::s3:Abort*]", copies],
    ["AwsSolutions-IAM5[Action::s3:DeleteObject*]", copies],
    ["AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]", copies],
    [`AwsSolutions-IAM5[Resource::<${bucket}.Arn>/*]`, copies],
    [
      "AwsSolutions-IAM5[Resource::*]",
      "CloudFront's CreateInvalidation/GetInvalidation, which CDK's BucketDeployment handler calls after a deploy, take no resource-level permission.",
    ],
    ["AwsSolutions-L1", "The runtime of CDK's BucketDeployment handler is chosen by aws-cdk-lib and moves with it."],
  ];
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith("Custom::CDKBucketDeployment")) continue;
    for (const [id, reason] of findings) Validations.of(child).acknowledge({ id, reason });
  }
}
