import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { errorFrame, notificationFrame, parseClientFrame, pongFrame, resumedFrame, statsFrame } from "#domain/frames.ts";
import type { LikeNotification, StarNotification } from "#domain/notification.ts";

const event: LikeNotification = {
  kind: "like",
  id: "0000000000000000000000000000000000000042",
  to: "user:alice",
  userId: "alice",
  itemId: "c686397e4a0f4f11683d",
  title: "Hello",
  url: "https://qiita.com/alice/items/c686397e4a0f4f11683d",
  delta: 2,
  likesCount: 7,
  likers: ["bob", "carol"],
  at: "2026-11-21T05:00:00.000Z",
};

describe("server frames", () => {
  it("writes a like frame with exactly the public fields", () => {
    // Act
    const frame = JSON.parse(notificationFrame(event));

    // Assess
    const { kind: _kind, to: _to, ...fields } = event;
    expect(frame).toEqual({ type: "like", ...fields });
    expect(Object.keys(frame)).toEqual(["type", "id", "userId", "itemId", "title", "url", "delta", "likesCount", "likers", "at"]);
  });

  it("writes pong, resumed and error frames", () => {
    expect(JSON.parse(pongFrame())).toEqual({ type: "pong" });
    expect(JSON.parse(resumedFrame(3, true))).toEqual({ type: "resumed", count: 3, more: true });
    expect(JSON.parse(resumedFrame(0, false))).toEqual({ type: "resumed", count: 0, more: false });
    expect(JSON.parse(errorFrame("nope"))).toEqual({ type: "error", message: "nope" });
    expect(JSON.parse(errorFrame("slow down", 12))).toEqual({ type: "error", message: "slow down", retryAfter: 12 });
  });
});

describe("parseClientFrame", () => {
  it("reads ping", () => {
    expect(parseClientFrame('{"action":"ping"}')).toEqual({ action: "ping" });
  });

  it("reads resume from the start", () => {
    expect(parseClientFrame('{"action":"resume","since":"0"}')).toEqual({ action: "resume", since: "0" });
  });

  it("reads resume with the last seen id", () => {
    expect(parseClientFrame(`{"action":"resume","since":"${event.id}"}`)).toEqual({
      action: "resume",
      since: event.id,
    });
  });

  it.each([
    [undefined, /empty/],
    ["not json", /not JSON/],
    ["[1,2]", /object/],
    ["null", /object/],
    ['{"action":"dance"}', /unknown action "dance"/],
    ['{"hello":1}', /no "action"/],
    ['{"action":"resume"}', /since/],
    ['{"action":"resume","since":5}', /since/],
    ['{"action":"resume","since":"a b"}', /since/],
    // Each of these sorts below every id and would replay a whole day (issue 8, item 5).
    ['{"action":"resume","since":"-"}', /since/],
    ['{"action":"resume","since":"."}', /since/],
    ['{"action":"resume","since":"00"}', /since/],
    ['{"action":"resume","since":"00000000000000000000000000000000000000042"}', /since/],
  ])("answers %j with an error naming the problem", (body, message) => {
    const request = parseClientFrame(body);

    expect(request.action).toBe("invalid");
    expect(request).toMatchObject({ message: expect.stringMatching(message) });
  });

  it("never throws and only returns the known requests (fuzz)", () => {
    const frames = fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .record({
          action: fc.oneof(fc.constantFrom("ping", "resume", "status", "stats"), fc.string()),
          since: fc.anything(),
          days: fc.anything(),
        })
        .map((o) => JSON.stringify(o)),
    );
    fc.assert(
      fc.property(frames, (body) => {
        const request = parseClientFrame(body);
        expect(["ping", "resume", "status", "stats", "invalid"]).toContain(request.action);
      }),
      { numRuns: 3_000, seed: 1 },
    );
  });
});

describe("notificationFrame of a published notification", () => {
  it("has exactly the public fields, optional ones only when present", () => {
    const base = {
      kind: "notification",
      id: "1".repeat(40),
      to: "user:alice",
      userId: "alice",
      title: "Done",
      at: "2026-11-30T12:00:00.000Z",
    } as const;

    expect(JSON.parse(notificationFrame(base))).toEqual({
      type: "notification",
      id: "1".repeat(40),
      to: "user:alice",
      title: "Done",
      at: base.at,
    });
    expect(Object.keys(JSON.parse(notificationFrame({ ...base, url: "https://x.example", body: "b", data: { a: 1 } })))).toEqual([
      "type",
      "id",
      "to",
      "title",
      "url",
      "body",
      "data",
      "at",
    ]);
  });
});

describe("star and stats frames", () => {
  it("writes a star frame with exactly the public fields, in order", () => {
    const star: StarNotification = {
      kind: "star",
      id: "2".repeat(40),
      to: "user:alice",
      userId: "alice",
      title: "alice/tool",
      repo: "alice/tool",
      url: "https://github.com/alice/tool",
      delta: 2,
      stargazersCount: 12,
      stargazers: ["dave", "erin"],
      at: "2026-11-21T05:00:00.000Z",
    };
    expect(Object.keys(JSON.parse(notificationFrame(star)))).toEqual([
      "type",
      "id",
      "userId",
      "repo",
      "url",
      "delta",
      "stargazersCount",
      "stargazers",
      "at",
    ]);
    expect(JSON.parse(notificationFrame(star))).toMatchObject({ type: "star", repo: "alice/tool", stargazers: ["dave", "erin"] });
  });

  it("reads stats with 1 to 400 days and refuses anything else naming days", () => {
    expect(parseClientFrame('{"action":"stats","days":30}')).toEqual({ action: "stats", days: 30 });
    expect(parseClientFrame('{"action":"stats","days":400}')).toEqual({ action: "stats", days: 400 });
    for (const days of ["0", "401", "1.5", '"7"', "null"]) {
      const request = parseClientFrame(`{"action":"stats","days":${days}}`);
      expect(request).toMatchObject({ action: "invalid", message: expect.stringContaining('"days"') });
    }
  });

  it("writes a stats frame whose totals add up its days", () => {
    const frame = JSON.parse(
      statsFrame(
        [
          { date: "2026-11-29", likes: 2, stars: 0 },
          { date: "2026-11-30", likes: 3, stars: 4 },
        ],
        [{ kind: "star", title: "alice/tool", url: "https://github.com/alice/tool", count: 4 }],
      ),
    );
    expect(frame).toEqual({
      type: "stats",
      days: [
        { date: "2026-11-29", likes: 2, stars: 0 },
        { date: "2026-11-30", likes: 3, stars: 4 },
      ],
      totals: { likes: 5, stars: 4 },
      top: [{ kind: "star", title: "alice/tool", url: "https://github.com/alice/tool", count: 4 }],
    });
  });
});
