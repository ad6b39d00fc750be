import { describe, expect, it } from "vitest";
import {
  FROM_THE_START,
  LikeFeed,
  MAX_SHOWN,
  backoffDelay,
  caughtUpNotice,
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

  it("resumes from the start when it has no like yet, so a tab that dropped before its first like misses nothing", () => {
    // Prepare
    const feed = new LikeFeed();

    // Act
    const since = feed.resuming();

    // Assess
    expect(since).toBe("0");
    expect(FROM_THE_START).toBe("0");
    expect(feed.lastId).toBeUndefined();
  });

  it("resumes from the start again when a first replay was cut short by a drop", () => {
    // Prepare: a first load asks for everything; a live like arrives before the replayed ones
    const feed = new LikeFeed();
    feed.resuming();
    feed.add(like("09", "2026-11-21T09:45:00Z"));
    feed.add(like("01", "2026-11-21T09:00:00Z"));

    // Act: the socket drops before "resumed"
    const since = feed.resuming();

    // Assess: likes 02…08 of the replay are asked for again, not skipped
    expect(since).toBe(FROM_THE_START);
  });

  it("has a resume point after a first replay, even when no live like came after it", () => {
    // Prepare
    const feed = new LikeFeed();
    feed.resuming();
    feed.add(like("01", "2026-11-21T09:00:00Z"));
    feed.add(like("02", "2026-11-21T09:05:00Z"));

    // Act
    feed.resumed();

    // Assess
    expect(feed.lastId).toBe("02");
    expect(feed.resuming()).toBe("02");
  });

  it("keeps resuming from the start after a first replay that had no likes", () => {
    // Prepare
    const feed = new LikeFeed();
    feed.resuming();

    // Act
    feed.resumed();

    // Assess
    expect(feed.lastId).toBeUndefined();
    expect(feed.resuming()).toBe(FROM_THE_START);
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

describe("caughtUpNotice", () => {
  it("tells a first load it shows recent likes, not that it was offline", () => {
    // Act
    const first = caughtUpNotice(3, FROM_THE_START);
    const one = caughtUpNotice(1, FROM_THE_START);

    // Assess
    expect(first).toBe("Showing your 3 latest likes of the last 24 hours.");
    expect(one).toBe("Showing your latest like of the last 24 hours.");
  });

  it("tells a reconnected tab how many likes it missed while offline", () => {
    // Act
    const notice = caughtUpNotice(2, "0042");

    // Assess
    expect(notice).toBe("Caught up on 2 likes missed while offline.");
  });

  it("says nothing when the replay was empty", () => {
    expect(caughtUpNotice(0, FROM_THE_START)).toBeUndefined();
    expect(caughtUpNotice(0, "0042")).toBeUndefined();
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
