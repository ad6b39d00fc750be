/**
 * The deploy-time choices, read from CDK context (`cdk.json` or `-c key=value`), validated once
 * so a typo stops `cdk synth` with a message instead of deploying a broken stack.
 *
 * @example
 *   npx cdk deploy --all -c collectRateMinutes=10 -c lineMode=always -c alarmEmail=me@example.com
 */
import type { Node } from "constructs";
import { DEFAULT_PARAMETER_PREFIX } from "#adapters/secrets/setting-parameters.ts";
import { DEFAULT_LINE_MONTHLY_LIMIT } from "#domain/delivery/line-quota.ts";
import { LINE_MODES, type LineMode } from "#domain/line-mode.ts";
import { CHANNEL_MODES, type ChannelMode } from "#domain/preferences/preferences.ts";
import { DEFAULT_DIGEST_HOUR } from "#domain/preferences/preferences.ts";
import { DEFAULT_TIME_ZONE, isTimeZone } from "#domain/stats/days.ts";

export type { LineMode };
export type LogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR";

export interface DeploySettings {
  /** Minutes between two collector runs (EventBridge Scheduler rate). */
  readonly collectRateMinutes: number;
  /** LINE_MODE of the stream handler. */
  readonly lineMode: LineMode;
  /** TIME_ZONE of the stream and default functions: the IANA zone `stats` counts days in. */
  readonly timeZone: string;
  /** LINE_MONTHLY_LIMIT of the functions that push to LINE: the messages the LINE plan allows a month. */
  readonly lineMonthlyLimit: number;
  /** DIGEST_HOUR of the digests function: the hour (0-23, in timeZone) everyone's daily digest goes out. */
  readonly digestHour: number;
  /**
   * E-mail (issue 13): the sender's address (EMAIL_FROM), an SES identity this stack creates and
   * grants `ses:SendEmail` on — the address itself, or `emailDomain` when given (verify the domain
   * once, send from any address in it). undefined: no e-mail ("not-configured" on receipts).
   */
  readonly email?: { readonly from: string; readonly domain?: string };
  /** EMAIL_MODE: e-mail's mode for whoever chose none. */
  readonly emailMode: ChannelMode;
  /** LOG_LEVEL of every function (Powertools Logger). */
  readonly logLevel: LogLevel;
  /** Where alarm notifications are mailed; none: subscribe to the topic yourself. */
  readonly alarmEmail?: string;
  /**
   * Whether this app sets API Gateway's account-wide CloudWatch Logs role, which WebSocket access
   * logs need. Turn off when the account already has one (another stack set it).
   */
  readonly apiGatewayLogsRole: boolean;
  /** MAX_CONNECTIONS_PER_USER of the connect function: over it, $connect answers 429. */
  readonly maxConnectionsPerUser: number;
  /**
   * The CloudWatch dashboard and the handlers' custom metrics. Off by default: together they cost
   * about $3 + $0.30 per metric a month, six times the rest of the stack for one writer.
   */
  readonly detailedMonitoring: boolean;
  /** Path under which the SSM SecureString settings live, e.g. "/live-likes" (one per deployment). */
  readonly parameterPrefix: string;
  /**
   * Reserved concurrency of the hot-poll function, so a flood of pings cannot run up a bill;
   * undefined ("none"): the account's shared pool, for an account whose concurrency quota (10 in
   * a new account) leaves nothing to reserve.
   */
  readonly hotPollConcurrency?: number;
  /**
   * Reserved concurrency of the GroupPart function: parts of a large group message run at most
   * this many at once, each with 64 posts open, which keeps a broadcast inside API Gateway's
   * account limit of 10,000 PostToConnection calls a second (docs/SCALE.md). undefined ("none"):
   * the shared pool, for an account with nothing to reserve; throttled posts are then retried.
   */
  readonly groupPartConcurrency?: number;
}

export class DeploySettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeploySettingError";
  }
}

const LOG_LEVELS: readonly LogLevel[] = ["DEBUG", "INFO", "WARN", "ERROR"];

