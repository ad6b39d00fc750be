/**
 * Published notifications on the page, in a real browser (Chromium via playwright-core): the local
 * runtime as `npm start` wires it, a message published with a key through `POST /v1/notifications`
 * (real HTTP) ─▶ notifications table ─▶ its stream poller ─▶ stream handler ─▶ WebSocket emulator ─▶
 * the page. Then, against a scripted socket server, what the real one does not send: a link that is
 * not http(s), and a star (the GitHub source, issue 12, not set up in this runtime).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { DynamoDbPublishKeyStore } from "#adapters/dynamodb/dynamodb-publish-key-store.ts";
import { hashPublishKey, newPublishKey } from "#domain/publish/publish-keys.ts";
import { signToken } from "#domain/token.ts";
import { loadConfig } from "#local/config.ts";
import { startLocalRuntime, type LocalRuntime } from "#local/runtime.ts";
import { createPageServer } from "#local/web/page-server.ts";
import { FakeQiitaServer } from "#test/fakes/fake-qiita-server.ts";
import { localDynamoClient } from "#test/support/dynamodb.ts";
import { localRuntimeEnv } from "#test/support/local-runtime.ts";
import { waitFor } from "#test/support/wait-for.ts";
import { launchChromium, SCREENSHOTS } from "./chromium.ts";

/** The DOM as the functions run inside the page use it: this program is typed for Node. */
declare const document: { readonly title: string };

const writer = "writer";
const TOKEN_SECRET = "page-notifications-test-secret-0123456789";
const UI_TIMEOUT_MS = 10_000;

function testToken(secret = TOKEN_SECRET): string {
  const now = Math.floor(Date.now() / 1000);
  return signToken({ userId: writer, issuedAt: now - 60, expiresAt: now + 3_600 }, secret);
}

