import { describe, expect, it } from "vitest";
import { SettingError } from "#domain/setting-error.ts";
import { loadConfig } from "#local/config.ts";

describe("loadConfig: GitHub", () => {
  it("watches no GitHub account without GITHUB_TOKEN", () => {
    expect(loadConfig({}).github).toBeUndefined();
  });

  it("reads GITHUB_TOKEN with api.github.com and a poll a minute by default", () => {
    expect(loadConfig({ GITHUB_TOKEN: "ghp_x" }).github).toEqual({
      token: "ghp_x",
      baseUrl: "https://api.github.com",
      pollIntervalSeconds: 60,
    });
  });

  it("takes GITHUB_API_BASE_URL for a stand-in, without its trailing slash", () => {
    expect(loadConfig({ GITHUB_TOKEN: "ghp_x", GITHUB_API_BASE_URL: "http://127.0.0.1:9000/" }).github?.baseUrl).toBe(
      "http://127.0.0.1:9000",
    );
  });

  it("refuses GITHUB_API_BASE_URL without GITHUB_TOKEN in one line naming GITHUB_TOKEN", () => {
    const error = (() => {
      try {
        loadConfig({ GITHUB_API_BASE_URL: "http://127.0.0.1:9000" });
      } catch (e) {
        return e;
      }
    })();

    expect(error).toBeInstanceOf(SettingError);
    expect((error as SettingError).message).toMatch(/GITHUB_API_BASE_URL is set but GITHUB_TOKEN is not/);
    expect((error as SettingError).message).not.toContain("\n");
  });

  it("refuses a GITHUB_API_BASE_URL that is not a URL", () => {
    expect(() => loadConfig({ GITHUB_TOKEN: "ghp_x", GITHUB_API_BASE_URL: "api.github.com" })).toThrow(
      /GITHUB_API_BASE_URL is "api.github.com"/,
    );
  });

  it("names the repositories table REPOSITORIES_TABLE overrides", () => {
    expect(loadConfig({}).tables.repositories).toBe("live-likes-repositories");
    expect(loadConfig({ REPOSITORIES_TABLE: "mine" }).tables.repositories).toBe("mine");
  });
});
