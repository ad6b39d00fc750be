import { describe, expect, it } from "vitest";
import { loadConfig } from "#local/config.ts";
import { SettingError } from "#domain/setting-error.ts";

describe("TIME_ZONE", () => {
  it("defaults to Asia/Tokyo and takes any zone Intl knows", () => {
    expect(loadConfig({}).timeZone).toBe("Asia/Tokyo");
    expect(loadConfig({ TIME_ZONE: "UTC" }).timeZone).toBe("UTC");
    expect(loadConfig({ TIME_ZONE: " Europe/Paris " }).timeZone).toBe("Europe/Paris");
    expect(loadConfig({ TIME_ZONE: "" }).timeZone).toBe("Asia/Tokyo");
  });

  it("stops with one line naming the variable and the fix for an unknown zone", () => {
    const error = (() => {
      try {
        loadConfig({ TIME_ZONE: "Asia/Tokio" });
      } catch (caught) {
        return caught;
      }
    })();

    expect(error).toBeInstanceOf(SettingError);
    expect((error as SettingError).message).toBe(
      'TIME_ZONE is "Asia/Tokio": use an IANA time zone name, e.g. TIME_ZONE=Asia/Tokyo or TIME_ZONE=UTC.',
    );
    expect((error as SettingError).message).not.toContain("\n");
  });
});
