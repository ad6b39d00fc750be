/**
 * The deployed e-mail and preferences wiring (src/lambda/deployed-dependencies.ts): EMAIL_FROM and
 * PAGE_URL as the stack sets them, the SDK's own endpoint variable pointing the deployed sender at
 * the SES emulator (a real send, read back over HTTP), and the channel defaults from the settings.
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { SettingError } from "#domain/setting-error.ts";
import { type SesLocal, startSesLocal } from "#local/aws/ses-local.ts";
import { mailsTo } from "#test/support/ses-mail.ts";
import { deployedEmail, deployedPreferences, deployedSettings } from "../../src/lambda/deployed-dependencies.ts";

let ses: SesLocal;
beforeAll(async () => {
  ses = await startSesLocal({ port: 0 });
});
afterAll(async () => {
  await ses?.stop();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe("deployedEmail", () => {
  it("is absent without EMAIL_FROM: e-mail is then not-configured, never a failure", () => {
    vi.stubEnv("EMAIL_FROM", "");
    expect(deployedEmail()).toBeUndefined();
  });

  it("sends from EMAIL_FROM through SES v2 and links mails to PAGE_URL", async () => {
    // Prepare: what the stack and Lambda set, with the SDK's endpoint variable aimed at the emulator
    vi.stubEnv("EMAIL_FROM", "likes@example.com");
    vi.stubEnv("PAGE_URL", "https://d111111abcdef8.cloudfront.net/");
    vi.stubEnv("AWS_REGION", "ap-northeast-1");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "secret");
    vi.stubEnv("AWS_ENDPOINT_URL_SESV2", ses.endpoint);
    const to = `${randomUUID()}@example.com`;

    // Act
    const email = deployedEmail();
    await email?.sender.send(to, { subject: "s", text: "t", html: "<p>h</p>" }, "key-1");

    // Assess
    expect(email?.pageUrl).toBe("https://d111111abcdef8.cloudfront.net/");
    expect(await mailsTo(ses.endpoint, to)).toEqual([expect.objectContaining({ from: "likes@example.com", subject: "s" })]);
  });

  it("refuses a bad EMAIL_FROM or EMAIL_MODE in one line naming it", () => {
    vi.stubEnv("EMAIL_FROM", "likes");
    expect(() => deployedSettings()).toThrow(SettingError);
    expect(() => deployedSettings()).toThrow(/EMAIL_FROM is "likes"/);
    vi.stubEnv("EMAIL_FROM", "");
    vi.stubEnv("EMAIL_MODE", "loud");
    expect(() => deployedSettings()).toThrow(/EMAIL_MODE is "loud"/);
  });
});

describe("deployedPreferences", () => {
  it("answers the settings' defaults for someone who never chose", () => {
    vi.stubEnv("LINE_MODE", "always");
    vi.stubEnv("EMAIL_MODE", "digest");
    vi.stubEnv("TIME_ZONE", "Europe/Paris");
    vi.stubEnv("DIGEST_HOUR", "7");
    expect(deployedPreferences().defaultsFor("alice")).toEqual({
      line: "always",
      email: "digest",
      timeZone: "Europe/Paris",
      digestHour: 7,
    });
  });
});
