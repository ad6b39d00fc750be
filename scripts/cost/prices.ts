/**
 * Every price the cost model uses, in one place: us-east-1 list prices in USD, no free tier
 * (accounts created after 2025-07-15 get credits instead of the old 12-month free tier, and the
 * always-free allowances are left out so the bill shows what the usage itself costs).
 *
 * Taken from the AWS pricing pages below as they stood on PRICES_AS_OF; not re-checked since.
 * Check them against your region's page before relying on a figure.
 */

export const PRICES_AS_OF = "2025-12-01";
export const PRICES_REGION = "us-east-1";

export interface Price {
  readonly usd: number;
  /** What one `usd` buys, e.g. "per GB-second". */
  readonly per: string;
  readonly source: string;
}

const LAMBDA = "https://aws.amazon.com/lambda/pricing/";
const APIGW = "https://aws.amazon.com/api-gateway/pricing/";
const DYNAMODB = "https://aws.amazon.com/dynamodb/pricing/on-demand/";
const CLOUDWATCH = "https://aws.amazon.com/cloudwatch/pricing/";
const SSM = "https://aws.amazon.com/systems-manager/pricing/";
const KMS = "https://aws.amazon.com/kms/pricing/";
const SECRETS = "https://aws.amazon.com/secrets-manager/pricing/";
const SCHEDULER = "https://aws.amazon.com/eventbridge/pricing/";
const S3 = "https://aws.amazon.com/s3/pricing/";
const CLOUDFRONT = "https://aws.amazon.com/cloudfront/pricing/";
const SNS = "https://aws.amazon.com/sns/pricing/";
const SQS = "https://aws.amazon.com/sqs/pricing/";
const DATA_TRANSFER = "https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer";

export const PRICES = {
  lambdaArmGbSecond: { usd: 0.0000133334, per: "GB-second (arm64)", source: LAMBDA },
  lambdaRequest: { usd: 0.2 / 1e6, per: "request", source: LAMBDA },
  websocketMessage: { usd: 1.0 / 1e6, per: "message (32 KB increments)", source: APIGW },
  websocketConnectionMinute: { usd: 0.25 / 1e6, per: "connection-minute", source: APIGW },
  dynamoWriteUnit: { usd: 0.625 / 1e6, per: "write request unit (on-demand)", source: DYNAMODB },
  dynamoReadUnit: { usd: 0.125 / 1e6, per: "read request unit (on-demand)", source: DYNAMODB },
  dynamoStorageGbMonth: { usd: 0.25, per: "GB-month of table storage", source: DYNAMODB },
  dynamoPitrGbMonth: { usd: 0.2, per: "GB-month of point-in-time recovery", source: DYNAMODB },
  alarmMetric: { usd: 0.1, per: "standard-resolution alarm metric a month", source: CLOUDWATCH },
  dashboard: { usd: 3.0, per: "dashboard a month", source: CLOUDWATCH },
  customMetric: { usd: 0.3, per: "custom metric a month", source: CLOUDWATCH },
  logIngestGb: { usd: 0.5, per: "GB of logs ingested", source: CLOUDWATCH },
  logStorageGbMonth: { usd: 0.03, per: "GB-month of logs stored", source: CLOUDWATCH },
  ssmStandardParameter: { usd: 0, per: "standard parameter a month (standard throughput API calls free)", source: SSM },
  kmsRequest: { usd: 0.03 / 1e4, per: "KMS request (aws/ssm decrypt)", source: KMS },
  kmsCustomerKey: { usd: 1.0, per: "customer managed key a month", source: KMS },
  secret: { usd: 0.4, per: "secret a month", source: SECRETS },
  secretApiCall: { usd: 0.05 / 1e4, per: "Secrets Manager API call", source: SECRETS },
  schedulerInvocation: { usd: 1.0 / 1e6, per: "Scheduler invocation", source: SCHEDULER },
  s3StorageGbMonth: { usd: 0.023, per: "GB-month (S3 Standard)", source: S3 },
  s3Put: { usd: 0.005 / 1000, per: "PUT/LIST request", source: S3 },
  s3Get: { usd: 0.0004 / 1000, per: "GET request", source: S3 },
  cloudfrontHttpsRequest: { usd: 0.01 / 1e4, per: "HTTPS request (North America/Europe)", source: CLOUDFRONT },
  cloudfrontTransferGb: { usd: 0.085, per: "GB out to the internet (first 10 TB)", source: CLOUDFRONT },
  snsEmail: { usd: 2.0 / 1e5, per: "e-mail notification", source: SNS },
  sqsRequest: { usd: 0.4 / 1e6, per: "SQS request", source: SQS },
  dataTransferOutGb: { usd: 0.09, per: "GB out to the internet (API Gateway frames)", source: DATA_TRANSFER },
} as const satisfies Record<string, Price>;

export type PriceName = keyof typeof PRICES;
export type PriceList = Readonly<Record<PriceName, Price>>;
