/**
 * Hot polls in the runtime `npm start` wires (issue 11's "Done when"): real ws tabs, a fake Qiita
 * counting requests, the real stream path. A short hot interval; every wait has a deadline.
 */
import { afterEach, beforeEach, describe, expect } from "vitest";
import { FakeQiitaServer } from "#test/fakes/fake-qiita-server.ts";
import type { LocalConfig } from "#local/config.ts";
import { QIITA_TOKEN, type RuntimeWithFakes, runtimePerTest as test, WITHOUT_LINE, WRITER } from "#test/support/runtime-fixture.ts";
import { until, waitFor } from "#test/support/wait-for.ts";
import { likeFrames, type TestClient } from "#test/support/ws-client.ts";

const INTERVAL_MS = 400;
/** What one poll and the stream may take on a busy machine. */
const SLACK_MS = 1_000;
const ITEMS = "/api/v2/authenticated_user/items";

/** A Qiita whose budget is large enough for the interval's floor to decide, not the 1000 an hour. */
let qiita: FakeQiitaServer;

beforeEach(async () => {
  qiita = await FakeQiitaServer.start({ rateLimit: 1_000_000 });
  qiita.addUser(WRITER, QIITA_TOKEN);
});

afterEach(async () => {
  await qiita.close();
});

function hotConfig(local: RuntimeWithFakes): LocalConfig {
  return local.config({
    ...WITHOUT_LINE,
    QIITA_BASE_URL: qiita.baseUrl,
    HOT_POLL_MIN_SECONDS: String(INTERVAL_MS / 1000),
    HOT_POLL_MAX_SECONDS: String((10 * INTERVAL_MS) / 1000),
    HOT_POLL_BUDGET_PERCENT: "50",
  });
}

/** First-page requests the fake received: the hot polls (the sweeps run hourly in these tests). */
function firstPageRequests(): number {
  return qiita.requests(ITEMS);
}

const likesOf = (tab: TestClient, itemId: string) => likeFrames(tab).filter((frame) => frame.itemId === itemId);

describe("hot polls in the local runtime", () => {
  test("reads nothing while no tab is open", async ({ local }) => {
    // Prepare
    qiita.addArticles(WRITER, 2, { likers: 1 });
    await local.start(hotConfig(local));
    qiita.resetRequestCounts();

    // Act: four intervals without a tab
    const polled = await until(() => (firstPageRequests() > 0 ? true : undefined), { timeoutMs: 4 * INTERVAL_MS });

    // Assess
    expect(polled).toBeUndefined();
    expect(qiita.requests()).toBe(0);
  });

  test("starts within one interval of a connect, brings a like without a sweep, stops within one interval of the last disconnect", async ({
    local,
  }) => {
    // Prepare
    const [itemId] = qiita.addArticles(WRITER, 3, { likers: 1 }) as [string];
    await local.start(hotConfig(local));
    qiita.resetRequestCounts();

    // Act: connect
    const connectedAt = Date.now();
    const tab = await local.open();
    await waitFor(() => (firstPageRequests() >= 1 ? true : undefined), { what: "the first hot poll" });
    const firstPollAfter = Date.now() - connectedAt;
    const likedAt = Date.now();
    qiita.like(itemId, "carol");
    await waitFor(() => (likesOf(tab, itemId).length === 1 ? true : undefined), { what: "the like frame" });
    const likeAfter = Date.now() - likedAt;

    // Act: the last tab goes
    tab.socket.close();
    await tab.closed;
    const disconnectedAt = Date.now();
    const requestsAtDisconnect = firstPageRequests();
    const polledLater = await until(() => (firstPageRequests() > requestsAtDisconnect + 1 ? true : undefined), {
      timeoutMs: 4 * INTERVAL_MS,
    });

    // Assess
    expect(firstPollAfter).toBeLessThanOrEqual(INTERVAL_MS + SLACK_MS);
    expect(likeAfter).toBeLessThanOrEqual(INTERVAL_MS + SLACK_MS + 1_000);
    expect(likesOf(tab, itemId)[0]).toMatchObject({ delta: 1, likesCount: 2, likers: ["carol"] });
    // At most the one poll already under way when the tab went
    expect(polledLater).toBeUndefined();
    expect(Date.now() - disconnectedAt).toBeGreaterThanOrEqual(4 * INTERVAL_MS);
  });

  test("two tabs do not double the request rate", async ({ local }) => {
    // Prepare
    qiita.addArticles(WRITER, 3, { likers: 1 });
    await local.start(hotConfig(local));
    await local.open();
    await local.open();
    await waitFor(() => (firstPageRequests() >= 1 ? true : undefined), { what: "the first hot poll" });
    qiita.resetRequestCounts();

    // Act
    const startedAt = Date.now();
    await waitFor(() => (firstPageRequests() >= 6 ? true : undefined), { what: "six hot polls", timeoutMs: 10_000 });
    const elapsed = Date.now() - startedAt;

    // Assess: six polls took at least five intervals, as they would for one tab
    expect(elapsed).toBeGreaterThanOrEqual(5 * INTERVAL_MS - 50);
  });

  test("a rate-limited answer backs off until the reset", async ({ local }) => {
    // Prepare
    qiita.addArticles(WRITER, 1, { likers: 1 });
    await local.start(hotConfig(local));
    const resetAt = Math.ceil(Date.now() / 1000) + 3;
    qiita.setRateRemaining(QIITA_TOKEN, 0, resetAt);
    qiita.resetRequestCounts();

    // Act
    await local.open();
    await waitFor(() => (firstPageRequests() >= 1 ? true : undefined), { what: "the refused hot poll" });
    await waitFor(() => (firstPageRequests() >= 2 ? true : undefined), { what: "a hot poll after the reset", timeoutMs: 8_000 });

    // Assess: one refusal, then nothing until the reset
    expect(Date.now()).toBeGreaterThanOrEqual(resetAt * 1000);
    expect(qiita.requests()).toBe(2);
  });

  test("a like seen by hot polls and full sweeps is notified once", async ({ local }) => {
    // Prepare
    const [recent, other] = qiita.addArticles(WRITER, 2, { likers: 1 }) as [string, string];
    const runtime = await local.start(hotConfig(local));
    const tab = await local.open();
    await waitFor(() => (firstPageRequests() >= 1 ? true : undefined), { what: "hot polls running" });

    // Act: sweeps race the hot polls while the likes land
    qiita.like(recent, "dave");
    await Promise.all([runtime.collectNow(), runtime.collectNow()]);
    qiita.like(other, "erin");
    qiita.like(recent, "frank");
    await runtime.collectNow();
    await waitFor(() => (likesOf(tab, other).length >= 1 ? true : undefined), { what: "the like on the other article" });
    await waitFor(() => (likesOf(tab, recent).reduce((sum, frame) => sum + Number(frame.delta), 0) >= 2 ? true : undefined), {
      what: "both likes on the recent article",
    });
    // A few more rounds of both, in case a duplicate were on its way
    const after = firstPageRequests();
    await runtime.collectNow();
    await waitFor(() => (firstPageRequests() >= after + 2 ? true : undefined), { what: "two more hot polls" });

    // Assess: each like once, by id and by liker
    const frames = likeFrames(tab);
    expect(new Set(frames.map((frame) => frame.id)).size).toBe(frames.length);
    expect(frames.flatMap((frame) => frame.likers as string[]).sort()).toEqual(["dave", "erin", "frank"]);
  });
});
