/**
 * GitHub stars on the whole local path: stand-in GitHub (real HTTP) → GitHub collector →
 * repositories table → its stream poller → stream handler → the star frame on a real socket,
 * LINE once, resume; GitHub's limits pause GitHub only; GITHUB_TOKEN alone serves the GitHub login.
 */
import { afterEach, beforeEach, describe, expect } from "vitest";
import type { SourceStatus } from "#domain/frames.ts";
import { FakeGitHubServer } from "#test/fakes/fake-github-server.ts";
import { LINE_TO, runtimePerTest as it, WITHOUT_LINE, WRITER } from "#test/support/runtime-fixture.ts";
import { waitFor } from "#test/support/wait-for.ts";
import type { TestClient } from "#test/support/ws-client.ts";

const GITHUB_TOKEN = "ghp_writer";
let github: FakeGitHubServer;

beforeEach(async () => {
  github = await FakeGitHubServer.start();
  github.addUser("octo-writer", GITHUB_TOKEN);
});

afterEach(async () => {
  await github.close();
});

const env = () => ({ GITHUB_TOKEN, GITHUB_API_BASE_URL: github.baseUrl });

const parsed = (client: TestClient) => client.frames.map((frame) => JSON.parse(frame) as Record<string, unknown>);
const starFrames = (client: TestClient) => client.frames.filter((frame) => frame.startsWith('{"type":"star"'));
const lastStatus = (client: TestClient) =>
  parsed(client)
    .filter((frame) => frame.type === "status")
    .at(-1)?.sources as SourceStatus[] | undefined;

