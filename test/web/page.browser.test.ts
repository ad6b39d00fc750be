/**
 * The page in a real browser: Debian's Chromium driven by playwright-core, against the local
 * runtime as `npm start` wires it (fake Qiita → collector → DynamoDB Local → stream poller →
 * WebSocket emulator, the page served beside it). One browser for the file, a fresh context per
 * test. The screenshots README shows are made here (see SCREENSHOTS).
 */
import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { loadConfig } from "#local/config.ts";
import { startLocalRuntime, type LocalRuntime } from "#local/runtime.ts";
import { FakeQiitaServer } from "#test/fakes/fake-qiita-server.ts";
import { signToken } from "#domain/token.ts";
import { localRuntimeEnv } from "#test/support/local-runtime.ts";
import { launchChromium, SCREENSHOTS } from "./chromium.ts";

/** The DOM as the functions run inside the page use it: this program is typed for Node. */
declare const document: {
  readonly documentElement: { readonly scrollWidth: number };
  readonly body: unknown;
  addEventListener(type: "securitypolicyviolation", listener: (event: { violatedDirective: string }) => void): void;
};
declare const window: { readonly innerWidth: number };
declare function getComputedStyle(element: unknown): { readonly backgroundColor: string };

const writer = "writer";
const TOKEN_SECRET = "page-browser-test-secret-0123456789abcdef";
/** Generous for a loaded two-core machine; each wait ends as soon as its condition holds. */
const UI_TIMEOUT_MS = 10_000;

