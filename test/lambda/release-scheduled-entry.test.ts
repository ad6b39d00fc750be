/**
 * The scheduled release's entry (src/lambda/release-scheduled.ts): it needs the notifications table's
 * name the stack binds, and refuses to start without it instead of releasing in a default-named table.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { releaseSettings } from "../../src/lambda/deployed-dependencies.ts";

describe("releaseSettings", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("reads the notifications table the stack binds", () => {
    expect(releaseSettings({ NOTIFICATIONS_TABLE: "stack-notifications" })).toEqual({ notificationsTable: "stack-notifications" });
  });

  it("refuses a missing or empty name, naming the variable", () => {
    expect(() => releaseSettings({})).toThrow(/NOTIFICATIONS_TABLE is "undefined": is not set/);
    expect(() => releaseSettings({ NOTIFICATIONS_TABLE: "" })).toThrow(/NOTIFICATIONS_TABLE is "": is empty/);
  });

  it("fails the entry's start without it, and exports a handler with it", async () => {
    vi.stubEnv("NOTIFICATIONS_TABLE", "");
    await expect(import("../../src/lambda/release-scheduled.ts")).rejects.toThrow(/NOTIFICATIONS_TABLE/);
    vi.resetModules();
    vi.stubEnv("NOTIFICATIONS_TABLE", "stack-notifications");
    const { handler } = await import("../../src/lambda/release-scheduled.ts");
    expect(typeof handler).toBe("function");
  });
});