export function readDeploySettings(node: Node): DeploySettings {
  const get = (key: string): unknown => node.tryGetContext(key);

  const rate = Number(get("collectRateMinutes") ?? 5);
  if (!Number.isInteger(rate) || rate < 1 || rate > 1440) {
    throw new DeploySettingError(
      `collectRateMinutes must be a whole number of minutes from 1 to 1440 (got ${String(get("collectRateMinutes"))}): fix it in cdk.json or pass -c collectRateMinutes=5.`,
    );
  }
  const lineMode = String(get("lineMode") ?? "fallback") as LineMode;
  if (!LINE_MODES.includes(lineMode)) {
    throw new DeploySettingError(`lineMode must be one of ${LINE_MODES.join(", ")} (got ${lineMode}): pass -c lineMode=fallback.`);
  }
  const logLevel = String(get("logLevel") ?? "INFO").toUpperCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new DeploySettingError(`logLevel must be one of ${LOG_LEVELS.join(", ")} (got ${logLevel}): pass -c logLevel=INFO.`);
  }
  const timeZone = String(get("timeZone") ?? DEFAULT_TIME_ZONE);
  if (!isTimeZone(timeZone)) {
    throw new DeploySettingError(
      `timeZone must be an IANA time zone name (got ${timeZone}): pass -c timeZone=${DEFAULT_TIME_ZONE} or -c timeZone=UTC.`,
    );
  }
  const lineMonthlyLimit = Number(get("lineMonthlyLimit") ?? DEFAULT_LINE_MONTHLY_LIMIT);
  if (!Number.isInteger(lineMonthlyLimit) || lineMonthlyLimit < 1) {
    throw new DeploySettingError(
      `lineMonthlyLimit must be the whole number of messages your LINE plan allows a month (got ${String(get("lineMonthlyLimit"))}): pass -c lineMonthlyLimit=${DEFAULT_LINE_MONTHLY_LIMIT}.`,
    );
  }
  const digestHour = Number(get("digestHour") ?? DEFAULT_DIGEST_HOUR);
  if (!Number.isInteger(digestHour) || digestHour < 0 || digestHour > 23) {
    throw new DeploySettingError(
      `digestHour must be a whole hour from 0 to 23 (got ${String(get("digestHour"))}): pass -c digestHour=${DEFAULT_DIGEST_HOUR}.`,
    );
  }
  const email = get("alarmEmail");
  if (email !== undefined && email !== "" && !/^[^@\s]+@[^@\s]+$/.test(String(email))) {
    throw new DeploySettingError(
      `alarmEmail is not an e-mail address (got ${String(email)}): pass -c alarmEmail=you@example.com or leave it out.`,
    );
  }
  const maxConnections = Number(get("maxConnectionsPerUser") ?? 20);
  if (!Number.isInteger(maxConnections) || maxConnections < 1 || maxConnections > 1000) {
    throw new DeploySettingError(
      `maxConnectionsPerUser must be a whole number from 1 to 1000 (got ${String(get("maxConnectionsPerUser"))}): pass -c maxConnectionsPerUser=20.`,
    );
  }
  const prefix = String(get("parameterPrefix") ?? DEFAULT_PARAMETER_PREFIX);
  if (!/^(\/[A-Za-z0-9_.-]+)+$/.test(prefix) || /^\/(aws|ssm)(\/|$)/i.test(prefix)) {
    throw new DeploySettingError(
      `parameterPrefix must be an SSM path like /live-likes (letters, digits, _ . -, no trailing slash, not under /aws or /ssm; got ${prefix}): pass -c parameterPrefix=/live-likes.`,
    );
  }
  const hotPollConcurrency = String(get("hotPollConcurrency") ?? 2);
  if (hotPollConcurrency !== "none" && !/^([1-9]|10)$/.test(hotPollConcurrency)) {
    throw new DeploySettingError(
      `hotPollConcurrency must be a whole number from 1 to 10, or none (got ${hotPollConcurrency}): pass -c hotPollConcurrency=2.`,
    );
  }
  const groupPartConcurrency = String(get("groupPartConcurrency") ?? 3);
  if (groupPartConcurrency !== "none" && !/^([1-9]|10)$/.test(groupPartConcurrency)) {
    throw new DeploySettingError(
      `groupPartConcurrency must be a whole number from 1 to 10, or none (got ${groupPartConcurrency}): pass -c groupPartConcurrency=3.`,
    );
  }
  const emailFrom = get("emailFrom");
  const emailDomain = get("emailDomain");
  if (emailFrom !== undefined && emailFrom !== "" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(String(emailFrom))) {
    throw new DeploySettingError(
      `emailFrom is not an e-mail address (got ${String(emailFrom)}): pass -c emailFrom=likes@example.com or leave it out.`,
    );
  }
  if (emailDomain !== undefined && emailDomain !== "" && !String(emailFrom ?? "").endsWith(`@${String(emailDomain)}`)) {
    throw new DeploySettingError(
      `emailDomain ${String(emailDomain)} must be the domain of emailFrom (got ${String(emailFrom)}): pass -c emailFrom=likes@${String(emailDomain)}.`,
    );
  }
  const emailMode = String(get("emailMode") ?? "fallback") as ChannelMode;
  if (!CHANNEL_MODES.includes(emailMode)) {
    throw new DeploySettingError(`emailMode must be one of ${CHANNEL_MODES.join(", ")} (got ${emailMode}): pass -c emailMode=fallback.`);
  }
  const logsRole = get("apiGatewayLogsRole");
  return {
    collectRateMinutes: rate,
    lineMode,
    timeZone,
    lineMonthlyLimit,
    digestHour,
    logLevel,
    ...(email ? { alarmEmail: String(email) } : {}),
    ...(emailFrom ? { email: { from: String(emailFrom), ...(emailDomain ? { domain: String(emailDomain) } : {}) } } : {}),
    emailMode,
    apiGatewayLogsRole: flag(logsRole, true),
    maxConnectionsPerUser: maxConnections,
    detailedMonitoring: flag(get("detailedMonitoring"), false),
    parameterPrefix: prefix,
    ...(hotPollConcurrency === "none" ? {} : { hotPollConcurrency: Number(hotPollConcurrency) }),
    ...(groupPartConcurrency === "none" ? {} : { groupPartConcurrency: Number(groupPartConcurrency) }),
  };
}

/** A boolean context value: true/false from cdk.json, "true"/"false" from -c. */
function flag(value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return value === true || value === "true";
}
