import { describe, expect, it } from "vitest";
import { loadConfig } from "#local/config.ts";
import { SettingError } from "#domain/setting-error.ts";

describe("loadConfig", () => {
  it("runs the demo with the documented defaults when nothing is set", () => {
    // Act
    const config = loadConfig({});

    // Assess
    expect(config).toMatchObject({
      port: 3001,
      dynamodbPort: 8000,
      dataDir: ".live-likes",
      qiita: undefined,
      line: undefined,
      lineMode: "fallback",
      tables: {
        connections: "live-likes-connections",
        articles: "live-likes-articles",
        events: "live-likes-events",
        deliveries: "live-likes-deliveries",
        revocations: "live-likes-revocations",
        notifications: "live-likes-notifications",
        publishKeys: "live-likes-publish-keys",
        groups: "live-likes-groups",
      },
    });
    expect(config.dynamodbEndpoint).toBeUndefined();
  });

  it("reads Qiita, LINE, tables and DATA_DIR=memory", () => {
    const config = loadConfig({
      QIITA_TOKEN: "qiita-token",
      QIITA_BASE_URL: "http://127.0.0.1:9999/",
      LINE_CHANNEL_ACCESS_TOKEN: "line-token",
      LINE_TO: "U123",
      LINE_API_BASE_URL: "http://127.0.0.1:9998",
      LINE_MODE: "always",
      DATA_DIR: "memory",
      POLL_INTERVAL_SECONDS: "30",
      CONNECTIONS_TABLE: "c",
      ARTICLES_TABLE: "a",
    });

    expect(config).toMatchObject({
      qiita: { token: "qiita-token", baseUrl: "http://127.0.0.1:9999" },
      line: { channelAccessToken: "line-token", to: "U123", baseUrl: "http://127.0.0.1:9998" },
      lineMode: "always",
      dataDir: undefined,
      pollIntervalSeconds: 30,
      tables: { connections: "c", articles: "a", events: "live-likes-events" },
    });
  });

  it("reads the caps and the log level, in any case", () => {
    expect(loadConfig({ MAX_CONNECTIONS_PER_USER: "5", MAX_SOCKETS: "100", LOG_LEVEL: "info" })).toMatchObject({
      maxConnectionsPerUser: 5,
      maxSockets: 100,
      logLevel: "INFO",
    });
    expect(loadConfig({})).toMatchObject({ maxConnectionsPerUser: 20, maxSockets: 2_000, logLevel: "WARN" });
  });

  it("defaults QIITA_BASE_URL to qiita.com when only the token is set", () => {
    expect(loadConfig({ QIITA_TOKEN: "t" }).qiita).toEqual({ token: "t", baseUrl: "https://qiita.com" });
  });

  it.each([
    [{ PORT: "http" }, "PORT", /port number/],
    [{ DYNAMODB_PORT: "70000" }, "DYNAMODB_PORT", /port number/],
    [{ DYNAMODB_ENDPOINT: "localhost:8000" }, "DYNAMODB_ENDPOINT", /full URL/],
    [{ QIITA_BASE_URL: "http://x" }, "QIITA_TOKEN", /read_qiita/],
    [{ QIITA_TOKEN: "t", QIITA_BASE_URL: "ftp://x" }, "QIITA_BASE_URL", /http/],
    [{ LINE_CHANNEL_ACCESS_TOKEN: "t" }, "LINE_TO", /LINE_TO/],
    [{ LINE_TO: "U1" }, "LINE_CHANNEL_ACCESS_TOKEN", /channel access token/],
    [{ LINE_MODE: "sometimes" }, "LINE_MODE", /fallback, always, off/],
    [{ POLL_INTERVAL_SECONDS: "0" }, "POLL_INTERVAL_SECONDS", /greater than 0/],
    [{ TOKEN_SECRET: "short" }, "TOKEN_SECRET", /openssl rand/],
    [{ TOKEN_SECRET: "x".repeat(31) }, "TOKEN_SECRET", /32 characters/],
    [{ MAX_CONNECTIONS_PER_USER: "0" }, "MAX_CONNECTIONS_PER_USER", /1 or more/],
    [{ MAX_CONNECTIONS_PER_USER: "lots" }, "MAX_CONNECTIONS_PER_USER", /whole number/],
    [{ MAX_SOCKETS: "-5" }, "MAX_SOCKETS", /1 or more/],
    [{ LOG_LEVEL: "verbose" }, "LOG_LEVEL", /DEBUG, INFO, WARN, ERROR, SILENT/],
    [{ HOT_POLL_MIN_SECONDS: "0" }, "HOT_POLL_MIN_SECONDS", /greater than 0, e.g. HOT_POLL_MIN_SECONDS=5/],
    [{ HOT_POLL_MAX_SECONDS: "soon" }, "HOT_POLL_MAX_SECONDS", /greater than 0, e.g. HOT_POLL_MAX_SECONDS=60/],
    [{ HOT_POLL_MIN_SECONDS: "90" }, "HOT_POLL_MAX_SECONDS", /below HOT_POLL_MIN_SECONDS/],
    [{ HOT_POLL_BUDGET_PERCENT: "150" }, "HOT_POLL_BUDGET_PERCENT", /from 0 \(no hot polls\) to 100/],
    [{ HOT_POLL_BUDGET_PERCENT: "half" }, "HOT_POLL_BUDGET_PERCENT", /HOT_POLL_BUDGET_PERCENT=50/],
  ])("refuses %j naming %s and how to fix it", (env, variable, howTo) => {
    // Act
    let error: unknown;
    try {
      loadConfig(env);
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(SettingError);
    expect((error as SettingError).variable).toBe(variable);
    expect((error as SettingError).message).toContain(variable);
    expect((error as SettingError).message).toMatch(howTo);
  });
});
