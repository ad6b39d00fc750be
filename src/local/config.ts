/**
 * The local runtime's settings, read from the environment (ARCHITECTURE.md "Environment (public)").
 * Every problem is a ConfigError naming the variable and how to fix it, so `npm start` can stop
 * with one clear line instead of a stack trace.
 */
import { articlesTable, connectionsTable, eventsTable, tableName } from "#adapters/dynamodb/table-definitions.ts";
import { isLineMode, LINE_MODES, type LineMode } from "#domain/line-mode.ts";
import { ConfigError } from "./config-error.ts";

export interface LocalConfig {
  readonly port: number;
  /** An existing DynamoDB to use; undefined: start DynamoDB Local on dynamodbPort. */
  readonly dynamodbEndpoint?: string;
  readonly dynamodbPort: number;
  /** Directory to persist into; undefined: in memory (DATA_DIR=memory). */
  readonly dataDir?: string;
  /** undefined: demo mode with a simulated Qiita account. */
  readonly qiita?: { readonly token: string; readonly baseUrl: string };
  readonly pollIntervalSeconds: number;
  readonly line?: { readonly channelAccessToken: string; readonly to: string; readonly baseUrl: string };
  readonly lineMode: LineMode;
  /** undefined: generated once and kept in DATA_DIR. */
  readonly tokenSecret?: string;
  readonly tables: { readonly connections: string; readonly articles: string; readonly events: string };
}

type Env = Readonly<Record<string, string | undefined>>;

/** Qiita allows 1000 requests an hour; one poll a minute leaves room for likes lookups. */
const DEFAULT_POLL_SECONDS = 60;
/** The demo simulates its own account, so it can poll often and show likes quickly. */
const DEMO_POLL_SECONDS = 3;

export function loadConfig(env: Env): LocalConfig {
  const qiitaToken = env.QIITA_TOKEN?.trim();
  const qiitaBaseUrl = env.QIITA_BASE_URL?.trim();
  const demo = !qiitaToken && !qiitaBaseUrl;
  if (!demo && !qiitaToken) {
    throw new ConfigError(
      "QIITA_TOKEN",
      "QIITA_BASE_URL is set but QIITA_TOKEN is not: create a token with the read_qiita scope at " +
        "https://qiita.com/settings/applications and set QIITA_TOKEN (or unset both for the demo).",
    );
  }

  const lineToken = env.LINE_CHANNEL_ACCESS_TOKEN?.trim();
  const lineTo = env.LINE_TO?.trim();
  if (lineToken && !lineTo) {
    throw new ConfigError("LINE_TO", "LINE_CHANNEL_ACCESS_TOKEN is set but LINE_TO is not: set LINE_TO to the LINE user, group or room id to push to.");
  }
  if (lineTo && !lineToken) {
    throw new ConfigError("LINE_CHANNEL_ACCESS_TOKEN", "LINE_TO is set but LINE_CHANNEL_ACCESS_TOKEN is not: issue a channel access token for your Messaging API channel in the LINE Developers console.");
  }

  const lineMode = env.LINE_MODE?.trim() || "fallback";
  if (!isLineMode(lineMode)) {
    throw new ConfigError("LINE_MODE", `LINE_MODE is "${lineMode}": use one of ${LINE_MODES.join(", ")}.`);
  }

  const tokenSecret = env.TOKEN_SECRET;
  if (tokenSecret !== undefined && tokenSecret.length < 16) {
    throw new ConfigError("TOKEN_SECRET", "TOKEN_SECRET is shorter than 16 characters: use a long random string, e.g. `openssl rand -hex 32`, or unset it to have one generated.");
  }

  const dataDir = env.DATA_DIR?.trim() || ".live-likes";
  return {
    port: port(env, "PORT", 3001),
    dynamodbEndpoint: env.DYNAMODB_ENDPOINT?.trim() ? url(env, "DYNAMODB_ENDPOINT") : undefined,
    dynamodbPort: port(env, "DYNAMODB_PORT", 8000),
    dataDir: dataDir === "memory" ? undefined : dataDir,
    qiita: demo ? undefined : { token: qiitaToken as string, baseUrl: qiitaBaseUrl ? url(env, "QIITA_BASE_URL") : "https://qiita.com" },
    pollIntervalSeconds: positiveNumber(env, "POLL_INTERVAL_SECONDS", demo ? DEMO_POLL_SECONDS : DEFAULT_POLL_SECONDS),
    line: lineToken && lineTo
      ? { channelAccessToken: lineToken, to: lineTo, baseUrl: env.LINE_API_BASE_URL?.trim() ? url(env, "LINE_API_BASE_URL") : "https://api.line.me" }
      : undefined,
    lineMode,
    tokenSecret,
    tables: {
      connections: tableName(connectionsTable, env),
      articles: tableName(articlesTable, env),
      events: tableName(eventsTable, env),
    },
  };
}

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > 65_535) {
    throw new ConfigError(name, `${name} is "${raw}": use a port number from 0 to 65535 (0 picks a free one), e.g. ${name}=${fallback}.`);
  }
  return value;
}

function positiveNumber(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigError(name, `${name} is "${raw}": use a number of seconds greater than 0, e.g. ${name}=${fallback}.`);
  }
  return value;
}

function url(env: Env, name: string): string {
  const raw = (env[name] ?? "").trim();
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `${name} is "${raw}": use a full URL such as http://localhost:8080.`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new ConfigError(name, `${name} is "${raw}": use a full URL starting with http:// or https://, such as http://localhost:8080.`);
  }
  return raw.replace(/\/+$/, "");
}
