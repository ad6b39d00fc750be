/**
 * The dashboard in a real browser at phone size: Debian's Chromium against the local runtime as
 * `npm start` wires it (fake Qiita → collector → DynamoDB Local → stream poller → rollups and the
 * WebSocket emulator, the page served beside it). A month of numbers is put in the rollups table
 * first, as the stream handler would have counted it; the likes of the test arrive through Qiita.
 * The README's screenshot is made here (see SCREENSHOTS).
 */
import { mkdirSync } from "node:fs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbRollupStore } from "#adapters/dynamodb/dynamodb-rollup-store.ts";
import { addDays, localDate } from "#domain/stats/days.ts";
import { signToken } from "#domain/token.ts";
import { loadConfig } from "#local/config.ts";
import { type LocalRuntime, startLocalRuntime } from "#local/runtime.ts";
import { FakeQiitaServer } from "#test/fakes/fake-qiita-server.ts";
import { localDynamoClient } from "#test/support/dynamodb.ts";
import { localRuntimeEnv } from "#test/support/local-runtime.ts";
import { launchChromium, SCREENSHOTS } from "./chromium.ts";

/** The DOM as the functions run inside the page use it: this program is typed for Node. */
declare const document: { readonly documentElement: { readonly scrollWidth: number } };
declare const window: { readonly innerWidth: number; readonly innerHeight: number };

const writer = "writer";
const TOKEN_SECRET = "dashboard-browser-test-secret-0123456789abcdef";
const ZONE = "Asia/Tokyo";
const UI_TIMEOUT_MS = 10_000;
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

