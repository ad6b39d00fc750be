/**
 * Source health on the whole local path (fake Qiita with faults → collector → status frames on a
 * real socket): a tab learns Qiita is down and back, the console gets one line per change of
 * state, the collector backs off while Qiita fails, and Qiita failing at start does not stop it.
 */
import { describe, expect, vi } from "vitest";
import type { SourceStatus } from "#domain/frames.ts";
import { runtimePerTest as it, WRITER as writer } from "#test/support/runtime-fixture.ts";
import type { TestClient } from "#test/support/ws-client.ts";
import { waitFor } from "#test/support/wait-for.ts";

/** Short enough to watch a whole outage in a test: 100 ms, 200 ms, then 400 ms at most. */
const backoff = { baseMs: 100, capMs: 400 };

function statuses(client: TestClient): SourceStatus[] {
  return client.frames
    .map((frame) => JSON.parse(frame) as { type: string; sources?: SourceStatus[] })
    .filter((frame) => frame.type === "status")
    .map((frame) => frame.sources?.[0] as SourceStatus);
}

describe("local runtime: source health", () => {
  it("tells the tab when Qiita goes down and comes back, logs one line per change, and backs off meanwhile", async ({ local }) => {
    // Prepare: a tab that resumed, so it has the status of a connect
    const { qiita } = local;
    qiita.addArticles(writer, 1, { likers: 1 });
    const lines: string[] = [];
    // At npm start's log level, with what the logger prints kept
    let printed = "";
    const keep = (chunk: unknown) => {
      printed += String(chunk);
      return true;
    };
    const spies = [vi.spyOn(process.stdout, "write").mockImplementation(keep), vi.spyOn(process.stderr, "write").mockImplementation(keep)];
    const runtime = await local.start(undefined, { notice: (line) => lines.push(line), backoff, logLevel: "WARN" });
    const tab = await local.open();
    tab.socket.send('{"action":"resume","since":"0"}');
    await waitFor(() => (statuses(tab).length === 1 ? true : undefined), { what: "status on connect" });
    qiita.resetRequestCounts();
    qiita.injectFault("error500", { count: 4, pathPrefix: "/api/v2/authenticated_user/items" });

    // Act: one poll fails; the runtime retries by itself at 100, 200, 400 ms and the fifth try works
    await runtime.collectNow().catch(() => undefined);
    await waitFor(() => (statuses(tab).at(-1)?.state === "ok" && statuses(tab).length > 2 ? true : undefined), {
      what: "status back to ok",
    }).finally(() => {
      for (const spy of spies) spy.mockRestore();
    });

    // Assess
    const seen = statuses(tab);
    expect(seen[0]).toMatchObject({ name: "qiita", state: "ok" });
    expect(seen.slice(1, -1).every((status) => status.state === "failing" && status.retryAt !== undefined)).toBe(true);
    expect(seen[1]?.message).toMatch(/Qiita is unavailable \(HTTP 500\)/);
    expect(new Set(seen.slice(1, -1).map((status) => status.since)).size).toBe(1);
    expect(seen.at(-1)).toMatchObject({ state: "ok" });
    expect(seen.at(-1)?.retryAt).toBeUndefined();
    expect(lines).toEqual(["Qiita unreachable (HTTP 500): retrying in 1 s", "Qiita answers again: polling as usual."]);
    // Nothing else about it: no error line per failed poll, no stack (the stream poller may say its own things)
    expect(printed.split("\n").filter((line) => /poll failed|Qiita|"level":"ERROR"/.test(line))).toEqual([]);
    expect(printed).not.toMatch(/^\s+at /m);
    // Five polls, not one per millisecond: the backoff held the retries back
    expect(qiita.requests("/api/v2/authenticated_user/items")).toBe(5);
    expect(runtime.sourceStatus().state).toBe("ok");
  });

  it("tells the tab Qiita's rate limit is spent and plans the next poll at its reset, not at a backoff", async ({ local }) => {
    // Prepare
    const { qiita } = local;
    qiita.addArticles(writer, 1, { likers: 1 });
    const lines: string[] = [];
    const runtime = await local.start(undefined, { notice: (line) => lines.push(line), backoff });
    const tab = await local.open();
    const resetAt = Math.floor(Date.now() / 1000) + 3_600;
    qiita.setRateRemaining("qiita-token", 0, resetAt);
    qiita.resetRequestCounts();

    // Act
    await runtime.collectNow();
    await waitFor(() => (statuses(tab).length ? true : undefined), { what: "status frame" });

    // Assess: one refused request; the next poll is planned at the reset
    const reset = new Date(resetAt * 1000).toISOString();
    expect(statuses(tab)).toEqual([expect.objectContaining({ state: "rate-limited", retryAt: reset })]);
    expect(runtime.sourceStatus()).toMatchObject({ state: "rate-limited", retryAt: reset });
    expect(lines).toEqual([expect.stringMatching(/^Qiita's rate limit is spent until \S+; polls resume then, nothing is lost\.$/)]);
    expect(qiita.requests()).toBe(1);
  });

  it('answers {"action":"status"} with the current health', async ({ local }) => {
    // Prepare
    await local.start();
    const tab = await local.open();

    // Act
    tab.socket.send('{"action":"status"}');
    await tab.framesAfter(1);

    // Assess
    expect(statuses(tab)).toEqual([expect.objectContaining({ name: "qiita", state: "ok", since: expect.any(String) })]);
  });

  it("starts while Qiita fails, says so in one line, and watches the writer once Qiita answers", async ({ local }) => {
    // Prepare: the first two questions of whose token this is fail
    const { qiita } = local;
    const [itemId] = qiita.addArticles(writer, 1, { likers: 1 }) as [string];
    qiita.injectFault("error500", { count: 2, pathPrefix: "/api/v2/authenticated_user" });
    const lines: string[] = [];

    // Act
    const runtime = await local.start(undefined, { notice: (line) => lines.push(line), backoff });
    const atStart = { userId: runtime.userId, state: runtime.sourceStatus().state };
    await waitFor(() => runtime.userId, { what: "the writer known" });
    await waitFor(() => (runtime.sourceStatus().state === "ok" ? true : undefined), { what: "Qiita ok" });
    const tab = await local.open();
    qiita.like(itemId, "fan");
    await runtime.collectNow();
    await tab.framesAfter(1);

    // Assess
    expect(atStart).toEqual({ userId: undefined, state: "failing" });
    expect(lines[0]).toBe("Qiita unreachable (HTTP 500): starting anyway; retrying in 1 s");
    expect(lines).toContain(`Qiita answered: watching writer "${writer}" (a token for it: npm run --silent token -- ${writer})`);
    expect(lines.at(-1)).toBe("Qiita answers again: polling as usual.");
    expect(JSON.parse(tab.frames[0] ?? "")).toMatchObject({ type: "like", itemId, likers: ["fan"] });
  });

  it("refuses to start when Qiita refuses the token", async ({ local }) => {
    // Act
    const started = local.start(local.config({ QIITA_TOKEN: "not-a-token" }));

    // Assess
    await expect(started).rejects.toMatchObject({
      name: "QiitaAuthError",
      message: expect.stringMatching(/^Qiita refused the access token \(HTTP 401\)\. Check QIITA_TOKEN/),
    });
  });
});