describe("published notifications on the page, from the local runtime", () => {
  let qiita: FakeQiitaServer;
  let runtime: LocalRuntime;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let key: string;

  /** A page in a fresh context, live, with every console error and uncaught exception it produces. */
  async function openLivePage() {
    context = await browser.newContext({ viewport: { width: 900, height: 700 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(String(error)));
    await page.goto(`http://localhost:${runtime.emulator.port}/?token=${testToken()}`);
    await page.locator('#status[data-state="live"]').waitFor({ timeout: UI_TIMEOUT_MS });
    return { page, errors };
  }

  /** An authorised /v1 call; a 503 (the notifications poller not running yet) is tried again. */
  async function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> | undefined }> {
    return waitFor(
      async () => {
        const response = await fetch(`${runtime.httpUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        return response.status === 503 ? undefined : { status: response.status, body: text ? JSON.parse(text) : undefined };
      },
      { timeoutMs: UI_TIMEOUT_MS, intervalMs: 100, what: `${method} ${path} past the 503 of a starting runtime` },
    );
  }

  /** Publishes and returns the id the API answered. */
  async function publish(notification: Record<string, unknown>): Promise<string> {
    const answer = await call("POST", "/v1/notifications", notification);
    expect(answer.status).toBe(202);
    return String(answer.body?.id);
  }

  const card = (page: Page, id: string) => page.locator(`#feed .notification[data-id="${id}"]`);

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    qiita = await FakeQiitaServer.start();
    qiita.addUser(writer, "qiita-token");
    const env = localRuntimeEnv({ QIITA_TOKEN: "qiita-token", QIITA_BASE_URL: qiita.baseUrl, TOKEN_SECRET });
    const config = loadConfig(env);
    [runtime, browser] = await Promise.all([startLocalRuntime(config, { logLevel: "SILENT", streamPollMs: 50 }), launchChromium()]);
    const keys = new DynamoDbPublishKeyStore({
      tableName: config.tables.publishKeys,
      client: DynamoDBDocumentClient.from(localDynamoClient()),
    });
    key = newPublishKey(randomBytes);
    await keys.create("page-test", hashPublishKey(key), Date.now());
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

  it("shows a published notification the moment it is delivered: title linked to its url, an HTML body as text with its line breaks", async () => {
    // Prepare
    const { page, errors } = await openLivePage();
    const body = '<img src="x" onerror="document.title=\'pwned\'"><b>not bold</b>\nsecond line & more';

    // Act
    const id = await publish({ to: `user:${writer}`, title: "Build <7> passed", url: "https://ci.example/builds/7", body });

    // Assess
    const shown = card(page, id);
    await shown.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await shown.locator(".title").innerText()).toBe("Build <7> passed");
    expect(await shown.locator("a.title").getAttribute("href")).toBe("https://ci.example/builds/7");
    expect(await shown.locator(".text").innerText()).toBe(body);
    // Markup stayed characters: no element was made from it, no handler ran.
    expect(await shown.locator("img, b").count()).toBe(0);
    expect(await page.evaluate(() => document.title)).toBe("live-likes");
    expect(await shown.locator(".more").count()).toBe(0);
    expect(await shown.locator(".to").count()).toBe(0);
    await page.screenshot({ path: `${SCREENSHOTS}/notification.png`, animations: "disabled" });
    expect(errors).toEqual([]);
  });

  it("collapses a long body and opens it whole on Show all", async () => {
    // Prepare
    const { page } = await openLivePage();
    const lines = Array.from({ length: 12 }, (_, i) => `Step ${i + 1} of the nightly job finished.`);

    // Act
    const id = await publish({ to: `user:${writer}`, title: "Nightly report", body: lines.join("\n") });
    const shown = card(page, id);
    await shown.waitFor({ timeout: UI_TIMEOUT_MS });
    const collapsed = await shown.locator(".text").innerText();
    await shown.locator(".more").click();

    // Assess
    expect(collapsed).toBe(`${lines.slice(0, 6).join("\n")}…`);
    expect(await shown.locator(".text").innerText()).toBe(lines.join("\n"));
    expect(await shown.locator(".more").innerText()).toBe("Show less");
    // No url: the title is text, not a link.
    expect(await shown.locator("a.title").count()).toBe(0);
  });

  it("links a body too large for a frame as 'open the full message', to exactly that body", async () => {
    // Prepare: over 32 KB with the frame around it, so the body goes to S3 and the frame carries bodyUrl
    const { page, errors } = await openLivePage();
    const body = `Model run 12 report\n${"loss 0.0421 ".repeat(4_000)}`;

    // Act
    const id = await publish({ to: `user:${writer}`, title: "Model run 12 finished", body });

    // Assess
    const shown = card(page, id);
    await shown.waitFor({ timeout: UI_TIMEOUT_MS });
    const link = shown.locator("a.full");
    expect(await link.innerText()).toBe("open the full message");
    expect(await shown.locator(".text").count()).toBe(0);
    const href = (await link.getAttribute("href")) ?? "";
    expect(href).toMatch(/^https?:\/\//);
    const fetched = await fetch(href);
    expect([fetched.status, await fetched.text()]).toEqual([200, body]);
    expect(errors).toEqual([]);
  });

  it("says which group a group's message went to", async () => {
    // Prepare
    expect((await call("PUT", `/v1/groups/ops/members/${writer}`)).status).toBe(201);
    const { page } = await openLivePage();

    // Act
    await publish({ to: "group:ops", title: "Maintenance at 22:00" });

    // Assess: a member's copy has an id of its own (not the one answered), so find it by title
    const shown = page.locator("#feed .notification", { hasText: "Maintenance at 22:00" });
    await shown.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await shown.locator(".to").innerText()).toBe("to group:ops");
  });

  it("gets notifications back with likes when the page loads again (resume), each once, in order", async () => {
    // Prepare: one like among the notifications published before
    const [itemId] = qiita.addArticles(writer, 1, { likers: 0 });
    await runtime.collectNow();
    qiita.like(itemId as string, "alice");
    await runtime.collectNow();
    const id = await publish({ to: `user:${writer}`, title: "Newest of all" });
    await runtime.notificationsPoller.drained();
    await runtime.poller.drained();

    // Act: a fresh page: its first resume replays the last 24 hours
    const { page } = await openLivePage();

    // Assess
    const titles = await page.locator("#feed > li .title").allInnerTexts();
    expect(titles[0]).toBe("Newest of all");
    expect(titles.filter((title) => title === "Newest of all")).toHaveLength(1);
    expect(titles).toEqual(expect.arrayContaining(["Build <7> passed", "Nightly report", "Model run 12 finished", "Maintenance at 22:00"]));
    expect(await page.locator("#feed .like").count()).toBe(1);
    expect(await card(page, id).count()).toBe(1);
    expect(await page.locator("#notice").innerText()).toMatch(/^Showing your \d+ latest notifications of the last 24 hours\.$/);
  });
});

describe("stars and unsafe links on the page, from a scripted server", () => {
  let browser: Browser;
  let server: Server;
  let wss: WebSocketServer;
  let port: number;
  let frames: string[] = [];
  const at = new Date().toISOString();
  const eventId = (n: number) => `${Date.now()}`.padEnd(40, String(n));

  beforeAll(async () => {
    // The page server of `npm start`, with a socket behind it that replays `frames` on resume.
    server = createServer(createPageServer({ root: "web" }));
    wss = new WebSocketServer({ server });
    wss.on("connection", (socket) => {
      socket.on("message", (data: Buffer) => {
        if ((JSON.parse(data.toString()) as { action: string }).action !== "resume") return;
        for (const frame of frames) socket.send(frame);
        socket.send(JSON.stringify({ type: "resumed", count: frames.length, more: false }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    wss?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  async function openUntilLive(): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/?token=${testToken("scripted-server-secret-0123456789abcdef")}`);
    await page.locator('#status[data-state="live"]').waitFor({ timeout: UI_TIMEOUT_MS });
    return { page, context };
  }

  it("shows a star card: ⭐ repository linked, +delta, who starred, the total", async () => {
    // Prepare
    frames = [
      JSON.stringify({
        type: "star",
        id: eventId(1),
        userId: writer,
        repo: "writer/live-likes",
        url: "https://github.com/writer/live-likes",
        delta: 2,
        stargazersCount: 120,
        stargazers: ["octocat", "hubot"],
        at,
      }),
    ];

    // Act
    const { page, context } = await openUntilLive();
    try {
      // Assess
      const star = page.locator("#feed .star");
      expect(await star.count()).toBe(1);
      expect(await star.locator(".title").innerText()).toBe("⭐ writer/live-likes");
      expect(await star.locator("a.title").getAttribute("href")).toBe("https://github.com/writer/live-likes");
      expect(await star.locator(".delta").innerText()).toBe("+2");
      expect(await star.locator(".who").innerText()).toBe("@octocat, @hubot starred");
      expect(await star.locator(".who a").first().getAttribute("href")).toBe("https://github.com/octocat");
      expect(await star.locator(".count").innerText()).toBe("★ 120");
    } finally {
      await context.close();
    }
  });

  it("never links a URL that is not http(s), in the title or as the full message", async () => {
    // Prepare
    frames = [
      JSON.stringify({
        type: "notification",
        id: eventId(2),
        to: "user:writer",
        title: "Model run 12 finished",
        url: "javascript:alert(1)",
        bodyUrl: "javascript:alert(2)",
        at,
      }),
    ];

    // Act
    const { page, context } = await openUntilLive();
    try {
      // Assess
      const shown = page.locator("#feed .notification");
      expect(await shown.locator(".title").innerText()).toBe("Model run 12 finished");
      expect(await shown.locator("a").count()).toBe(0);
      expect(await shown.locator(".text").count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
