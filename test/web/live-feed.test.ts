import { describe, expect, it } from "vitest";
import {
  FROM_THE_START,
  LikeFeed,
  MAX_SHOWN,
  backoffDelay,
  caughtUpNotice,
  chooseEndpoint,
  configuredEndpoint,
  configuredHotPollUrl,
  GROUP_GAP_MS,
  GROUP_SPAN_MS,
  groupLikes,
  handshakeProbeUrl,
  HOT_PING_JITTER_MS,
  HOT_PING_MS,
  ignoredEndpointNotice,
  nextHotPing,
  parseFrame,
  reconnectingText,
  relativeTime,
  safeHttpUrl,
  socketUrl,
  sourceStatusText,
  tokenProblem,
  unreadTitle,
  likeNotification,
  type LikeFrame,
  BODY_PREVIEW_CHARS,
  BODY_PREVIEW_LINES,
  bodyPreview,
  desktopNotification,
  feedCards,
  type NotificationFrame,
  starNotification,
  type StarFrame,
  unreadWeight,
} from "../../web/live-feed.js";

/** Event ids are 40 digits, as the server derives them from stream sequence numbers. */
const id = (n: number) => String(n).padStart(40, "0");

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

/** A star frame as src/domain/frames.ts sends it (issue 12). */
const star = (id: string, at: string, extra: Partial<StarFrame> = {}): StarFrame => ({
  type: "star",
  id,
  userId: "writer",
  repo: "writer/live-likes",
  url: "https://github.com/writer/live-likes",
  delta: 2,
  stargazersCount: 120,
  stargazers: ["octocat", "hubot"],
  at,
  ...extra,
});

