/**
 * The monthly bill: the template's inventory and the usage model, priced line by line, each line
 * carrying the arithmetic that produced it. Pure: no I/O, so tests check the sums exactly.
 */
import { PRICES, type PriceList, type PriceName } from "./prices.ts";
import type { Inventory } from "./template-inventory.ts";
import { BEHAVIOUR, monthlyCounts, type MonthlyCounts, type Usage } from "./usage.ts";

export interface BillLine {
  readonly service: string;
  readonly item: string;
  readonly quantity: number;
  readonly price: PriceName;
  readonly usd: number;
  /** "quantity × unit price", as printed. */
  readonly arithmetic: string;
}

export interface Bill {
  readonly usage: Usage;
  readonly counts: MonthlyCounts;
  readonly lines: readonly BillLine[];
  readonly totalUsd: number;
}

/** Custom metrics the handlers emit when detailedMonitoring is on (stream 4, collector 5). */
export const CUSTOM_METRIC_COUNT = 9;
/** The release function's memory (infra/stateless-stack.ts ReleaseScheduled). */
const RELEASE_MEMORY_MB = 128;
/** The daily digests' function: 128 MB, a run of two index Queries and nothing owed takes ~0.3 s. */
const DIGEST_MEMORY_MB = 128;
const DIGEST_RUN_SECONDS = 0.3;