describe("local runtime: GitHub stars", () => {
  it("a new star reaches the writer's tab as the star frame, after a silent baseline", async ({ local }) => {
    // Prepare: the first poll (at start) is the baseline
    const repo = github.addRepo("octo-writer", "hello", { stars: 2 });
    const runtime = await local.start(local.config({ ...env(), ...WITHOUT_LINE }));
    const tab = await local.open();
    await runtime.github?.collectNow();
    expect(starFrames(tab)).toEqual([]);

    // Act
    github.star(repo, "carol");
    github.star(repo, "dave");
    await runtime.github?.collectNow();
    const [frame] = await waitFor(() => (starFrames(tab).length > 0 ? starFrames(tab) : undefined), { what: "star frame" });

    // Assess: the public field order, exactly
    const star = JSON.parse(frame as string) as { id: string; at: string };
    expect(frame).toBe(
      JSON.stringify({
        type: "star",
        id: star.id,
        userId: WRITER,
        repo: "octo-writer/hello",
        url: "https://github.com/octo-writer/hello",
        delta: 2,
        stargazersCount: 4,
        stargazers: ["dave", "carol"],
        at: star.at,
      }),
    );
    expect(star.id).toMatch(/^\d{15}2\d{24}$/);
  });

  it("pushes a star to LINE once when no tab got it, and resume replays it with its id", async ({ local }) => {
    // Prepare
    const repo = github.addRepo("octo-writer", "hello", { stars: 1 });
    const runtime = await local.start(local.config(env()));
    github.star(repo, "carol");

    // Act: the star, then polls that find nothing new
    await runtime.github?.collectNow();
    await waitFor(() => (local.line.deliveries.length > 0 ? true : undefined), { what: "LINE push" });
    await runtime.github?.collectNow();
    const tab = await local.open();
    tab.socket.send('{"action":"resume","since":"0"}');
    await waitFor(() => (parsed(tab).some((frame) => frame.type === "resumed") ? true : undefined), { what: "resumed" });

    // Assess
    expect(local.line.deliveries).toHaveLength(1);
    expect(local.line.deliveries[0]?.to).toBe(LINE_TO);
    expect(local.line.deliveries[0]?.texts.join("\n")).toMatch(/⭐ octo-writer\/hello \(\+1, 2 total\)[\s\S]*carol/);
    const replayed = starFrames(tab);
    expect(replayed).toHaveLength(1);
    expect(JSON.parse(replayed[0] as string)).toMatchObject({ repo: "octo-writer/hello", delta: 1, stargazers: ["carol"] });
  });

  it("an idle poll is one 304 per page and an unstar sends nothing", async ({ local }) => {
    const repo = github.addRepo("octo-writer", "hello", { stars: ["bob", "carol"] });
    const runtime = await local.start(local.config({ ...env(), ...WITHOUT_LINE }));
    const tab = await local.open();
    github.resetRequestCounts();

    const idle = await runtime.github?.collectNow();
    github.unstar(repo, "bob");
    const unstar = await runtime.github?.collectNow();
    const handledBefore = runtime.repositoriesPoller.stats.records;
    await runtime.repositoriesPoller.drained();

    expect(idle).toMatchObject({ notModified: true, githubRequests: 1 });
    expect(github.requests("/user/repos", 304)).toBe(1);
    expect(unstar).toMatchObject({ written: 1 });
    // The unstar's record was read by the stream handler (baseline records too) and sent nothing.
    expect(runtime.repositoriesPoller.stats.records).toBeGreaterThanOrEqual(handledBefore);
    expect(runtime.repositoriesPoller.stats.records).toBeGreaterThan(0);
    expect(starFrames(tab)).toEqual([]);
  });

  it.for([
    ["secondary (429, retry-after)", () => github.secondaryLimit({ status: 429, retryAfterSeconds: 600 })],
    ["primary (403, x-ratelimit-remaining 0)", () => github.setRateRemaining(GITHUB_TOKEN, 0, Math.floor(Date.now() / 1000) + 900)],
  ] as const)(
    "GitHub's %s limit pauses GitHub only: the tab sees github rate-limited and qiita ok, and likes still arrive",
    async ([, limit], { local }) => {
      // Prepare
      github.addRepo("octo-writer", "hello", { stars: 1 });
      const runtime = await local.start(local.config({ ...env(), ...WITHOUT_LINE }));
      const tab = await local.open();
      const [itemId] = local.qiita.addArticles(WRITER, 1) as [string];
      await runtime.collectNow();
      github.resetRequestCounts();
      limit();

      // Act
      const limited = await runtime.github?.collectNow();
      local.qiita.like(itemId, "fan");
      await runtime.collectNow();
      await waitFor(() => (parsed(tab).some((frame) => frame.type === "like") ? true : undefined), { what: "like frame" });
      const sources = await waitFor(() => lastStatus(tab), { what: "status frame" });

      // Assess
      expect(limited?.skippedUntil).toBeGreaterThan(Date.now() + 590_000);
      // One refused request, then none while paused.
      await runtime.github?.collectNow();
      expect(github.requests("/")).toBe(1);
      expect(sources.map((source) => [source.name, source.state])).toEqual([
        ["qiita", "ok"],
        ["github", "rate-limited"],
      ]);
      expect(sources[1]?.message).toMatch(/GitHub asks to wait until/);
      expect(runtime.github?.health().state).toBe("rate-limited");
      expect(runtime.sourceStatus().state).toBe("ok");
    },
  );

  it("with GITHUB_TOKEN alone the served user is the GitHub login, and its stars reach it", async ({ local }) => {
    const repo = github.addRepo("octo-writer", "hello", { stars: 1 });
    const runtime = await local.start(local.config({ ...env(), ...WITHOUT_LINE, QIITA_TOKEN: undefined, QIITA_BASE_URL: undefined }));
    const tab = await local.open("octo-writer");
    github.star(repo, "carol");

    await runtime.github?.collectNow();
    await waitFor(() => (starFrames(tab).length > 0 ? true : undefined), { what: "star frame" });

    expect(runtime.userId).toBe("octo-writer");
    expect(runtime.demo).toBe(false);
    expect(local.qiita.requests()).toBe(0);
  });

  it("a refused token stops the start with one line naming GITHUB_TOKEN", async ({ local }) => {
    const error = await local.start(local.config({ ...env(), GITHUB_TOKEN: "ghp_wrong", ...WITHOUT_LINE })).catch((e: unknown) => e);

    expect((error as Error).name).toBe("GitHubAuthError");
    expect((error as Error).message).toMatch(/^GitHub refused the token \(HTTP 401: Bad credentials\)\. Check GITHUB_TOKEN/);
  });
});