/** A published notification's frame as src/domain/frames.ts sends it (issue 10). */
const notification = (id: string, at: string, extra: Partial<NotificationFrame> = {}): NotificationFrame => ({
  type: "notification",
  id,
  to: "user:writer",
  title: "Build 7 passed",
  url: "https://ci.example/7",
  body: "All 812 tests passed.\nDeployed to staging.",
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
    const frame = like(id(1), "2026-11-21T09:12:03.000Z");

    // Act / Assess
    expect(parseFrame(JSON.stringify(frame))).toEqual({ type: "like", like: frame });
  });

  it("reads resumed, pong and error frames", () => {
    // Act / Assess
    expect(parseFrame('{"type":"resumed","count":100,"more":true}')).toEqual({ type: "resumed", count: 100, more: true });
    expect(parseFrame('{"type":"resumed","count":3,"more":false}')).toEqual({ type: "resumed", count: 3, more: false });
    expect(parseFrame('{"type":"resumed","count":3}')).toEqual({ type: "resumed", count: 3, more: false });
    expect(parseFrame('{"type":"pong"}')).toEqual({ type: "pong" });
    expect(parseFrame('{"type":"error","message":"unknown action"}')).toEqual({
      type: "error",
      message: "unknown action",
    });
  });

  it("reads the health of the sources", () => {
    // Prepare
    const qiita = {
      name: "qiita",
      state: "failing",
      since: "2026-11-21T10:42:00Z",
      retryAt: "2026-11-21T10:44:00Z",
      message: "ECONNREFUSED",
    };
    const github = { name: "github", state: "ok", since: "2026-11-21T09:00:00Z", message: "" };

    // Act / Assess
    expect(parseFrame(JSON.stringify({ type: "status", sources: [qiita, github] }))).toEqual({ type: "status", sources: [qiita, github] });
    expect(parseFrame(JSON.stringify({ type: "status", sources: [{ ...qiita, state: "sad" }] }))).toBeUndefined();
    expect(parseFrame(JSON.stringify({ type: "status", sources: [{ ...qiita, since: "yesterday" }] }))).toBeUndefined();
    expect(parseFrame(JSON.stringify({ type: "status" }))).toBeUndefined();
  });

  it("reads how long a rate-limited client must wait, and only a usable number of seconds", () => {
    // Act / Assess
    expect(parseFrame('{"type":"error","message":"too many resumes","retryAfter":42}')).toEqual({
      type: "error",
      message: "too many resumes",
      retryAfter: 42,
    });
    expect(parseFrame('{"type":"error","message":"m","retryAfter":"soon"}')).toEqual({ type: "error", message: "m" });
    expect(parseFrame('{"type":"error","message":"m","retryAfter":-1}')).toEqual({ type: "error", message: "m" });
  });

  it("reads a star frame and a notification frame, optional fields absent or present", () => {
    // Prepare
    const starred = star(id(2), "2026-11-21T09:12:03.000Z");
    const minimal = { type: "notification", id: id(3), to: "group:ops", title: "Maintenance", at: "2026-11-21T09:13:00.000Z" };
    const full = notification(id(4), "2026-11-21T09:14:00.000Z", { bodyUrl: "https://s3.example/b?X-Amz-Signature=1", data: { build: 7 } });

    // Act / Assess
    expect(parseFrame(JSON.stringify(starred))).toEqual({ type: "star", star: starred });
    expect(parseFrame(JSON.stringify(minimal))).toEqual({ type: "notification", notification: minimal });
    expect(parseFrame(JSON.stringify(full))).toEqual({ type: "notification", notification: full });
  });

  it.each([
    ["a star without repo", JSON.stringify({ ...star(id(1), "2026-11-21T09:12:03Z"), repo: undefined })],
    ["a star with a count that is not a number", JSON.stringify(star(id(1), "2026-11-21T09:12:03Z", { stargazersCount: "7" as never }))],
    ["a star with stargazers that are not logins", JSON.stringify(star(id(1), "2026-11-21T09:12:03Z", { stargazers: [null] as never }))],
    ["a notification without title", JSON.stringify({ ...notification(id(1), "2026-11-21T09:12:03Z"), title: undefined })],
    ["a notification to no one", JSON.stringify(notification(id(1), "2026-11-21T09:12:03Z", { to: "everyone" }))],
    ["a notification whose body is not text", JSON.stringify(notification(id(1), "2026-11-21T09:12:03Z", { body: { html: 1 } as never }))],
    ["a notification whose data is a list", JSON.stringify(notification(id(1), "2026-11-21T09:12:03Z", { data: [1] as never }))],
    ["a notification with a bad id", JSON.stringify(notification("42", "2026-11-21T09:12:03Z"))],
  ])("returns undefined for %s", (_case, text) => {
    // Act / Assess
    expect(parseFrame(text)).toBeUndefined();
  });

  it.each([
    ["text that is not JSON", "hello"],
    ["JSON that is not an object", "42"],
    ["null", "null"],
    ["an unknown type", '{"type":"party"}'],
    ["a like without id", JSON.stringify({ ...like(id(1), "2026-11-21T09:12:03Z"), id: undefined })],
    ["a like whose id is not an event id (a resume could not continue after it)", JSON.stringify(like("x", "2026-11-21T09:12:03Z"))],
    ["a like with a bad time", JSON.stringify(like(id(1), "yesterday"))],
    ["a like with likers that are not names", JSON.stringify(like(id(1), "2026-11-21T09:12:03Z", { likers: [1] as never }))],
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
    feed.add(like(id(1), "2026-11-21T09:00:00Z"));
    feed.add(like(id(2), "2026-11-21T09:05:00Z"));

    // Assess
    expect(feed.likes.map((l) => l.id)).toEqual([id(2), id(1)]);
    expect(feed.lastId).toBe(id(2));
  });

  it("drops a like whose id it already has", () => {
    // Prepare
    const feed = new LikeFeed();
    feed.add(like(id(1), "2026-11-21T09:00:00Z"));

    // Act
    const added = feed.add(like(id(1), "2026-11-21T09:00:00Z"));

    // Assess
    expect(added).toBe(false);
    expect(feed.likes).toHaveLength(1);
  });

  it("keeps resuming from before a replay that a drop cut short", () => {
    // Prepare: seen 01; reconnected and asked to resume after it
    const feed = new LikeFeed();
    feed.add(like(id(1), "2026-11-21T09:00:00Z"));
    const since = feed.resuming();

    // Act: a newer live like arrives before the replay of 02 and 03; then the socket drops
    feed.add(like(id(4), "2026-11-21T09:15:00Z"));
    feed.add(like(id(2), "2026-11-21T09:05:00Z"));

    // Assess: the next resume still starts after 01, so 03 is not skipped
    expect(since).toBe(id(1));
    expect(feed.lastId).toBe(id(1));
    expect(feed.resuming()).toBe(id(1));
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
    feed.add(like(id(9), "2026-11-21T09:45:00Z"));
    feed.add(like(id(1), "2026-11-21T09:00:00Z"));

    // Act: the socket drops before "resumed"
    const since = feed.resuming();

    // Assess: likes 02…08 of the replay are asked for again, not skipped
    expect(since).toBe(FROM_THE_START);
  });

  it("has a resume point after a first replay, even when no live like came after it", () => {
    // Prepare
    const feed = new LikeFeed();
    feed.resuming();
    feed.add(like(id(1), "2026-11-21T09:00:00Z"));
    feed.add(like(id(2), "2026-11-21T09:05:00Z"));

    // Act
    feed.resumed();

    // Assess
    expect(feed.lastId).toBe(id(2));
    expect(feed.resuming()).toBe(id(2));
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
    feed.add(like(id(1), "2026-11-21T09:00:00Z"));
    feed.resuming();
    feed.add(like(id(4), "2026-11-21T09:15:00Z"));
    feed.add(like(id(2), "2026-11-21T09:05:00Z"));

    feed.resumed();
    feed.add(like(id(3), "2026-11-21T09:10:00Z"));

    expect(feed.lastId).toBe(id(4));
  });

  it("places a replayed older like below newer ones", () => {
    // Prepare
    const feed = new LikeFeed();
    feed.add(like(id(3), "2026-11-21T09:10:00Z"));

    // Act
    feed.add(like(id(2), "2026-11-21T09:05:00Z"));

    // Assess
    expect(feed.likes.map((l) => l.id)).toEqual([id(3), id(2)]);
  });

  it(`keeps at most ${MAX_SHOWN} likes`, () => {
    // Prepare
    const feed = new LikeFeed();

    // Act
    for (let i = 0; i < MAX_SHOWN + 5; i++) feed.add(like(id(i), new Date(Date.UTC(2026, 10, 21, 0, i)).toISOString()));

    // Assess
    expect(feed.likes).toHaveLength(MAX_SHOWN);
    expect(feed.likes[0]?.id).toBe(id(MAX_SHOWN + 4));
  });
  describe("paged resume", () => {
    it("asks for the next page after the page's last like while the server says more", () => {
      // Prepare: the tab holds 01 and asks to resume after it
      const feed = new LikeFeed();
      feed.add(like(id(1), "2026-11-21T09:00:00Z"));
      const first = feed.resuming();
      feed.add(like(id(2), "2026-11-21T09:05:00Z"));
      feed.add(like(id(3), "2026-11-21T09:10:00Z"));

      // Act
      const next = feed.resumed({ count: 2, more: true });
      feed.add(like(id(4), "2026-11-21T09:15:00Z"));
      const done = feed.resumed({ count: 1, more: false });

      // Assess
      expect([first, next, done]).toEqual([id(1), id(3), undefined]);
      expect(feed.lastId).toBe(id(4));
    });

    it("continues after the page, not after a newer live like that came in the middle of it", () => {
      // Prepare: a page of 02, 03 with a live 09 between them
      const feed = new LikeFeed();
      feed.add(like(id(1), "2026-11-21T09:00:00Z"));
      feed.resuming();
      feed.add(like(id(2), "2026-11-21T09:05:00Z"));
      feed.add(like(id(9), "2026-11-21T09:45:00Z"));
      feed.add(like(id(3), "2026-11-21T09:10:00Z"));

      // Act
      const next = feed.resumed({ count: 2, more: true });

      // Assess: 04…08 are still asked for
      expect(next).toBe(id(3));
      expect(feed.lastId).toBe(id(3));
    });

    it("counts a replayed like of the page that had come live a moment before", () => {
      // Prepare: 03 arrives live, then the page replays 02 and 03
      const feed = new LikeFeed();
      feed.add(like(id(1), "2026-11-21T09:00:00Z"));
      feed.resuming();
      feed.add(like(id(3), "2026-11-21T09:10:00Z"));
      feed.add(like(id(2), "2026-11-21T09:05:00Z"));
      const duplicate = feed.add(like(id(3), "2026-11-21T09:10:00Z"));

      // Act
      const next = feed.resumed({ count: 2, more: true });

      // Assess
      expect(duplicate).toBe(false);
      expect(next).toBe(id(3));
    });

    it("keeps each finished page when a drop cuts the next one short", () => {
      // Prepare: page one (02) done with more; page two cut after 03
      const feed = new LikeFeed();
      feed.add(like(id(1), "2026-11-21T09:00:00Z"));
      feed.resuming();
      feed.add(like(id(2), "2026-11-21T09:05:00Z"));
      feed.resumed({ count: 1, more: true });
      feed.add(like(id(3), "2026-11-21T09:10:00Z"));

      // Act: the socket drops; the next open resumes
      const since = feed.resuming();

      // Assess
      expect(since).toBe(id(2));
    });

    it("resumes again from the same point after the server said to wait", () => {
      // Prepare: the resume after 01 is refused with retryAfter; a live like comes meanwhile
      const feed = new LikeFeed();
      feed.add(like(id(1), "2026-11-21T09:00:00Z"));
      feed.resuming();
      feed.add(like(id(7), "2026-11-21T09:35:00Z"));

      // Act
      const since = feed.resuming();

      // Assess: the live like does not hide what the refused resume would have brought
      expect(since).toBe(id(1));
    });

    it("says it is catching up from the resume until the last page, across a refusal", () => {
      // Prepare
      const feed = new LikeFeed();
      const before = feed.catchingUp;

      // Act
      feed.resuming();
      const asked = feed.catchingUp;
      feed.add(like(id(1), "2026-11-21T09:00:00Z"));
      feed.resumed({ count: 1, more: true });
      const betweenPages = feed.catchingUp;
      feed.resumed({ count: 0, more: false });

      // Assess
      expect([before, asked, betweenPages, feed.catchingUp]).toEqual([false, true, true, false]);
    });

    it("treats a resumed frame without more as the last page", () => {
      // Prepare
      const feed = new LikeFeed();
      feed.resuming();
      feed.add(like(id(5), "2026-11-21T09:25:00Z"));

      // Act / Assess
      expect(feed.resumed()).toBeUndefined();
      expect(feed.lastId).toBe(id(5));
    });
  });
});

