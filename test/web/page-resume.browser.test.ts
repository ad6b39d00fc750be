/**
 * The page's side of the socket contract in a real browser (Chromium via playwright-core), against
 * a scripted server: the page server of `npm start` on a plain HTTP server with a `ws` socket
 * behind it that answers as the test says. For what the real server gives only rarely or not
 * yet: a resume refused with `retryAfter` (after 10 in a minute), a resume that fails, and the
 * `status` frames of source health.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { signToken } from "#domain/token.ts";
import { createPageServer } from "#local/web/page-server.ts";
import { launchChromium, SCREENSHOTS } from "./chromium.ts";

const UI_TIMEOUT_MS = 10_000;
const writer = "writer";

/** Any well-formed unexpired token: this server checks none. */
function testToken(): string {
  const now = Math.floor(Date.now() / 1000);
  return signToken({ userId: writer, issuedAt: now - 60, expiresAt: now + 3_600 }, "scripted-server-secret-0123456789abcdef");
}

type ClientRequest = { action: string; since?: string };
/** How the scripted server answers the `resume`-th resume (1-based, over all connections). */
type Script = (send: (frame: string) => void, resume: number) => void;

describe("the page against a scripted server", () => {
  let browser: Browser;
  let server: Server;
  let wss: WebSocketServer;
  let port: number;
  let script: Script = () => {};
  let requests: { at: number; connection: number; request: ClientRequest }[] = [];
  let connections = 0;
  const eventId = (n: number) => String(n).padStart(40, "0");
  const likeFrame = (n: number) =>
    JSON.stringify({
      type: "like",
      id: eventId(n),
      userId: writer,
      itemId: `item-${n}`,
      title: `Paged ${n}`,
      url: `https://qiita.com/${writer}/items/item-${n}`,
      delta: 1,
      likesCount: n,
      likers: [`liker-${n}`],
      at: new Date(Date.UTC(2026, 10, 21, 9, n)).toISOString(),
    });
  const resumes = () => requests.filter(({ request }) => request.action === "resume");

  /** Opens the page in a fresh context and waits until it says it is live (caught up). */
  async function openUntilLive() {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${port}/?token=${testToken()}`);
      await page.locator('#status[data-state="live"]').waitFor({ timeout: UI_TIMEOUT_MS });
      return { likes: await page.locator("#feed .like").count(), notice: await page.locator("#notice").innerText() };
    } finally {
      await context.close();
    }
  }

  beforeAll(async () => {
    // The page server of `npm start` on a plain HTTP server, with a scripted socket behind it.
    server = createServer(createPageServer({ root: "web" }));
    wss = new WebSocketServer({ server });
    wss.on("connection", (socket) => {
      const connection = ++connections;
      socket.on("message", (data: Buffer) => {
        const request = JSON.parse(data.toString()) as ClientRequest;
        requests.push({ at: Date.now(), connection, request });
        if (request.action === "resume") script((frame) => socket.send(frame), resumes().length);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    browser = await launchChromium();
  });

  beforeEach(() => {
    requests = [];
    connections = 0;
  });

  afterAll(async () => {
    await browser?.close();
    wss?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  it("asks for the next page from the page's last like, and waits as long as the server says when refused", async () => {
    // Prepare: a page of two with more; then refused, wait 1 s; then the last page
    script = (send, resume) => {
      if (resume === 1) {
        send(likeFrame(1));
        send(likeFrame(2));
        send(JSON.stringify({ type: "resumed", count: 2, more: true }));
      } else if (resume === 2) {
        send(JSON.stringify({ type: "error", message: "too many resumes", retryAfter: 1 }));
      } else {
        send(likeFrame(3));
        send(JSON.stringify({ type: "resumed", count: 1, more: false }));
      }
    };

    // Act
    const shown = await openUntilLive();

    // Assess
    expect(resumes().map(({ request }) => request)).toEqual([
      { action: "resume", since: "0" },
      { action: "resume", since: eventId(2) },
      { action: "resume", since: eventId(2) },
    ]);
    const [, refused, retried] = resumes();
    expect((retried?.at ?? 0) - (refused?.at ?? 0)).toBeGreaterThanOrEqual(1_000);
    expect(shown).toEqual({ likes: 3, notice: "Showing your 3 latest likes of the last 24 hours." });
  });

  it("says in words which source is down and when it is retried, and nothing once it is back", async () => {
    // Prepare
    const context = await browser.newContext({ viewport: { width: 900, height: 360 } });
    const since = new Date(Date.now() - 8 * 60_000).toISOString();
    const retryAt = new Date(Date.now() + 2 * 60_000 + 10_000).toISOString();
    const qiita = (state: string) => ({ name: "qiita", state, since, message: "connect ECONNREFUSED" });
    script = (send) => {
      send(JSON.stringify({ type: "status", sources: [{ ...qiita("failing"), retryAt }] }));
      send(JSON.stringify({ type: "resumed", count: 0, more: false }));
    };
    try {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${port}/?token=${testToken()}`);
      const sources = page.locator("#sources");
      await sources.waitFor({ timeout: UI_TIMEOUT_MS });

      // Assess
      expect(await sources.innerText()).toMatch(/^Qiita unreachable since \d\d:\d\d( [AP]M)? — retrying in 2 min$/);
      await page.screenshot({ path: `${SCREENSHOTS}/source-down.png`, animations: "disabled" });

      // Act: the source is back
      for (const client of wss.clients) client.send(JSON.stringify({ type: "status", sources: [qiita("ok")] }));

      // Assess
      await sources.waitFor({ state: "hidden", timeout: UI_TIMEOUT_MS });
    } finally {
      await context.close();
    }
  });

  it("reconnects and asks again when a resume fails for good, instead of catching up forever", async () => {
    // Prepare: the first resume is answered with an error that names no wait
    script = (send, resume) =>
      send(
        resume === 1
          ? JSON.stringify({ type: "error", message: "unknown connection: reconnect" })
          : JSON.stringify({ type: "resumed", count: 0, more: false }),
      );

    // Act
    await openUntilLive();

    // Assess: the second resume came on a new connection, from the same point
    expect(resumes().map(({ connection, request }) => [connection, request.since])).toEqual([
      [1, "0"],
      [2, "0"],
    ]);
  });
});
