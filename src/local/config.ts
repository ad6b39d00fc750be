/**
 * The local runtime's settings, read once from the environment (docs/ARCHITECTURE.md
 * "Environment"). Every problem is a SettingError naming the variable and how to fix it, so
 * `npm start` can stop with one clear line instead of a stack trace.
 */
import { z } from "zod";
import { type TableRole, tableNames } from "#adapters/dynamodb/table-definitions.ts";
import { DEFAULT_LINE_MONTHLY_LIMIT } from "#domain/delivery/line-quota.ts";
import { LINE_MODES, type LineMode } from "#domain/line-mode.ts";
import { CHANNEL_MODES, type ChannelMode, DEFAULT_DIGEST_HOUR } from "#domain/preferences/preferences.ts";
import { SettingError } from "#domain/setting-error.ts";
import { DEFAULT_TIME_ZONE, isTimeZone } from "#domain/stats/days.ts";
import { MIN_TOKEN_SECRET_LENGTH } from "#domain/token.ts";
import { DEFAULT_MAX_CONNECTIONS_PER_USER } from "#handlers/connect.handler.ts";

export const LOG_LEVELS = ["DEBUG", "INFO", "WARN", "ERROR", "SILENT"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LocalConfig {
  readonly port: number;
  /** An existing DynamoDB to use; undefined: start DynamoDB Local on dynamodbPort. */
  readonly dynamodbEndpoint?: string;
  /**
   * How to sign for DYNAMODB_ENDPOINT (AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY): a
   * DynamoDB Local keeps one database per access key id and region. The DynamoDB Local that
   * `npm start` starts brings its own.
   */
  readonly dynamodbSigning: {
    readonly region: string;
    readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  };
  readonly dynamodbPort: number;
  /** Directory to persist into; undefined: in memory (DATA_DIR=memory). */
  readonly dataDir?: string;
  /** undefined: demo mode with a simulated Qiita account (or, with `github` set, no Qiita at all). */
  readonly qiita?: { readonly token: string; readonly baseUrl: string };
  /**
   * The GitHub account whose repositories' stars are watched (GITHUB_TOKEN); undefined: none, or
   * the demo's simulated one when Qiita is not configured either.
   */
  readonly github?: { readonly token: string; readonly baseUrl: string; readonly pollIntervalSeconds: number };
  readonly pollIntervalSeconds: number;
  /**
   * Hot polls of the first page while the writer has a tab open (issue 11): the interval bounds
   * and the part of Qiita's hourly budget all polling may spend. `budgetShare` 0 turns them off.
   */
  readonly hotPoll: { readonly minSeconds: number; readonly maxSeconds: number; readonly budgetShare: number };
  readonly line?: { readonly channelAccessToken: string; readonly to: string; readonly baseUrl: string };
  readonly lineMode: LineMode;
  /** undefined: generated once and kept in DATA_DIR. */
  readonly tokenSecret?: string;
  readonly maxConnectionsPerUser: number;
  /** Open sockets the WebSocket emulator accepts at once. */
  readonly maxSockets: number;
  readonly logLevel: LogLevel;
  /**
   * S3 for bodies too large for a frame: the S3-compatible server at `endpoint` (signed with
   * `credentials` when AWS_ACCESS_KEY_ID is set), or the one npm start runs on `port`.
   */
  readonly s3: {
    readonly port: number;
    readonly endpoint?: string;
    readonly bucket: string;
    readonly region?: string;
    readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  };
  /** IANA zone days are counted in (stats) for whoever did not choose their own. */
  readonly timeZone: string;
  /** Hour (0-23, in the person's zone) of the daily digest for whoever did not choose their own (DIGEST_HOUR). */
  readonly digestHour: number;
  /** LINE messages a month the channel may send (LINE_MONTHLY_LIMIT): its plan's allowance. */
  readonly lineMonthlyLimit: number;
  /**
   * E-mail (issue 13): through the SES v2 endpoint at `sesEndpoint`, or the emulator npm start runs
   * on `sesPort`; from `from`; to `to` for the user served here when they set no address of their own;
   * `mode` for whoever chose none; links to `pageUrl` (default: this server's page).
   */
  readonly email: {
    readonly sesPort: number;
    readonly sesEndpoint?: string;
    readonly from: string;
    readonly to?: string;
    readonly mode: ChannelMode;
    readonly pageUrl?: string;
  };
  readonly tables: Readonly<Record<TableRole, string>>;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Qiita allows 1000 requests an hour; one poll a minute leaves room for likes lookups. */
const DEFAULT_POLL_SECONDS = 60;
/** The demo simulates its own account, so it can poll often and show likes quickly. */
const DEMO_POLL_SECONDS = 3;
/**
 * GitHub allows 5,000 requests an hour, and an idle poll is all 304s, which it does not count:
 * a poll a minute costs only the stars that happened (a repository page and its stargazers page).
 */
export const GITHUB_POLL_SECONDS = 60;
export const DEFAULT_GITHUB_API_BASE_URL = "https://api.github.com";
export const DEFAULT_MAX_SOCKETS = 2_000;
/** The port aws-ses-v2-local uses by default. */
export const DEFAULT_SES_PORT = 8005;
export const DEFAULT_EMAIL_FROM = "live-likes@localhost";
/** Like LINE_MODE's default: e-mail only for what no open tab showed. */
export const DEFAULT_EMAIL_MODE: ChannelMode = "fallback";
/** Enough to catch a typo; SES (or the emulator) has the last word. */
const EMAIL_ADDRESS = /^[^\s@<>()",;]+@[^\s@<>()",;]+$/;
/** The S3-compatible server npm start runs (s3rver's own default port). */
export const DEFAULT_S3_PORT = 4569;
export const DEFAULT_BODIES_BUCKET = "live-likes-bodies";
/** S3's bucket naming rules (general purpose buckets). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Hot polls: at most one every 5 s, and none slower than a minute (the sweeps carry on then). */
const DEFAULT_HOT_POLL_MIN_SECONDS = 5;
const DEFAULT_HOT_POLL_MAX_SECONDS = 60;
/** Half of Qiita's 1000 requests an hour, sweeps included: the other half stays for the writer's own tools. */
const DEFAULT_HOT_POLL_BUDGET_PERCENT = 50;

/** An empty or blank variable counts as unset, as a shell user expects. */
const optional = z.preprocess(
  (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
  z.string().trim().optional(),
);

const port = (name: string, fallback: number) =>
  optional.transform((raw, context) => {
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) > 65_535) {
      return fail(context, `${name} is "${raw}": use a port number from 0 to 65535 (0 picks a free one), e.g. ${name}=${fallback}.`);
    }
    return Number(raw);
  });

const wholeNumber = (name: string, fallback: number, what: string) =>
  optional.transform((raw, context) => {
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < 1)
      return fail(context, `${name} is "${raw}": use ${what} of 1 or more, e.g. ${name}=${fallback}.`);
    return Number(raw);
  });