export function monthlyBill(inv: Inventory, usage: Usage, prices: PriceList = PRICES, behaviour: typeof BEHAVIOUR = BEHAVIOUR): Bill {
  const counts = monthlyCounts(usage, behaviour);
  const gb = inv.functionMemoryMb / 1024;
  const lines: BillLine[] = [];
  const line = (service: string, item: string, quantity: number, price: PriceName): void => {
    const unit = prices[price].usd;
    lines.push({ service, item, quantity, price, usd: quantity * unit, arithmetic: `${formatQuantity(quantity)} × $${formatUnit(unit)}` });
  };

  // Scheduled notifications: one one-time schedule each, which invokes the release function once at
  // its sendAt (docs/SCALE.md "Scheduled notifications, deployed"). None scheduled, nothing runs.
  const releases = inv.releaseScheduleGroups > 0 ? usage.writers * usage.scheduledPerWriterPerMonth : 0;
  // The daily digests: a run every 15 minutes, two Queries of the byChannel index (line, email).
  const digestRuns = inv.digestSchedules * usage.daysPerMonth * 24 * 4;
  // Lambda
  const gbSeconds =
    counts.collectorRuns * counts.collectorSeconds * gb +
    counts.defaultInvocations * behaviour.defaultSeconds * gb +
    counts.connects * (behaviour.connectSeconds + behaviour.disconnectSeconds) * gb +
    counts.streamInvocations * behaviour.streamSeconds * gb +
    releases * behaviour.releaseSeconds * (RELEASE_MEMORY_MB / 1024) +
    digestRuns * DIGEST_RUN_SECONDS * (DIGEST_MEMORY_MB / 1024);
  const invocations =
    counts.collectorRuns + counts.defaultInvocations + 2 * counts.connects + counts.streamInvocations + releases + digestRuns;
  line("Lambda", `compute, ${inv.functionMemoryMb} MB arm64 (GB-s)`, gbSeconds, "lambdaArmGbSecond");
  line("Lambda", "requests", invocations, "lambdaRequest");

  // API Gateway WebSocket
  line("API Gateway", "WebSocket messages", counts.websocketMessages, "websocketMessage");
  line("API Gateway", "connection-minutes", counts.connectionMinutes, "websocketConnectionMinute");
  line("API Gateway", "frames out (GB)", counts.frameTransferGb, "dataTransferOutGb");

  // DynamoDB
  line("DynamoDB", "read request units", counts.readUnits, "dynamoReadUnit");
  line("DynamoDB", "write request units", counts.writeUnits, "dynamoWriteUnit");
  // A release: one consistent GetItem (1 read unit), one conditional UpdateItem (1 write unit).
  if (releases > 0) {
    line("DynamoDB", "read request units, scheduled releases", releases, "dynamoReadUnit");
    line("DynamoDB", "write request units, scheduled releases", releases, "dynamoWriteUnit");
  }
  // An eventually consistent Query reading nothing costs half a read unit.
  if (digestRuns > 0) line("DynamoDB", "read request units, digest runs (2 index Queries)", digestRuns * 2 * 0.5, "dynamoReadUnit");
  line("DynamoDB", "storage, articles (GB-month)", counts.articleStorageGb, "dynamoStorageGbMonth");
  line("DynamoDB", "point-in-time recovery, articles (GB-month)", counts.articleStorageGb, "dynamoPitrGbMonth");

  // Settings
  line("SSM Parameter Store", "4 standard SecureString parameters", 4, "ssmStandardParameter");
  line("KMS", "decrypts of parameters (aws/ssm key)", counts.parameterReads, "kmsRequest");
  if (inv.secrets > 0) {
    line("Secrets Manager", `${inv.secrets} secrets`, inv.secrets, "secret");
    line("Secrets Manager", "API calls", counts.parameterReads, "secretApiCall");
  }
  if (inv.customerKeys > 0) line("KMS", "customer managed keys", inv.customerKeys, "kmsCustomerKey");

  // Schedule
  if (inv.schedules > 0)
    line("EventBridge Scheduler", "collector invocations", counts.collectorRuns * inv.schedules, "schedulerInvocation");
  // CreateSchedule itself is not billed; each one-time schedule's one invocation is.
  if (releases > 0) line("EventBridge Scheduler", "one-time schedules, one per scheduled notification", releases, "schedulerInvocation");
  if (digestRuns > 0) line("EventBridge Scheduler", "daily-digest runs (1 every 15 minutes)", digestRuns, "schedulerInvocation");

  // CloudWatch
  line("CloudWatch", `alarms (${inv.alarmMetrics} alarm metrics)`, inv.alarmMetrics, "alarmMetric");
  if (inv.dashboards > 0) line("CloudWatch", "dashboards", inv.dashboards, "dashboard");
  if (inv.customMetrics) line("CloudWatch", "custom metrics (Powertools)", CUSTOM_METRIC_COUNT, "customMetric");
  const logGb =
    (invocations * behaviour.logBytesPerInvocation + (counts.websocketMessages + 2 * counts.connects) * behaviour.accessLogBytesPerEvent) /
    1e9;
  line("CloudWatch", "logs ingested (GB)", logGb, "logIngestGb");
  line(
    "CloudWatch",
    `logs stored, ${inv.logRetentionDays} days' retention (GB-month)`,
    logGb * Math.min(1, inv.logRetentionDays / 30),
    "logStorageGbMonth",
  );

  // The page and the failure bucket
  if (inv.distributions > 0) {
    line("CloudFront", "HTTPS requests", counts.pageRequests, "cloudfrontHttpsRequest");
    line("CloudFront", "data out (GB)", counts.pageTransferGb, "cloudfrontTransferGb");
    // Worst case: every request misses the cache and reads S3.
    line("S3", "GET (page, on cache misses)", counts.pageRequests, "s3Get");
  }
  line("S3", "storage: page, failures, CDK staging (GB-month)", behaviour.stagingBucketGb, "s3StorageGbMonth");
  if (inv.queues > 0) line("SQS", "requests (empty queue polled by nobody)", 0, "sqsRequest");

  const totalUsd = lines.reduce((sum, { usd }) => sum + usd, 0);
  return { usage, counts, lines, totalUsd };
}

function formatQuantity(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  return value < 1 ? value.toPrecision(3) : value.toLocaleString("en-US", { maximumFractionDigits: 1 });
}

/** Unit prices as the pricing pages print them: small ones per million. */
function formatUnit(value: number): string {
  if (value === 0 || value >= 1) return value.toFixed(2);
  if (value >= 0.01) return String(Number(value.toFixed(4)));
  if (value >= 0.0001) return value.toPrecision(2);
  return `${Number((value * 1e6).toPrecision(4))}/M`;
}
