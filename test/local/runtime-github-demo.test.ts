/**
 * The demo with no settings at all simulates a GitHub account beside its Qiita one: a newcomer's
 * tab sees star frames arrive (after the silent baseline), and the status lists both sources.
 */
import { describe, expect } from "vitest";
import type { SourceStatus } from "#domain/frames.ts";
import { DEMO_USER_ID } from "#local/demo/demo-article-source.ts";
import { runtimePerTest as it } from "#test/support/runtime-fixture.ts";
import { waitFor } from "#test/support/wait-for.ts";

const DEMO = { QIITA_TOKEN: undefined, QIITA_BASE_URL: undefined, LINE_CHANNEL_ACCESS_TOKEN: undefined, LINE_TO: undefined };

describe("demo: GitHub stars", () => {
  it("sends the demo writer star frames from the simulated GitHub account", async ({ local }) => {
    // Prepare: stars every 20 ms, polled on demand
    const runtime = await local.start(local.config(DEMO), { demoStarEveryMs: 20 });
    const tab = await local.open(DEMO_USER_ID);

    // Act
    const stars = await waitFor(
      async () => {
        await runtime.github?.collectNow();
        const found = tab.frames.filter((frame) => frame.startsWith('{"type":"star"')).map((frame) => JSON.parse(frame));
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 15_000, what: "a demo star" },
    );
    tab.socket.send('{"action":"status"}');
    const status = await waitFor(
      () =>
        tab.frames.map((frame) => JSON.parse(frame) as { type: string; sources?: SourceStatus[] }).find((frame) => frame.type === "status")
          ?.sources,
      { what: "status frame" },
    );

    // Assess
    expect(runtime.demo).toBe(true);
    expect(runtime.github?.login()).toBe("demo-coder");
    expect(stars[0]).toMatchObject({ userId: DEMO_USER_ID, repo: expect.stringMatching(/^demo-coder\//) });
    expect(stars[0].stargazers).toHaveLength(stars[0].delta);
    expect(status.map((source) => source.name)).toEqual(["qiita", "github"]);
  });
});
