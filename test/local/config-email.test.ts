import { describe, expect, it } from "vitest";
import { SettingError } from "#domain/setting-error.ts";
import { loadConfig } from "#local/config.ts";

describe("loadConfig, e-mail settings", () => {
  it("starts the SES emulator on 8005 and mails for fallback, from a local sender, to nobody in particular", () => {
    const config = loadConfig({});
    expect(config.email).toEqual({ sesPort: 8005, from: "live-likes@localhost", mode: "fallback" });
    expect(config.tables.preferences).toBe("live-likes-preferences");
  });

  it("takes SES_ENDPOINT, EMAIL_FROM, EMAIL_TO, EMAIL_MODE, PAGE_URL", () => {
    const config = loadConfig({
      SES_PORT: "9005",
      SES_ENDPOINT: "https://email.eu-west-1.amazonaws.com/",
      EMAIL_FROM: "likes@example.com",
      EMAIL_TO: "me@example.com",
      EMAIL_MODE: "always",
      PAGE_URL: "https://likes.example.com/",
    });
    expect(config.email).toEqual({
      sesPort: 9005,
      sesEndpoint: "https://email.eu-west-1.amazonaws.com",
      from: "likes@example.com",
      to: "me@example.com",
      mode: "always",
      pageUrl: "https://likes.example.com",
    });
  });

  it.each([
    ["SES_PORT", "mail", /use a port number/],
    ["SES_ENDPOINT", "localhost:8005", /use a full URL/],
    ["EMAIL_FROM", "likes", /EMAIL_FROM=likes@example.com/],
    ["EMAIL_TO", "me at example.com", /EMAIL_TO=you@example.com/],
    ["EMAIL_MODE", "sometimes", /use one of always, fallback, digest, off/],
    ["PAGE_URL", "ftp://page", /starting with http/],
  ])("refuses %s=%s in one line naming it and the fix", (variable, value, howTo) => {
    let error: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SettingError);
    expect((error as SettingError).variable).toBe(variable);
    expect((error as SettingError).message).toContain(variable);
    expect((error as SettingError).message).toMatch(howTo);
    expect((error as SettingError).message).not.toContain("\n");
  });
});
