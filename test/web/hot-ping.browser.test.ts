/**
 * The deployed page's hot pings (docs/SCALE.md) in a real browser (Chromium via playwright-core):
 * a config.json with a `hotPollUrl`, a scripted socket, and a tiny HTTP server on another port
 * standing in for the Lambda function URL (CORS as the stack configures it: any origin, POST,
 * Retry-After exposed) that counts the POSTs. The page's CSP names that origin, as the deployed
 * one names the function URL's. Timers run on Playwright's fake clock, so 15 s take no time.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { signToken } from "#domain/token.ts";
import { pageSecurityHeaders } from "#local/web/page-security-headers.ts";
import { serveStatic } from "#local/web/static-files.ts";
import { launchChromium } from "./chromium.ts";

const UI_TIMEOUT_MS = 10_000;

/** The page's globals that page.evaluate callbacks use (this file is type-checked without the DOM). */
declare const document: { dispatchEvent(event: unknown): boolean };
declare const Event: new (type: string) => unknown;

function testToken(): string {
  const now = Math.floor(Date.now() / 1000);
  return signToken({ userId: "writer", issuedAt: now - 60, expiresAt: now + 3_600 }, "scripted-server-secret-0123456789abcdef");
}

/** Real time, for what the browser sends to arrive (the page's own clock is fake). */
const settle = (ms = 400) => new Promise((resolve) => setTimeout(resolve, ms));

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

async function close(server: Server | undefined): Promise<void> {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
}

describe("the deployed page's hot pings", () => {
  let browser: Browser;
  let pageServer: Server;
  let hotServer: Server;
  let wss: WebSocketServer;
  let port: number;
  let hotPort: number;
  let acceptSockets = true;
  /** How the stand-in answers; "drop" closes the connection without one (a network failure). */
  let answer: { status: number; headers?: Record<string, string> } | "drop" = { status: 204 };
  let pings: string[] = [];
  let context: BrowserContext;
  let consoleLines: string[] = [];

  beforeAll(async () => {
    hotServer = createServer((request: IncomingMessage, response: ServerResponse) => {
      const cors = { "Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "retry-after" };
      if (request.method !== "POST") return void response.writeHead(405, cors).end();
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        pings.push(body);
        if (answer === "drop") return void request.socket.destroy();
        response.writeHead(answer.status, { ...cors, ...answer.headers }).end();
      });
    });
    hotPort = await listen(hotServer);

    pageServer = createServer((request, response) => {
      const endpoint = `ws://127.0.0.1:${port}`;
      const headers = pageSecurityHeaders([endpoint, `http://127.0.0.1:${hotPort}`]);
      if (request.url === "/config.json") {
        const config = { websocketUrl: `${endpoint}/`, hotPollUrl: `http://127.0.0.1:${hotPort}/` };
        return void response.writeHead(200, { ...headers, "Content-Type": "application/json" }).end(JSON.stringify(config));
      }
      void serveStatic(request, response, "web", headers);
    });
    // A refused handshake, not a socket closed once open: the page must never see it open.
    wss = new WebSocketServer({ server: pageServer, verifyClient: (_info, done) => done(acceptSockets, 503) });
    wss.on("connection", (socket) => {
      socket.on("message", (data: Buffer) => {
        if ((JSON.parse(data.toString()) as { action: string }).action === "resume") {
          socket.send(JSON.stringify({ type: "resumed", count: 0, more: false }));
        }
      });
    });
    port = await listen(pageServer);
    browser = await launchChromium();
  });

  beforeEach(async () => {
    acceptSockets = true;
    answer = { status: 204 };
    pings = [];
    consoleLines = [];
    await context?.close();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    wss?.close();
    await close(pageServer);
    await close(hotServer);
  });

  /** A page on a fake clock, live (socket open, caught up). */
  async function openLive(token: string): Promise<Page> {
    context = await browser.newContext();
    const page = await context.newPage();
    page.on("console", (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => consoleLines.push(`pageerror: ${error.message}`));
    await page.clock.install({ time: Date.now() });
    await page.goto(`http://127.0.0.1:${port}/?token=${token}`);
    await page.locator('#status[data-state="live"]').waitFor({ timeout: UI_TIMEOUT_MS });
    return page;
  }

  async function setVisibility(page: Page, state: "visible" | "hidden"): Promise<void> {
    await page.evaluate((value) => {
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => value });
      document.dispatchEvent(new Event("visibilitychange"));
    }, state);
  }

  const pingCount = (count: number) => expect.poll(() => pings.length, { timeout: UI_TIMEOUT_MS }).toBe(count);

  it("POSTs the token on open and every 15 s while visible, none while hidden, and again when shown", async () => {
    // Prepare
    const token = testToken();
    const page = await openLive(token);

    // Act / Assess: at once, then after one interval
    await pingCount(1);
    expect(pings[0]).toBe(token);
    await page.clock.runFor(16_000);
    await pingCount(2);

    // Act / Assess: hidden for a minute
    await setVisibility(page, "hidden");
    await page.clock.runFor(60_000);
    await settle();
    expect(pings).toHaveLength(2);

    // Act / Assess: shown again, an interval after the last ping
    await setVisibility(page, "visible");
    await pingCount(3);
    expect(pings.every((body) => body === token)).toBe(true);
  });

  it("waits a 429's Retry-After, stops after a 401, and logs nothing for either", async () => {
    // Prepare
    answer = { status: 429, headers: { "Retry-After": "120" } };
    const page = await openLive(testToken());
    await pingCount(1);

    // Act / Assess: nothing before the two minutes are up
    await page.clock.runFor(60_000);
    await settle();
    expect(pings).toHaveLength(1);
    answer = { status: 401 };
    await page.clock.runFor(61_000);
    await pingCount(2);

    // Act / Assess: refused, silent for good on this connection
    await page.clock.runFor(120_000);
    await settle();
    expect(pings).toHaveLength(2);
    // The browser reports a 4xx answer itself ("Failed to load resource"); the page adds nothing.
    expect(consoleLines.filter((line) => !line.includes("Failed to load resource"))).toEqual([]);
  });

  it("never pings while its socket is down", async () => {
    // Prepare
    const page = await openLive(testToken());
    await pingCount(1);

    // Act: the socket drops and cannot come back
    acceptSockets = false;
    for (const client of wss.clients) client.terminate();
    await page.locator('#status:not([data-state="live"])').waitFor({ timeout: UI_TIMEOUT_MS });
    await page.clock.runFor(90_000);
    await settle();

    // Assess
    expect(pings).toHaveLength(1);
  });

  it("goes on at the usual interval after a failed answer or none at all, and logs nothing", async () => {
    // Prepare
    const page = await openLive(testToken());
    await pingCount(1);
    answer = { status: 502 };

    // Act
    await page.clock.runFor(16_000);
    await pingCount(2);
    answer = "drop";
    await page.clock.runFor(16_000);
    // Chromium itself resends a request whose reused connection closed before any answer.
    await expect.poll(() => pings.length, { timeout: UI_TIMEOUT_MS }).toBeGreaterThanOrEqual(3);
    await settle();
    const afterDrop = pings.length;
    answer = { status: 204 };
    await page.clock.runFor(16_000);

    // Assess: a failure is followed by the usual interval, not a stop
    await pingCount(afterDrop + 1);
    // The browser reports failed loads itself; the page adds nothing.
    expect(consoleLines.filter((line) => !/Failed to load resource/.test(line))).toEqual([]);
  });
});
