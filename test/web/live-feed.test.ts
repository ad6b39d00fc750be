import { describe, expect, it } from "vitest";
import {
  LikeFeed,
  MAX_SHOWN,
  backoffDelay,
  parseFrame,
  relativeTime,
  safeHttpUrl,
  socketUrl,
  tokenProblem,
  type LikeFrame,
} from "../../web/live-feed.js";

const like = (id: string, at: string, extra: Partial<LikeFrame> = {}): LikeFrame => ({
  type: "like",
  id,
  userId: "writer",
  itemId: "c686397e4a0f4f11683d",
  title: "DynamoDB Streams で「いいね」を即時通知する",
  url: "https://qiita.com/writer/items/c686397e4a0f4f11683d",
  delta: 1,
  likesCount: 42,
  likers: ["alice"],
  at,
  ...extra,
});

describe("backoffDelay", () => {
  it("doubles per attempt between half and all of the ceiling", () => {
    // Act
    const lowest = [0, 1, 2, 3].map((attempt) => backoffDelay(attempt, () => 0));
    const highest = [0, 1, 2, 3].map((attempt) => backoffDelay(attempt, () => 1));

    // Assess
    expect(lowest).toEqual([500, 1_000, 2_000, 4_000]);
    expect(highest).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it("never waits longer than the cap, however many attempts failed", () => {
    // Act / Assess
    expect(backoffDelay(50, () => 1)).toBe(30_000);
    expect(backoffDelay(5_000, () => 0.5)).toBe(22_500);
  });
});

describe("parseFrame", () => {
  it("reads a like frame of the public message contract", () => {
    // Prepare
    const frame = like("01", "2026-11-21T09:12:03.000Z");

    // Act / Assess
    expect(parseFrame(JSON.stringify(frame))).toEqual({ type: "like", like: frame });
  });

  it("reads resumed, pong and error frames", () => {
    // Act / Assess
    expect(parseFrame('{"type":"resumed","count":3}')).toEqual({ type: "resumed", count: 3 });
    expect(parseFrame('{"type":"pong"}')).toEqual({ type: "pong" });
    expect(parseFrame('{"type":"error","message":"unknown action"}')).toEqual({
      type: "error",
      message: "unknown action",
    });
  });

  it.each([
    ["text that is not JSON", "hello"],
    ["JSON that is not an object", "42"],
    ["null", "null"],
    ["an unknown type", '{"type":"party"}'],
    ["a like without id", JSON.stringify({ ...like("x", "2026-11-21T09:12:03Z"), id: undefined })],
    ["a like with a bad time", JSON.stringify(like("x", "yesterday"))],
    ["a like with likers that are not names", JSON.stringify(like("x", "2026-11-21T09:12:03Z", { likers: [1] as never }))],
  ])("returns undefined for %s", (_case, text) => {
    // Act / Assess
    expect(parseFrame(text)).toBeUndefined();
  });
});

describe("LikeFeed", () => {
  it("lists likes newest first and remembers the last id received", () => {
    // Prepare
    const feed = new LikeFeed();

    // Act
    feed.add(like("01", "2026-11-21T09:00:00Z"));
    feed.add(like("02", "2026-11-21T09:05:00Z"));

    // Assess
    expect(feed.likes.map((l) => l.id)).toEqual(["02", "01"]);
    expect(feed.lastId).toBe("02");
  });

  it("drops a like whose id it already has", () => {
    // Prepare
    const feed = new LikeFeed();
    feed.add(like("01", "2026-11-21T09:00:00Z"));

    // Act
    const added = feed.add(like("01", "2026-11-21T09:00:00Z"));

    // Assess
    expect(added).toBe(false);
    expect(feed.likes).toHaveLength(1);
  });

  it("keeps resuming from before a replay that a drop cut short", () => {
    // Prepare: seen 01; reconnected and asked to resume after it
    const feed = new LikeFeed();
    feed.add(like("01", "2026-11-21T09:00:00Z"));
    const since = feed.resuming();

    // Act: a newer live like arrives before the replay of 02 and 03; then the socket drops
    feed.add(like("04", "2026-11-21T09:15:00Z"));
    feed.add(like("02", "2026-11-21T09:05:00Z"));

    // Assess: the next resume still starts after 01, so 03 is not skipped
    expect(since).toBe("01");
    expect(feed.lastId).toBe("01");
    expect(feed.resuming()).toBe("01");
  });

  it("moves the resume point to the newest like once the replay is done", () => {
    const feed = new LikeFeed();
    feed.add(like("01", "2026-11-21T09:00:00Z"));
    feed.resuming();
    feed.add(like("04", "2026-11-21T09:15:00Z"));
    feed.add(like("02", "2026-11-21T09:05:00Z"));

    feed.resumed();
    feed.add(like("03", "2026-11-21T09:10:00Z"));

    expect(feed.lastId).toBe("04");
  });

  it("places a replayed older like below newer ones", () => {
    // Prepare
    const feed = new LikeFeed();
    feed.add(like("03", "2026-11-21T09:10:00Z"));

    // Act
    feed.add(like("02", "2026-11-21T09:05:00Z"));

    // Assess
    expect(feed.likes.map((l) => l.id)).toEqual(["03", "02"]);
  });

  it(`keeps at most ${MAX_SHOWN} likes`, () => {
    // Prepare
    const feed = new LikeFeed();

    // Act
    for (let i = 0; i < MAX_SHOWN + 5; i++) feed.add(like(`id-${i}`, new Date(Date.UTC(2026, 10, 21, 0, i)).toISOString()));

    // Assess
    expect(feed.likes).toHaveLength(MAX_SHOWN);
    expect(feed.likes[0]?.id).toBe(`id-${MAX_SHOWN + 4}`);
  });
});

describe("relativeTime", () => {
  const now = Date.parse("2026-11-21T12:00:00Z");

  it.each([
    ["2026-11-21T11:59:30Z", "just now"],
    ["2026-11-21T11:55:00Z", "5 min ago"],
    ["2026-11-21T09:00:00Z", "3 h ago"],
    ["2026-11-19T12:00:00Z", "2 d ago"],
    ["2026-11-21T12:00:05Z", "just now"],
  ])("says %s is %s", (at, expected) => {
    // Act / Assess
    expect(relativeTime(at, now)).toBe(expected);
  });
});

describe("tokenProblem", () => {
  it("tells a missing, malformed or expired token apart from one only the server can judge", () => {
    // Act / Assess
    expect(tokenProblem("", 1_000)).toBe("missing");
    expect(tokenProblem("not-a-token", 1_000)).toBe("malformed");
    expect(tokenProblem("d3JpdGVy.999.sig", 1_000)).toBe("expired");
    expect(tokenProblem("d3JpdGVy.2000.sig", 1_000)).toBeUndefined();
  });
});

describe("socketUrl", () => {
  it("points at the page's own host, the local emulator", () => {
    // Act / Assess
    expect(socketUrl({ protocol: "http:", host: "localhost:3001", search: "" }, "a.1.b")).toBe(
      "ws://localhost:3001/?token=a.1.b",
    );
  });

  it("takes ?ws= for a deployed stack and encodes the token", () => {
    // Prepare
    const search = "?ws=wss://abc123.execute-api.ap-northeast-1.amazonaws.com/prod";

    // Act / Assess
    expect(socketUrl({ protocol: "https:", host: "example.com", search }, "a+b.1.c")).toBe(
      "wss://abc123.execute-api.ap-northeast-1.amazonaws.com/prod?token=a%2Bb.1.c",
    );
  });
});

describe("safeHttpUrl", () => {
  it("keeps http(s) links and refuses script links", () => {
    // Act / Assess
    expect(safeHttpUrl("https://qiita.com/writer/items/1")).toBe("https://qiita.com/writer/items/1");
    expect(safeHttpUrl("javascript:alert(1)")).toBeUndefined();
    expect(safeHttpUrl("not a url")).toBeUndefined();
  });
});