const seconds = (name: string, fallback: number) =>
  optional.transform((raw, context) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0)
      return fail(context, `${name} is "${raw}": use a number of seconds greater than 0, e.g. ${name}=${fallback}.`);
    return value;
  });

const url = (name: string) =>
  optional.transform((raw, context) => {
    if (raw === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      return fail(context, `${name} is "${raw}": use a full URL such as http://localhost:8080.`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      return fail(context, `${name} is "${raw}": use a full URL starting with http:// or https://, such as http://localhost:8080.`);
    }
    return raw.replace(/\/+$/, "");
  });

const oneOf = <T extends string>(name: string, values: readonly T[], fallback: T, normalize = (raw: string) => raw) =>
  optional.transform((raw, context): T => {
    if (raw === undefined) return fallback;
    const value = normalize(raw);
    if (!(values as readonly string[]).includes(value)) return fail(context, `${name} is "${raw}": use one of ${values.join(", ")}.`);
    return value as T;
  });

const environment = z.object({
  PORT: port("PORT", 3001),
  DYNAMODB_PORT: port("DYNAMODB_PORT", 8000),
  DYNAMODB_ENDPOINT: url("DYNAMODB_ENDPOINT"),
  DATA_DIR: optional,
  QIITA_TOKEN: optional,
  QIITA_BASE_URL: url("QIITA_BASE_URL"),
  GITHUB_TOKEN: optional,
  GITHUB_API_BASE_URL: url("GITHUB_API_BASE_URL"),
  POLL_INTERVAL_SECONDS: optional.transform((raw, context) => {
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) {
      return fail(
        context,
        `POLL_INTERVAL_SECONDS is "${raw}": use a number of seconds greater than 0, e.g. POLL_INTERVAL_SECONDS=${DEFAULT_POLL_SECONDS}.`,
      );
    }
    return value;
  }),
  HOT_POLL_MIN_SECONDS: seconds("HOT_POLL_MIN_SECONDS", DEFAULT_HOT_POLL_MIN_SECONDS),
  HOT_POLL_MAX_SECONDS: seconds("HOT_POLL_MAX_SECONDS", DEFAULT_HOT_POLL_MAX_SECONDS),
  HOT_POLL_BUDGET_PERCENT: optional.transform((raw, context) => {
    if (raw === undefined) return DEFAULT_HOT_POLL_BUDGET_PERCENT;
    const value = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || value > 100) {
      return fail(
        context,
        `HOT_POLL_BUDGET_PERCENT is "${raw}": use a percentage of Qiita's hourly limit from 0 (no hot polls) to 100, e.g. HOT_POLL_BUDGET_PERCENT=${DEFAULT_HOT_POLL_BUDGET_PERCENT}.`,
      );
    }
    return value;
  }),
  LINE_CHANNEL_ACCESS_TOKEN: optional,
  LINE_TO: optional,
  LINE_API_BASE_URL: url("LINE_API_BASE_URL"),
  LINE_MODE: oneOf("LINE_MODE", LINE_MODES, "fallback"),
  // Not trimmed: a secret is what it is.
  TOKEN_SECRET: z.string().optional(),
  MAX_CONNECTIONS_PER_USER: wholeNumber("MAX_CONNECTIONS_PER_USER", DEFAULT_MAX_CONNECTIONS_PER_USER, "a whole number of connections"),
  MAX_SOCKETS: wholeNumber("MAX_SOCKETS", DEFAULT_MAX_SOCKETS, "a whole number of sockets"),
  LOG_LEVEL: oneOf("LOG_LEVEL", LOG_LEVELS, "WARN", (raw) => raw.toUpperCase()),
  S3_PORT: port("S3_PORT", DEFAULT_S3_PORT),
  S3_ENDPOINT: url("S3_ENDPOINT"),
  BODIES_BUCKET: optional.transform((raw, context) => {
    if (raw === undefined) return DEFAULT_BODIES_BUCKET;
    if (!BUCKET_NAME.test(raw) || raw.includes("..")) {
      return fail(
        context,
        `BODIES_BUCKET is "${raw}": use an S3 bucket name of 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, e.g. BODIES_BUCKET=${DEFAULT_BODIES_BUCKET}.`,
      );
    }
    return raw;
  }),
  SES_PORT: port("SES_PORT", DEFAULT_SES_PORT),
  SES_ENDPOINT: url("SES_ENDPOINT"),
  EMAIL_FROM: optional.transform((raw, context) => {
    if (raw === undefined) return DEFAULT_EMAIL_FROM;
    if (!EMAIL_ADDRESS.test(raw))
      return fail(context, `EMAIL_FROM is "${raw}": use the sender's e-mail address, e.g. EMAIL_FROM=likes@example.com.`);
    return raw;
  }),
  EMAIL_TO: optional.transform((raw, context) => {
    if (raw !== undefined && !EMAIL_ADDRESS.test(raw))
      return fail(context, `EMAIL_TO is "${raw}": use your e-mail address, e.g. EMAIL_TO=you@example.com, or unset it.`);
    return raw;
  }),
  EMAIL_MODE: oneOf("EMAIL_MODE", CHANNEL_MODES, DEFAULT_EMAIL_MODE),
  PAGE_URL: url("PAGE_URL"),
  DIGEST_HOUR: optional.transform((raw, context) => {
    if (raw === undefined) return DEFAULT_DIGEST_HOUR;
    if (!/^\d{1,2}$/.test(raw) || Number(raw) > 23)
      return fail(context, `DIGEST_HOUR is "${raw}": use a whole hour from 0 to 23, e.g. DIGEST_HOUR=${DEFAULT_DIGEST_HOUR}.`);
    return Number(raw);
  }),
  // The messages the LINE plan allows a month (200 on the free plan).
  LINE_MONTHLY_LIMIT: wholeNumber("LINE_MONTHLY_LIMIT", DEFAULT_LINE_MONTHLY_LIMIT, "a whole number of messages"),
  TIME_ZONE: optional.transform((raw, context) => {
    if (raw === undefined) return DEFAULT_TIME_ZONE;
    if (!isTimeZone(raw))
      return fail(context, `TIME_ZONE is "${raw}": use an IANA time zone name, e.g. TIME_ZONE=${DEFAULT_TIME_ZONE} or TIME_ZONE=UTC.`);
    return raw;
  }),
  AWS_REGION: optional,
  AWS_ACCESS_KEY_ID: optional,
  AWS_SECRET_ACCESS_KEY: optional,
});