describe("the page in Chromium", () => {
  let qiita: FakeQiitaServer;
  let runtime: LocalRuntime;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let articles: string[];
  let likes = 0;
  const pageUrl = (query = `?token=${testToken()}`) => `http://localhost:${runtime.emulator.port}/${query}`;

  /** A page in a fresh context, with every console error and uncaught exception it produces. */
  async function openPage(url: string, options: Parameters<Browser["newContext"]>[0] = {}) {
    context = await browser.newContext({ viewport: { width: 900, height: 700 }, ...options });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(String(error)));
    const response = await page.goto(url);
    return { page, errors, response };
  }

  /** Likes on the page, however they are grouped into cards. */
  const shownLikes = async (page: Page) =>
    (await page.locator("#feed .like").evaluateAll((items) => items.map((item) => item.getAttribute("data-likes"))))
      .map(Number)
      .reduce((sum, count) => sum + count, 0);

  const status = (page: Page, state: string) => page.locator(`#status[data-state="${state}"]`).waitFor({ timeout: UI_TIMEOUT_MS });

  /** One like on Qiita, polled and delivered; `likes` counts them for the assertions. */
  async function like(itemId: string, liker: string) {
    qiita.like(itemId, liker);
    likes++;
    await runtime.collectNow();
  }

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    qiita = await FakeQiitaServer.start();
    qiita.addUser(writer, "qiita-token");
    articles = [
      qiita.addArticle(writer, { title: "Real-time like notifications with DynamoDB Streams and API Gateway WebSocket", likers: 3 }),
      qiita.addArticle(writer, { title: "Testing Lambda handlers without mocking modules", likers: 1 }),
      qiita.addArticle(writer, { title: `A title with a very long word: ${"Supercalifragilistic".repeat(4)}`, likers: 0 }),
    ];
    const env = localRuntimeEnv({ QIITA_TOKEN: "qiita-token", QIITA_BASE_URL: qiita.baseUrl, TOKEN_SECRET });
    [runtime, browser] = await Promise.all([
      startLocalRuntime(loadConfig(env), { logLevel: "SILENT", streamPollMs: 50 }),
      launchChromium(),
    ]);
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

  it("shows a like the moment it happens, one card per article, without a console error, in both colour schemes", async () => {
    // Prepare
    const { page, errors } = await openPage(pageUrl());
    await status(page, "live");

    // Act
    await like(articles[0] as string, "alice");
    await like(articles[2] as string, "bob");
    await like(articles[0] as string, "carol");

    // Assess
    const cards = page.locator("#feed .like");
    await expect.poll(() => shownLikes(page), { timeout: UI_TIMEOUT_MS }).toBe(3);
    // alice and carol liked the same article a moment apart: one card that counted up
    expect(await cards.count()).toBe(2);
    expect(await cards.first().innerText()).toMatch(/^\+2\s[\s\S]*@carol, @alice liked/);
    expect(await page.locator("#empty").isVisible()).toBe(false);
    // The token moved from the address bar to storage.
    expect(page.url()).not.toContain("token=");
    await page.screenshot({ path: `${SCREENSHOTS}/feed.png`, animations: "disabled" });
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: `${SCREENSHOTS}/feed-dark.png`, animations: "disabled" });
    expect([light, await background()]).toEqual(["rgb(246, 247, 244)", "rgb(19, 22, 20)"]);
    expect(errors).toEqual([]);
  });

  it("is served with a CSP header that lets the page reach only its own server, and no referrer", async () => {
    // Prepare: a socket server the page must not reach
    const foreign = await startForeignServer();
    try {
      const { page, response } = await openPage(pageUrl());
      await status(page, "live");

      // Act: try to open a socket elsewhere from inside the page, as an injected script would
      const violated = await page.evaluate(
        (url) =>
          new Promise<string>((resolve) => {
            document.addEventListener("securitypolicyviolation", (event) => resolve(event.violatedDirective));
            try {
              new WebSocket(url);
            } catch {
              // Some versions throw instead; the violation event still says why.
            }
          }),
        foreign.wsUrl,
      );

      // Assess
      const headers = response?.headers() ?? {};
      expect(headers["content-security-policy"]).toContain(
        `connect-src 'self' ws://localhost:${runtime.emulator.port} ws://127.0.0.1:${runtime.emulator.port};`,
      );
      expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      expect(headers["referrer-policy"]).toBe("no-referrer");
      expect(violated).toBe("connect-src");
      expect(foreign.connections()).toBe(0);
    } finally {
      await foreign.close();
    }
  });

  it("ignores a ?ws= that is not its configured endpoint, says so, and never connects to it", async () => {
    // Prepare
    const foreign = await startForeignServer();
    try {
      // Act
      const { page, errors } = await openPage(pageUrl(`?token=${testToken()}&ws=${encodeURIComponent(foreign.wsUrl)}`));
      await status(page, "live");

      // Assess: the warning is on screen, the page is live on its own server, the other saw nothing
      const warning = page.locator("#warning");
      expect(await warning.isVisible()).toBe(true);
      expect(await warning.innerText()).toContain(`Ignored ?ws=${foreign.wsUrl}`);
      expect(runtime.emulator.connectionIds()).toHaveLength(1);
      expect(foreign.connections()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await foreign.close();
    }
  });

  it("fits a phone's width (390 px) without sideways scrolling", async () => {
    // Act: the likes so far come back with the first load's resume
    const { page, errors } = await openPage(pageUrl(), {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    await expect.poll(() => shownLikes(page), { timeout: UI_TIMEOUT_MS }).toBe(likes);

    // Assess
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: window.innerWidth }));
    expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    expect(await page.locator("#notice").innerText()).toBe(`Showing your ${likes} latest likes of the last 24 hours.`);
    await page.screenshot({ path: `${SCREENSHOTS}/phone.png`, animations: "disabled" });
    expect(errors).toEqual([]);

    // Act: the longest thing the page prints, a refused ?ws=, wraps too
    await page.goto(pageUrl(`?ws=${encodeURIComponent(`wss://${"a".repeat(70)}.example/`)}`));
    await page.locator("#warning").waitFor({ timeout: UI_TIMEOUT_MS });

    // Assess
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });

  it("reconnects after the socket drops and catches up on the likes it missed", async () => {
    // Prepare: live, then the network goes and the server drops the socket
    const { page } = await openPage(pageUrl());
    await status(page, "live");
    await expect.poll(() => shownLikes(page), { timeout: UI_TIMEOUT_MS }).toBe(likes);
    // The server drops the socket first: a close sent while Chromium emulates offline may never
    // reach the page. The network goes before the reconnect, which waits at least half a second.
    const [connectionId] = runtime.emulator.connectionIds();
    const dropped = await fetch(`${runtime.httpUrl}/@connections/${connectionId}`, { method: "DELETE" });
    await context?.setOffline(true);
    await status(page, "reconnecting");
    expect(await page.locator("#status").innerText()).toMatch(/^offline since .* · retrying in \d+ s$/);
    expect(await page.locator("#retry").isVisible()).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}/reconnecting.png`, animations: "disabled" });

    // Act: a like while the page is away; then the network returns
    await like(articles[1] as string, "dave");
    await runtime.poller.drained();
    await context?.setOffline(false);

    // Assess
    expect(dropped.status).toBe(204);
    await status(page, "live");
    await expect.poll(() => page.locator("#feed .like").first().innerText(), { timeout: UI_TIMEOUT_MS }).toContain("@dave");
    await expect.poll(() => page.locator("#notice").innerText()).toBe("Caught up on 1 like missed while offline.");
    expect(await shownLikes(page)).toBe(likes);
  });

  it("says a token was rejected and asks for another", async () => {
    // Act: well-formed and unexpired, but not signed with this server's secret
    const forged = testToken().replace(/.$/, (last) => (last === "A" ? "B" : "A"));
    const { page } = await openPage(pageUrl(`?token=${forged}`));

    // Assess
    await status(page, "refused");
    expect(await page.locator("#status").innerText()).toBe("refused: token rejected");
    expect(await page.locator("#token-form").isVisible()).toBe(true);
    expect(await page.locator("#empty").isVisible()).toBe(false);
  });

  it("turns desktop notifications and sound on only when asked, and remembers it", async () => {
    // Prepare
    const { page, errors } = await openPage(pageUrl());
    await context?.grantPermissions(["notifications"]);
    await status(page, "live");
    const notify = page.locator("#notify");
    const sound = page.locator("#sound");
    const pressed = async () => [await notify.getAttribute("aria-pressed"), await sound.getAttribute("aria-pressed")];
    const before = await pressed();

    // Act
    await notify.click();
    await sound.click();
    await expect.poll(pressed).toEqual(["true", "true"]);
    await page.reload();
    await status(page, "live");

    // Assess
    expect(before).toEqual(["false", "false"]);
    expect(await pressed()).toEqual(["true", "true"]);
    expect(await notify.innerText()).toBe("Desktop notifications: on");
    expect(errors).toEqual([]);
  });

  it("tells a token that is not one apart from an expired one, before trying the server", async () => {
    // Act
    const { page } = await openPage(pageUrl("?token=garbage"));

    // Assess
    await status(page, "refused");
    expect(await page.locator("#status").innerText()).toBe("refused: token malformed");
    expect(runtime.emulator.connectionIds()).toEqual([]);
  });

  it("catches up over more than one resume page (100 likes each) from the real server", async () => {
    // Prepare: live and caught up, then away
    const { page } = await openPage(pageUrl());
    await status(page, "live");
    // Dropped first, then offline, as in the reconnect test above.
    for (const connectionId of runtime.emulator.connectionIds()) {
      await fetch(`${runtime.httpUrl}/@connections/${connectionId}`, { method: "DELETE" });
    }
    await context?.setOffline(true);
    await status(page, "reconnecting");

    // Act: one page and one more of likes while away (new articles, liked once each), then back
    const missed = 101;
    for (let i = 0; i < missed; i++) qiita.addArticle(writer, { title: `Missed ${i + 1}`, likers: 1 });
    likes += missed;
    await runtime.collectNow();
    await runtime.poller.drained();
    await context?.setOffline(false);

    // Assess: every one shown, in one notice over both pages (101 posts: slow on a loaded machine)
    await page.locator('#status[data-state="live"]').waitFor({ timeout: 30_000 });
    expect(await page.locator("#notice").innerText()).toBe(`Caught up on ${missed} likes missed while offline.`);
    expect(await shownLikes(page)).toBe(Math.min(likes, 200));
    const shown = await page.locator("#feed .title").allInnerTexts();
    expect(shown).toEqual(expect.arrayContaining(["Missed 1", "Missed 100", "Missed 101"]));
  }, 60_000);
});

/** A subscription token for the writer, good for an hour. */
function testToken(): string {
  const now = Math.floor(Date.now() / 1000);
  return signToken({ userId: writer, issuedAt: now - 60, expiresAt: now + 3_600 }, TOKEN_SECRET);
}

/** A WebSocket server on another port that counts every TCP connection made to it. */
async function startForeignServer() {
  const server: Server = createServer();
  const wss = new WebSocketServer({ server });
  let connections = 0;
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    wsUrl: `ws://127.0.0.1:${port}/`,
    connections: () => connections,
    close: async () => {
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