describe("the dashboard in Chromium, at phone size", () => {
  let qiita: FakeQiitaServer;
  let runtime: LocalRuntime;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let articles: string[];
  /** What the month put in the table: likes and stars per day, oldest first (30 days ending today). */
  const month = Array.from({ length: 30 }, (_, index) => ({
    likes: [0, 2, 5, 1, 0, 3, 8, 4, 2, 0, 1, 6, 9, 3, 2, 0, 4, 7, 5, 2, 1, 0, 3, 11, 6, 4, 2, 5, 3, 2][index] as number,
    stars: [0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 1, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 1, 0, 0, 1][index] as number,
  }));
  const sum = (key: "likes" | "stars", days = month) => days.reduce((total, day) => total + day[key], 0);

  const figure = (page: Page, source: string, name: string) =>
    page.locator(`#dashboard [data-source="${source}"] [data-figure="${name}"] dd`);
  const lastBar = (page: Page, source: string) => page.locator(`#dashboard [data-source="${source}"] rect.bar`).last();

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    qiita = await FakeQiitaServer.start();
    qiita.addUser(writer, "qiita-token");
    articles = [
      qiita.addArticle(writer, { title: "Real-time like notifications with DynamoDB Streams and API Gateway WebSocket", likers: 3 }),
      qiita.addArticle(writer, { title: "Testing Lambda handlers without mocking modules", likers: 1 }),
    ];
    const config = loadConfig(localRuntimeEnv({ QIITA_TOKEN: "qiita-token", QIITA_BASE_URL: qiita.baseUrl, TOKEN_SECRET }));
    const rollups = new DynamoDbRollupStore({ tableName: config.tables.rollups, client: DynamoDBDocumentClient.from(localDynamoClient()) });
    [runtime, browser] = await Promise.all([startLocalRuntime(config, { logLevel: "SILENT", streamPollMs: 50 }), launchChromium()]);
    const today = localDate(Date.now(), ZONE);
    let n = 0;
    for (const [index, day] of month.entries()) {
      const date = addDays(today, index - 29);
      const article = index % 3 === 0 ? articles[1] : articles[0];
      const title =
        index % 3 === 0 ? "Testing Lambda handlers without mocking modules" : "Real-time like notifications with DynamoDB Streams";
      const counts = [
        { kind: "like" as const, item: article as string, title, url: `https://qiita.com/${writer}/items/${article}`, delta: day.likes },
        {
          kind: "star" as const,
          item: "writer/live-likes",
          title: "writer/live-likes",
          url: "https://github.com/writer/live-likes",
          delta: day.stars,
        },
      ];
      for (const count of counts.filter((each) => each.delta > 0)) {
        await rollups.count({ id: `seed-${n++}`, userId: writer, date, ...count });
      }
    }
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
    await qiita?.close();
  });

  async function openPhone(query = `?token=${testToken()}`) {
    context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(String(error)));
    await page.goto(`http://localhost:${runtime.emulator.port}/${query}`);
    await page.locator('#status[data-state="live"]').waitFor({ timeout: UI_TIMEOUT_MS });
    return { page, errors };
  }

  it("switches to the dashboard from the bottom of the screen, shows the month, and counts a like the moment it arrives", async () => {
    // Prepare
    const { page, errors } = await openPhone();
    const tab = page.locator("#show-dashboard");
    const box = await tab.boundingBox();
    // Within thumb reach: on the screen's bottom edge, and a big target.
    expect(box!.y + box!.height).toBeGreaterThan(PHONE.viewport.height - 24);
    expect(box!.height).toBeGreaterThanOrEqual(44);

    // Act
    await tab.tap();

    // Assess: the month as the table holds it
    await expect.poll(() => figure(page, "likes", "total").textContent(), { timeout: UI_TIMEOUT_MS }).toBe(String(sum("likes")));
    expect(await page.locator("#feed").isVisible()).toBe(false);
    expect(await figure(page, "likes", "today").textContent()).toBe(String(month[29]!.likes));
    expect(await figure(page, "likes", "week").textContent()).toBe(String(sum("likes", month.slice(-7))));
    expect(await figure(page, "stars", "total").textContent()).toBe(String(sum("stars")));
    expect(await page.locator('#dashboard [data-source="likes"] rect.bar').count()).toBe(30);
    expect(await page.locator('#dashboard [data-source="likes"] .top li').first().textContent()).toMatch(
      /Real-time like notifications[\s\S]*\+\d+/,
    );

    // Act: two likes on Qiita, polled and delivered live
    qiita.like(articles[0] as string, "alice");
    qiita.like(articles[0] as string, "bob");
    await runtime.collectNow();

    // Assess: today, the week, the total and today's bar went up by 2 without a reload
    await expect.poll(() => figure(page, "likes", "today").textContent(), { timeout: UI_TIMEOUT_MS }).toBe(String(month[29]!.likes + 2));
    expect(await figure(page, "likes", "total").textContent()).toBe(String(sum("likes") + 2));
    expect(await figure(page, "likes", "week").textContent()).toBe(String(sum("likes", month.slice(-7)) + 2));
    expect(await lastBar(page, "likes").getAttribute("data-value")).toBe(String(month[29]!.likes + 2));
    expect(await figure(page, "stars", "today").textContent()).toBe(String(month[29]!.stars));

    // No sideways scrolling at 390 px.
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: window.innerWidth }));
    expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    await page.screenshot({ path: `${SCREENSHOTS}/dashboard-phone.png`, animations: "disabled" });
    expect(errors).toEqual([]);
  });

  it("opens on the dashboard from its link, with the server's counts after a reload, and goes back to the feed", async () => {
    // Prepare: the two likes of the first test are in the table by now (counted by the stream handler).
    const { page, errors } = await openPhone(`?token=${testToken()}#dashboard`);

    // Assess: the answer alone (no live frame this time) holds them
    await expect.poll(() => figure(page, "likes", "today").textContent(), { timeout: UI_TIMEOUT_MS }).toBe(String(month[29]!.likes + 2));

    // Act
    await page.locator("#show-feed").tap();

    // Assess
    expect(await page.locator("#dashboard").isVisible()).toBe(false);
    expect(await page.locator("#feed").isVisible()).toBe(true);
    expect(await page.locator("#show-feed").getAttribute("aria-pressed")).toBe("true");
    expect(page.url()).not.toContain("#dashboard");
    expect(errors).toEqual([]);
  });
});

function testToken(): string {
  const now = Math.floor(Date.now() / 1000);
  return signToken({ userId: writer, issuedAt: now - 60, expiresAt: now + 3_600 }, TOKEN_SECRET);
}
