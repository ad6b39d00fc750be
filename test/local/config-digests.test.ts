import { describe, expect, it } from "vitest";
import { SettingError } from "#domain/setting-error.ts";
import { loadConfig } from "#local/config.ts";

describe("loadConfig: digests and LINE's monthly limit (issue 13)", () => {
  it("defaults to LINE's free plan of 200 a month and the preferences' digest hour", () => {
    // Act
    const config = loadConfig({});

    // Assess
    expect(config.lineMonthlyLimit).toBe(200);
    expect(config.digestHour).toBe(8);
  });

  it("reads LINE_MONTHLY_LIMIT and DIGEST_HOUR", () => {
    expect(loadConfig({ LINE_MONTHLY_LIMIT: "5000", DIGEST_HOUR: "0" })).toMatchObject({ lineMonthlyLimit: 5000, digestHour: 0 });
    expect(loadConfig({ DIGEST_HOUR: "23" }).digestHour).toBe(23);
  });

  it.each([
    ["DIGEST_HOUR", "24", 'DIGEST_HOUR is "24": use a whole hour from 0 to 23, e.g. DIGEST_HOUR=8.'],
    ["DIGEST_HOUR", "9am", 'DIGEST_HOUR is "9am": use a whole hour from 0 to 23, e.g. DIGEST_HOUR=8.'],
    ["LINE_MONTHLY_LIMIT", "0", 'LINE_MONTHLY_LIMIT is "0": use a whole number of messages of 1 or more, e.g. LINE_MONTHLY_LIMIT=200.'],
    [
      "LINE_MONTHLY_LIMIT",
      "lots",
      'LINE_MONTHLY_LIMIT is "lots": use a whole number of messages of 1 or more, e.g. LINE_MONTHLY_LIMIT=200.',
    ],
  ])("refuses %s=%s in one line naming the setting", (variable, value, message) => {
    // Act
    const load = () => loadConfig({ [variable]: value });

    // Assess
    expect(load).toThrow(SettingError);
    expect(load).toThrow(message);
  });
});
