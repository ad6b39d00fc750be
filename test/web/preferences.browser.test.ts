/**
 * The channels panel in a real browser: Debian's Chromium against the local runtime as `npm start`
 * wires it. The page reads its user's preferences once caught up, saves only what changed over its
 * own socket, shows a refusal naming the field, and what it saved is what the publish API answers
 * and what the next notification's mail follows (read back from the runtime's SES emulator).
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoDbPreferenceStore } from "#adapters/dynamodb/dynamodb-preference-store.ts";
import { DynamoDbPublishKeyStore } from "#adapters/dynamodb/dynamodb-publish-key-store.ts";
import { hashPublishKey, newPublishKey } from "#domain/publish/publish-keys.ts";
import { signToken } from "#domain/token.ts";
import { type LocalConfig, loadConfig } from "#local/config.ts";
import { type LocalRuntime, startLocalRuntime } from "#local/runtime.ts";
import { localDynamoClient } from "#test/support/dynamodb.ts";
import { localRuntimeEnv } from "#test/support/local-runtime.ts";
import { mailsTo } from "#test/support/ses-mail.ts";
import { launchChromium } from "./chromium.ts";

const TOKEN_SECRET = "preferences-browser-test-secret-0123456789abcdef";
const UI_TIMEOUT_MS = 10_000;
const user = "pat";

describe("the channels panel in Chromium", () => {
  let config: LocalConfig;
  let runtime: LocalRuntime;
  let browser: Browser;
  let context: BrowserContext | undefined;
  const address = `${user}.${randomUUID().slice(0, 8)}@example.com`;

  beforeAll(async () => {
    config = loadConfig(localRuntimeEnv({ TOKEN_SECRET, TIME_ZONE: "Asia/Tokyo" }));
    [runtime, browser] = await Promise.all([startLocalRuntime(config, { logLevel: "SILENT", streamPollMs: 50 }), launchChromium()]);
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });
  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  async function open(): Promise<{ page: Page; errors: string[] }> {
    const issuedAt = Math.floor(Date.now() / 1000);
    const token = signToken({ userId: user, issuedAt, expiresAt: issuedAt + 3600 }, TOKEN_SECRET);
    context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    await page.goto(`http://localhost:${runtime.emulator.port}/?token=${token}`);
    await page.locator('#status[data-state="live"]').waitFor({ timeout: UI_TIMEOUT_MS });
    return { page, errors };
  }

  it("shows the defaults, saves a change, and refuses a bad address naming it", async () => {
    // Prepare
    const { page, errors } = await open();
    const panel = page.locator("#preferences");
    await panel.locator("summary").click();
    await expect.poll(() => panel.locator('[name="timeZone"]').inputValue(), { timeout: UI_TIMEOUT_MS }).toBe("Asia/Tokyo");
    expect(await panel.locator('[name="email"]').inputValue()).toBe("fallback");

    // Act: e-mail for everything, to an address
    await panel.locator('[name="email"]').selectOption("always");
    await panel.locator('[name="emailAddress"]').fill(address);
    await panel.locator('button[type="submit"]').click();

    // Assess: saved, and stored as the publish API would answer it
    await expect.poll(() => panel.locator('[role="status"]').textContent(), { timeout: UI_TIMEOUT_MS }).toBe("Saved.");
    const store = new DynamoDbPreferenceStore({
      tableName: config.tables.preferences,
      client: DynamoDBDocumentClient.from(localDynamoClient()),
    });
    expect(await store.get(user)).toEqual({ email: "always", emailAddress: address });

    // Act: an address the server refuses (the input's own check is bypassed, as a script could)
    await panel.locator('[name="emailAddress"]').evaluate((input) => {
      (input as unknown as { type: string }).type = "text";
    });
    await panel.locator('[name="emailAddress"]').fill("not-an-address");
    await panel.locator('button[type="submit"]').click();

    // Assess
    await expect
      .poll(() => panel.locator('[role="status"]').textContent(), { timeout: UI_TIMEOUT_MS })
      .toMatch(/^Not saved: emailAddress must be an e-mail address/);
    expect(await store.get(user)).toEqual({ email: "always", emailAddress: address });
    expect(errors).toEqual([]);
  });

  it("mails the next notification by what the page saved", async () => {
    // Prepare: what the first test saved (email always) holds although a tab is open
    await open();

    // Act: a notification to this user through the runtime's publish API
    const key = await createKey();
    const answer = await fetch(`${runtime.httpUrl}/v1/notifications`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ to: `user:${user}`, title: "Seen on the page, mailed too" }),
    });
    expect(answer.status).toBe(202);

    // Assess
    await expect
      .poll(async () => (await mailsTo(runtime.ses.endpoint, address)).map((mail) => mail.subject), { timeout: UI_TIMEOUT_MS })
      .toEqual(["Seen on the page, mailed too"]);
  });

  async function createKey(): Promise<string> {
    const keys = new DynamoDbPublishKeyStore({
      tableName: config.tables.publishKeys,
      client: DynamoDBDocumentClient.from(localDynamoClient()),
    });
    const key = newPublishKey(randomBytes);
    await keys.create(`browser-${randomUUID().slice(0, 8)}`, hashPublishKey(key), Date.now());
    return key;
  }
});
