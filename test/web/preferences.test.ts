import { describe, expect, it } from "vitest";
import { changesFrom, parsePreferencesFrame, preferencesRequest } from "../../web/preferences.js";

const held = { line: "fallback", email: "fallback", emailAddress: "me@example.com", timeZone: "Asia/Tokyo", digestHour: 8 } as const;
const formOf = (overrides: Partial<Record<keyof typeof held, string>> = {}) => ({
  line: held.line,
  email: held.email,
  emailAddress: held.emailAddress,
  timeZone: held.timeZone,
  digestHour: String(held.digestHour),
  ...overrides,
});

describe("the channels panel's helpers", () => {
  it("asks with or without a change", () => {
    expect(preferencesRequest()).toEqual({ action: "preferences" });
    expect(preferencesRequest({ email: "always" })).toEqual({ action: "preferences", set: { email: "always" } });
  });

  it("reads the preferences frame, and nothing else", () => {
    expect(parsePreferencesFrame(JSON.stringify({ type: "preferences", preferences: held }))).toEqual(held);
    const { emailAddress: _, ...withoutAddress } = held;
    expect(parsePreferencesFrame(JSON.stringify({ type: "preferences", preferences: withoutAddress }))).toEqual(withoutAddress);
    expect(parsePreferencesFrame(JSON.stringify({ type: "stats", days: [] }))).toBeUndefined();
    expect(parsePreferencesFrame(JSON.stringify({ type: "preferences", preferences: { ...held, line: "loud" } }))).toBeUndefined();
    expect(parsePreferencesFrame("{not json")).toBeUndefined();
  });

  it("sends only what the form changed, an emptied address as null", () => {
    expect(changesFrom(held, formOf())).toBeUndefined();
    expect(changesFrom(held, formOf({ email: "always", digestHour: "0" }))).toEqual({ email: "always", digestHour: 0 });
    expect(changesFrom(held, formOf({ emailAddress: "  " }))).toEqual({ emailAddress: null });
    expect(changesFrom(held, formOf({ emailAddress: " new@example.com ", timeZone: "UTC" }))).toEqual({
      emailAddress: "new@example.com",
      timeZone: "UTC",
    });
  });
});