describe("groupLikes", () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 21, 9, minute)).toISOString();
  const of = (item: string, n: number, minute: number, likers: string[], likesCount = n) =>
    like(id(n), at(minute), { itemId: item, title: `Title ${item}`, likers, likesCount });

  it("shows likes of one article a few minutes apart as one card that counts up", () => {
    // Prepare: newest first, as LikeFeed.likes
    const likes = [of("a", 3, 6, ["carol"], 45), of("a", 2, 3, ["bob", "alice"], 44), of("a", 1, 0, ["alice"], 42)];

    // Act
    const cards = groupLikes(likes);

    // Assess
    expect(cards).toEqual([
      {
        key: id(1),
        ids: [id(3), id(2), id(1)],
        title: "Title a",
        url: likes[0]?.url,
        delta: 3,
        likesCount: 45,
        likers: ["carol", "bob", "alice"],
        at: at(6),
      },
    ]);
  });

  it("keeps one card per article when likes of another come in between", () => {
    // Act
    const cards = groupLikes([of("a", 3, 6, ["x"]), of("b", 2, 5, ["y"]), of("a", 1, 4, ["z"])]);

    // Assess
    expect(cards.map((card) => [card.title, card.delta])).toEqual([
      ["Title a", 2],
      ["Title b", 1],
    ]);
  });

  it("starts a new card after a pause longer than GROUP_GAP_MS", () => {
    // Act
    const cards = groupLikes([of("a", 2, 6 + GROUP_GAP_MS / 60_000, ["x"]), of("a", 1, 5, ["y"])]);

    // Assess
    expect(cards).toHaveLength(2);
  });

  it("never lets one card cover more than GROUP_SPAN_MS of a steady trickle", () => {
    // Prepare: a like every 4 minutes for 40 minutes
    const likes = Array.from({ length: 11 }, (_, i) => of("a", 11 - i, 40 - 4 * i, [`u${i}`]));

    // Act
    const cards = groupLikes(likes);

    // Assess
    expect(cards.length).toBeGreaterThan(1);
    for (const card of cards) {
      const times = card.ids.map((cardId) => Date.parse(likes.find((l) => l.id === cardId)?.at ?? ""));
      expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(GROUP_SPAN_MS);
    }
    expect(cards.reduce((sum, card) => sum + card.delta, 0)).toBe(11);
  });
});