export function loadConfig(env: Env): LocalConfig {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SettingError(String(issue.path[0]), issue.message);
  }
  const e = parsed.data;

  const demo = !e.QIITA_TOKEN && !e.QIITA_BASE_URL;
  if (!demo && !e.QIITA_TOKEN) {
    throw new SettingError(
      "QIITA_TOKEN",
      "QIITA_BASE_URL is set but QIITA_TOKEN is not: create a token with the read_qiita scope at " +
        "https://qiita.com/settings/applications and set QIITA_TOKEN (or unset both for the demo).",
    );
  }
  if (e.GITHUB_API_BASE_URL && !e.GITHUB_TOKEN) {
    throw new SettingError(
      "GITHUB_TOKEN",
      "GITHUB_API_BASE_URL is set but GITHUB_TOKEN is not: create a personal access token at https://github.com/settings/tokens (public repositories need no scope) and set GITHUB_TOKEN, or unset GITHUB_API_BASE_URL.",
    );
  }
  if (e.LINE_CHANNEL_ACCESS_TOKEN && !e.LINE_TO) {
    throw new SettingError(
      "LINE_TO",
      "LINE_CHANNEL_ACCESS_TOKEN is set but LINE_TO is not: set LINE_TO to the LINE user, group or room id to push to.",
    );
  }
  if (e.LINE_TO && !e.LINE_CHANNEL_ACCESS_TOKEN) {
    throw new SettingError(
      "LINE_CHANNEL_ACCESS_TOKEN",
      "LINE_TO is set but LINE_CHANNEL_ACCESS_TOKEN is not: issue a channel access token for your Messaging API channel in the LINE Developers console.",
    );
  }
  if (e.TOKEN_SECRET !== undefined && e.TOKEN_SECRET.length < MIN_TOKEN_SECRET_LENGTH) {
    throw new SettingError(
      "TOKEN_SECRET",
      `TOKEN_SECRET is shorter than ${MIN_TOKEN_SECRET_LENGTH} characters: use a long random string, e.g. \`openssl rand -hex 32\`, or unset it to have one generated.`,
    );
  }

  if (e.HOT_POLL_MAX_SECONDS < e.HOT_POLL_MIN_SECONDS) {
    throw new SettingError(
      "HOT_POLL_MAX_SECONDS",
      `HOT_POLL_MAX_SECONDS (${e.HOT_POLL_MAX_SECONDS}) is below HOT_POLL_MIN_SECONDS (${e.HOT_POLL_MIN_SECONDS}): raise the first or lower the second, e.g. 60 and 5.`,
    );
  }

  const dataDir = e.DATA_DIR ?? ".live-likes";
  return {
    port: e.PORT,
    dynamodbEndpoint: e.DYNAMODB_ENDPOINT,
    dynamodbSigning: {
      region: e.AWS_REGION ?? "local",
      credentials: { accessKeyId: e.AWS_ACCESS_KEY_ID ?? "local", secretAccessKey: e.AWS_SECRET_ACCESS_KEY ?? "local" },
    },
    dynamodbPort: e.DYNAMODB_PORT,
    dataDir: dataDir === "memory" ? undefined : dataDir,
    qiita: demo ? undefined : { token: e.QIITA_TOKEN as string, baseUrl: e.QIITA_BASE_URL ?? "https://qiita.com" },
    github: e.GITHUB_TOKEN
      ? { token: e.GITHUB_TOKEN, baseUrl: e.GITHUB_API_BASE_URL ?? DEFAULT_GITHUB_API_BASE_URL, pollIntervalSeconds: GITHUB_POLL_SECONDS }
      : undefined,
    pollIntervalSeconds: e.POLL_INTERVAL_SECONDS ?? (demo ? DEMO_POLL_SECONDS : DEFAULT_POLL_SECONDS),
    hotPoll: { minSeconds: e.HOT_POLL_MIN_SECONDS, maxSeconds: e.HOT_POLL_MAX_SECONDS, budgetShare: e.HOT_POLL_BUDGET_PERCENT / 100 },
    line:
      e.LINE_CHANNEL_ACCESS_TOKEN && e.LINE_TO
        ? { channelAccessToken: e.LINE_CHANNEL_ACCESS_TOKEN, to: e.LINE_TO, baseUrl: e.LINE_API_BASE_URL ?? "https://api.line.me" }
        : undefined,
    lineMode: e.LINE_MODE,
    tokenSecret: e.TOKEN_SECRET,
    maxConnectionsPerUser: e.MAX_CONNECTIONS_PER_USER,
    maxSockets: e.MAX_SOCKETS,
    logLevel: e.LOG_LEVEL,
    s3: {
      port: e.S3_PORT,
      bucket: e.BODIES_BUCKET,
      ...(e.S3_ENDPOINT ? { endpoint: e.S3_ENDPOINT } : {}),
      ...(e.AWS_REGION ? { region: e.AWS_REGION } : {}),
      ...(e.AWS_ACCESS_KEY_ID ? { credentials: { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY ?? "" } } : {}),
    },
    timeZone: e.TIME_ZONE,
    digestHour: e.DIGEST_HOUR,
    lineMonthlyLimit: e.LINE_MONTHLY_LIMIT,
    email: {
      sesPort: e.SES_PORT,
      ...(e.SES_ENDPOINT ? { sesEndpoint: e.SES_ENDPOINT } : {}),
      from: e.EMAIL_FROM,
      ...(e.EMAIL_TO ? { to: e.EMAIL_TO } : {}),
      mode: e.EMAIL_MODE,
      ...(e.PAGE_URL ? { pageUrl: e.PAGE_URL } : {}),
    },
    tables: tableNames(env),
  };
}

function fail(context: z.RefinementCtx, message: string): never {
  context.addIssue({ code: z.ZodIssueCode.custom, message });
  return z.NEVER as never;
}