describe("unreadTitle", () => {
  it("counts likes that came while the tab was hidden in front of the title", () => {
    expect(unreadTitle("live-likes", 3)).toBe("(3) live-likes");
    expect(unreadTitle("live-likes", 0)).toBe("live-likes");
  });
});

describe("likeNotification", () => {
  it("says how many, who, and on which article", () => {
    // Act
    const note = likeNotification(like(id(1), "2026-11-21T09:00:00Z", { delta: 5, likesCount: 47, likers: ["a", "b", "c", "d", "e"] }));

    // Assess
    expect(note).toEqual({
      title: "♥ +5 · 47 in all",
      body: "@a, @b, @c and 2 more liked “DynamoDB Streams で「いいね」を即時通知する”",
    });
  });

  it("names no one when the likers are not known", () => {
    expect(likeNotification(like(id(1), "2026-11-21T09:00:00Z", { likers: [] })).body).toMatch(/^Someone liked/);
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

  it("speaks of notifications when the replay brought stars or published ones", () => {
    // Act / Assess
    expect(caughtUpNotice(2, FROM_THE_START, false)).toBe("Showing your 2 latest notifications of the last 24 hours.");
    expect(caughtUpNotice(1, "0042", false)).toBe("Caught up on 1 notification missed while offline.");
  });

  it("says nothing when the replay was empty", () => {
    expect(caughtUpNotice(0, FROM_THE_START)).toBeUndefined();
    expect(caughtUpNotice(0, "0042")).toBeUndefined();
  });
});

describe("reconnectingText", () => {
  it("says since when the page is offline and when it tries again", () => {
    // Prepare
    const lostAt = new Date(2026, 10, 21, 10, 42).getTime();

    // Act
    const text = reconnectingText({ lostAt, cause: "unreachable", secondsLeft: 3 });

    // Assess
    expect(text).toMatch(/^offline since .*10.*42.* · retrying in 3 s$/);
  });

  it("tells a server that never answered from a handshake it could not explain", () => {
    // Act / Assess
    expect(reconnectingText({ lostAt: undefined, cause: "unreachable", secondsLeft: 0 })).toBe("server unreachable · retrying in 1 s");
    expect(reconnectingText({ lostAt: undefined, cause: "unknown", secondsLeft: 8 })).toBe(
      "cannot connect (server down or token refused) · retrying in 8 s",
    );
  });
});

describe("sourceStatusText", () => {
  const since = new Date(2026, 10, 21, 10, 42).toISOString();
  const now = new Date(2026, 10, 21, 10, 50).getTime();

  it("says which source is down since when, and when it is tried again", () => {
    // Act
    const failing = sourceStatusText(
      { name: "qiita", state: "failing", since, retryAt: new Date(now + 120_000).toISOString(), message: "x" },
      now,
    );
    const limited = sourceStatusText(
      { name: "qiita", state: "rate-limited", since, retryAt: new Date(now + 30_000).toISOString(), message: "x" },
      now,
    );
    const unknown = sourceStatusText({ name: "bitbucket", state: "failing", since, message: "x" }, now);

    // Assess
    expect(failing).toMatch(/^Qiita unreachable since .*10.*42.* — retrying in 2 min$/);
    expect(limited).toMatch(/^Qiita over its rate limit since .* — retrying in 30 s$/);
    expect(unknown).toMatch(/^bitbucket unreachable since .* — retrying$/);
  });

  it("says nothing of a source that is ok", () => {
    expect(sourceStatusText({ name: "qiita", state: "ok", since, message: "" }, now)).toBeUndefined();
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

  it("reads the expiry of a token that carries its issue time", () => {
    // Act / Assess
    expect(tokenProblem("d3JpdGVy.500.2000.sig", 1_000)).toBeUndefined();
    expect(tokenProblem("d3JpdGVy.500.999.sig", 1_000)).toBe("expired");
    expect(tokenProblem("d3JpdGVy.x.2000.sig", 1_000)).toBe("malformed");
    expect(tokenProblem("d3JpdGVy.1.2.3.sig", 1_000)).toBe("malformed");
  });
});

describe("configuredEndpoint", () => {
  it('reads exactly {"websocketUrl": a ws(s) URL}', () => {
    // Act / Assess
    expect(configuredEndpoint({ websocketUrl: "wss://abc.execute-api.ap-northeast-1.amazonaws.com/prod" })).toBe(
      "wss://abc.execute-api.ap-northeast-1.amazonaws.com/prod",
    );
    expect(configuredEndpoint({ websocketUrl: "ws://localhost:3001/" })).toBe("ws://localhost:3001");
  });

  it.each([
    ["not an object", "wss://x.example"],
    ["null", null],
    ["an array", ["wss://x.example"]],
    ["another key", { websocketURL: "wss://x.example" }],
    ["an extra key", { websocketUrl: "wss://x.example", also: "wss://y.example" }],
    ["an http URL", { websocketUrl: "https://x.example" }],
    ["a URL with a query", { websocketUrl: "wss://x.example/?token=leak" }],
    ["not a URL", { websocketUrl: "x.example" }],
  ])("adds nothing for %s", (_case, json) => {
    // Act / Assess
    expect(configuredEndpoint(json)).toBeUndefined();
  });

  it("reads the deployed config.json, which names the hot-ping URL too", () => {
    // Act / Assess
    expect(
      configuredEndpoint({
        websocketUrl: "wss://abc.execute-api.us-east-1.amazonaws.com/prod",
        hotPollUrl: "https://xyz.lambda-url.us-east-1.on.aws/",
      }),
    ).toBe("wss://abc.execute-api.us-east-1.amazonaws.com/prod");
  });
});

describe("configuredHotPollUrl", () => {
  const websocketUrl = "wss://abc.execute-api.us-east-1.amazonaws.com/prod";

  it("reads the function URL of a deployed config.json", () => {
    // Act / Assess
    expect(configuredHotPollUrl({ websocketUrl, hotPollUrl: "https://xyz.lambda-url.us-east-1.on.aws/" })).toBe(
      "https://xyz.lambda-url.us-east-1.on.aws/",
    );
  });

  it.each([
    ["the laptop's config.json (no hotPollUrl)", { websocketUrl: "ws://localhost:3001/" }],
    ["a config.json whose socket endpoint is unusable", { websocketUrl: "https://x.example", hotPollUrl: "https://y.example/" }],
    ["an extra key", { websocketUrl, hotPollUrl: "https://y.example/", also: 1 }],
    ["not a string", { websocketUrl, hotPollUrl: 42 }],
    ["not a URL", { websocketUrl, hotPollUrl: "y.example" }],
    ["a ws URL", { websocketUrl, hotPollUrl: "wss://y.example/" }],
    ["a javascript: URL", { websocketUrl, hotPollUrl: "javascript:alert(1)" }],
    ["a URL with a query", { websocketUrl, hotPollUrl: "https://y.example/?token=leak" }],
    ["a URL with credentials", { websocketUrl, hotPollUrl: "https://user:pass@y.example/" }],
  ])("is undefined for %s, so the page sends no hot ping", (_case, json) => {
    // Act / Assess
    expect(configuredHotPollUrl(json)).toBeUndefined();
  });
});

describe("nextHotPing", () => {
  const middle = () => 0.5;

  it("pings every 15 s after a 204, a failure or no answer, jittered by at most 1 s", () => {
    // Act / Assess
    expect(nextHotPing(204, null, middle)).toBe(HOT_PING_MS);
    expect(nextHotPing(502, null, middle)).toBe(HOT_PING_MS);
    expect(nextHotPing(undefined, undefined, middle)).toBe(HOT_PING_MS);
    expect(nextHotPing(204, null, () => 0)).toBe(HOT_PING_MS - HOT_PING_JITTER_MS);
    expect(nextHotPing(204, null, () => 0.999_999)).toBe(HOT_PING_MS + HOT_PING_JITTER_MS);
  });

  it("waits a 429's Retry-After, never less than the interval nor more than an hour", () => {
    // Act / Assess
    expect(nextHotPing(429, "600", middle)).toBe(600_000);
    expect(nextHotPing(429, " 2 ", middle)).toBe(HOT_PING_MS);
    expect(nextHotPing(429, "86400", middle)).toBe(3_600_000);
    expect(nextHotPing(429, "soon", middle)).toBe(HOT_PING_MS);
    expect(nextHotPing(429, null, middle)).toBe(HOT_PING_MS);
  });

  it("stops after a 401: the token was refused", () => {
    // Act / Assess
    expect(nextHotPing(401, null, middle)).toBeUndefined();
  });
});

describe("chooseEndpoint", () => {
  const local = { protocol: "http:", host: "localhost:3001", search: "" };
  const deployed = { protocol: "https:", host: "d111.cloudfront.net", search: "" };
  const api = "wss://abc.execute-api.ap-northeast-1.amazonaws.com/prod";

  it("uses the page's own origin when nothing is configured", () => {
    // Act / Assess
    expect(chooseEndpoint(local, undefined)).toEqual({ endpoint: "ws://localhost:3001", allowed: ["ws://localhost:3001"] });
    expect(chooseEndpoint(deployed, undefined).endpoint).toBe("wss://d111.cloudfront.net");
  });

  it("prefers the endpoint config.json names, and still allows the origin's", () => {
    // Act / Assess
    expect(chooseEndpoint(deployed, api)).toEqual({ endpoint: api, allowed: [api, "wss://d111.cloudfront.net"] });
  });

  it("lets ?ws= pick an allowed endpoint, however its trailing slash is written", () => {
    // Act / Assess
    expect(chooseEndpoint({ ...deployed, search: `?ws=${api}/` }, api)).toEqual({ endpoint: api, allowed: expect.any(Array) });
    expect(chooseEndpoint({ ...local, search: "?ws=ws://localhost:3001/" }, undefined).ignored).toBeUndefined();
  });

  it.each([
    ["another host", "wss://attacker.example/"],
    ["another port of this host", "ws://localhost:4000/"],
    ["the same host by another name", "ws://127.0.0.1:3001/"],
    ["an allowed endpoint with a query", "ws://localhost:3001/?x=1"],
    ["not a socket URL", "javascript:alert(1)"],
  ])("ignores a ?ws= of %s and keeps the allowed endpoint", (_case, ws) => {
    // Act
    const choice = chooseEndpoint({ ...local, search: `?ws=${encodeURIComponent(ws)}` }, undefined);

    // Assess
    expect(choice).toEqual({ endpoint: "ws://localhost:3001", allowed: ["ws://localhost:3001"], ignored: ws });
  });

  it("says what it ignored and where it connects instead", () => {
    // Act
    const notice = ignoredEndpointNotice("wss://attacker.example/", ["ws://localhost:3001"]);

    // Assess
    expect(notice).toBe("Ignored ?ws=wss://attacker.example/: this page connects only to ws://localhost:3001, so your token stays there.");
    expect(ignoredEndpointNotice(`wss://${"a".repeat(200)}`, ["ws://x"]).length).toBeLessThan(200);
  });
});

describe("socketUrl", () => {
  it("puts the token in the endpoint's query, encoded", () => {
    // Act / Assess
    expect(socketUrl("ws://localhost:3001", "a.1.b")).toBe("ws://localhost:3001/?token=a.1.b");
    expect(socketUrl("wss://abc.execute-api.ap-northeast-1.amazonaws.com/prod", "a+b.1.c")).toBe(
      "wss://abc.execute-api.ap-northeast-1.amazonaws.com/prod?token=a%2Bb.1.c",
    );
  });
});

describe("handshakeProbeUrl", () => {
  it("asks the page's own origin over HTTP, and nothing the page's CSP would refuse", () => {
    // Act / Assess
    expect(handshakeProbeUrl("ws://localhost:3001", "http://localhost:3001")).toBe("http://localhost:3001/");
    expect(handshakeProbeUrl("wss://d111.cloudfront.net/ws", "https://d111.cloudfront.net")).toBe("https://d111.cloudfront.net/");
    expect(handshakeProbeUrl("wss://abc.execute-api.ap-northeast-1.amazonaws.com/prod", "https://d111.cloudfront.net")).toBeUndefined();
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

describe("LikeFeed with stars and notifications", () => {
  it("lists every kind in time order, each id once, and resumes after the newest of any kind", () => {
    // Prepare
    const feed = new LikeFeed();
    feed.resuming();
    const items = [like(id(1), "2026-11-21T09:00:00Z"), star(id(2), "2026-11-21T09:01:00Z"), notification(id(3), "2026-11-21T09:02:00Z")];

    // Act: a replay, then the notification again live (a redelivery)
    const added = items.map((item) => feed.add(item));
    feed.resumed({ count: 3, more: false });
    const again = feed.add(notification(id(3), "2026-11-21T09:02:00Z"));

    // Assess
    expect(added).toEqual([true, true, true]);
    expect(again).toBe(false);
    expect(feed.items.map((item) => item.id)).toEqual([id(3), id(2), id(1)]);
    expect(feed.likes.map((item) => item.id)).toEqual([id(1)]);
    expect(feed.lastId).toBe(id(3));
  });
});

describe("feedCards", () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 21, 9, minute)).toISOString();

  it("gives a star and a notification a card each, between the likes, without splitting a like card", () => {
    // Prepare: newest first, as LikeFeed.items
    const items = [like(id(4), at(4)), notification(id(3), at(3)), star(id(2), at(2)), like(id(1), at(1))];

    // Act
    const cards = feedCards(items);

    // Assess
    expect(cards.map((card) => [card.kind, card.ids])).toEqual([
      ["like", [id(4), id(1)]],
      ["notification", [id(3)]],
      ["star", [id(2)]],
    ]);
    expect(cards[1]).toEqual({ kind: "notification", key: id(3), ids: [id(3)], notification: items[1] });
    expect(cards[2]).toEqual({ kind: "star", key: id(2), ids: [id(2)], star: items[2] });
  });
});

describe("bodyPreview", () => {
  it("shows a short body whole, line breaks and markup as they are", () => {
    // Act / Assess
    expect(bodyPreview("<b>bold</b>\nsecond line")).toEqual({ text: "<b>bold</b>\nsecond line", collapsed: false });
  });

  it("collapses a body over the character limit at a whole code point, with an ellipsis", () => {
    // Prepare: emoji are two UTF-16 units each; a cut must not split one
    const body = "🎉".repeat(BODY_PREVIEW_CHARS + 10);

    // Act
    const preview = bodyPreview(body);

    // Assess
    expect(preview.collapsed).toBe(true);
    expect(preview.text).toBe(`${"🎉".repeat(BODY_PREVIEW_CHARS)}…`);
  });

  it("collapses a body of more lines than the limit after the last one shown", () => {
    // Prepare
    const lines = Array.from({ length: BODY_PREVIEW_LINES + 2 }, (_, i) => `line ${i + 1}`);

    // Act
    const preview = bodyPreview(lines.join("\n"));

    // Assess
    expect(preview).toEqual({ text: `${lines.slice(0, BODY_PREVIEW_LINES).join("\n")}…`, collapsed: true });
  });
});

describe("starNotification", () => {
  it("says how many stars, who, and on which repository", () => {
    // Act
    const note = starNotification(star(id(1), "2026-11-21T09:00:00Z", { stargazers: ["a", "b", "c", "d"], delta: 4, stargazersCount: 99 }));

    // Assess
    expect(note).toEqual({ title: "⭐ +4 · 99 in all", body: "@a, @b, @c and 1 more starred writer/live-likes" });
  });
});

describe("desktopNotification", () => {
  it("uses the notification's title and the start of its body, tagged by id", () => {
    // Prepare
    const long = notification(id(7), "2026-11-21T09:00:00Z", { body: "x".repeat(BODY_PREVIEW_CHARS + 1) });

    // Act / Assess
    expect(desktopNotification(long)).toEqual({ title: "Build 7 passed", body: `${"x".repeat(BODY_PREVIEW_CHARS)}…`, tag: id(7) });
    expect(
      desktopNotification(notification(id(8), "2026-11-21T09:00:00Z", { body: undefined, bodyUrl: "https://s3.example/b" })).body,
    ).toBe("Open the page to read the full message.");
  });

  it("tags a like by its article and a star by its repository, so a newer one replaces the last", () => {
    // Act / Assess
    expect(desktopNotification(like(id(1), "2026-11-21T09:00:00Z")).tag).toBe("c686397e4a0f4f11683d");
    expect(desktopNotification(star(id(2), "2026-11-21T09:00:00Z"))).toEqual({
      title: "⭐ +2 · 120 in all",
      body: "@octocat, @hubot starred writer/live-likes",
      tag: "writer/live-likes",
    });
  });
});

describe("unreadWeight", () => {
  it("counts likes and stars by their delta and a notification as one", () => {
    // Act / Assess
    expect(unreadWeight(like(id(1), "2026-11-21T09:00:00Z", { delta: 3 }))).toBe(3);
    expect(unreadWeight(star(id(2), "2026-11-21T09:00:00Z", { delta: 2 }))).toBe(2);
    expect(unreadWeight(notification(id(3), "2026-11-21T09:00:00Z"))).toBe(1);
  });
});
