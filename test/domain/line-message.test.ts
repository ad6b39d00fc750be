import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { LikeNotification, PublishedNotification } from "#domain/notification.ts";
import { LINE_MAX_MESSAGES, LINE_MAX_TEXT_UNITS, lineRetryKey, lineTexts } from "#domain/line-message.ts";

function like(n: number, overrides: Partial<LikeNotification> = {}): LikeNotification {
  return {
    kind: "like",
    id: `evt-${String(n).padStart(4, "0")}`,
    to: "user:alice",
    userId: "alice",
    itemId: `item${n}`,
    title: `Article ${n}`,
    url: `https://qiita.com/alice/items/item${n}`,
    delta: 1,
    likesCount: 10 + n,
    likers: [`fan${n}`],
    at: "2026-11-21T09:00:00.000Z",
    ...overrides,
  };
}

/** A like whose text takes about 1,200 UTF-16 units, mostly astral emoji (2 units each). */
function heavyLike(n: number): LikeNotification {
  const likers = Array.from({ length: 20 }, (_, i) => `${"😀".repeat(20)}${i}`);
  return like(n, { title: "😀".repeat(150), delta: 1, likers });
}

/** True when some UTF-16 unit is a lone half of a surrogate pair. */
function hasLoneSurrogate(text: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("lineTexts", () => {
  it("lists one like with its title, delta, likers and url under a header", () => {
    // Prepare
    const events = [like(1, { delta: 2, likesCount: 15, likers: ["bob", "carol"] })];

    // Act
    const texts = lineTexts(events);

    // Assess
    expect(texts).toEqual(["👍 2 new likes\n\nArticle 1 (+2, 15 total)\nby bob, carol\nhttps://qiita.com/alice/items/item1"]);
  });

  it("groups every like of the batch into one message and counts articles", () => {
    // Prepare
    const events = [like(1), like(2, { delta: 3, likers: ["x", "y", "z"] })];

    // Act
    const texts = lineTexts(events);

    // Assess
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/^👍 4 new likes on 2 articles\n\n/);
    expect(texts[0]).toContain("Article 1 (+1, 11 total)");
    expect(texts[0]).toContain("by x, y, z");
  });

  it("says 'like' for a single like and leaves out 'by' when no liker is known", () => {
    // Act
    const texts = lineTexts([like(1, { likers: [] })]);

    // Assess
    expect(texts).toEqual(["👍 1 new like\n\nArticle 1 (+1, 11 total)\nhttps://qiita.com/alice/items/item1"]);
  });

  it("shows at most 20 likers of one article and counts the rest", () => {
    // Prepare
    const likers = Array.from({ length: 25 }, (_, i) => `u${i}`);

    // Act
    const [text] = lineTexts([like(1, { delta: 25, likers })]);

    // Assess
    expect(text).toContain("u19 and 5 more\n");
    expect(text).not.toContain("u20");
  });

  it("returns no message for no events", () => {
    expect(lineTexts([])).toEqual([]);
  });

  it("spreads likes over more messages when one would pass 5000 UTF-16 units", () => {
    // Prepare
    const events = Array.from({ length: 8 }, (_, i) => heavyLike(i));

    // Act
    const texts = lineTexts(events);

    // Assess
    expect(texts.length).toBeGreaterThan(1);
    expect(texts.length).toBeLessThanOrEqual(LINE_MAX_MESSAGES);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(LINE_MAX_TEXT_UNITS);
    expect(texts.join("\n\n").match(/\(\+1, /g)).toHaveLength(8);
    expect(texts.join("")).not.toContain("more");
  });

  it("caps the push at 5 messages and ends with '…and N more' for what did not fit", () => {
    // Prepare: about 4 heavy likes fit in a message, so 40 cannot fit in 5
    const events = Array.from({ length: 40 }, (_, i) => heavyLike(i));

    // Act
    const texts = lineTexts(events);

    // Assess
    expect(texts).toHaveLength(LINE_MAX_MESSAGES);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(LINE_MAX_TEXT_UNITS);
    const shown = texts.join("\n\n").match(/\(\+1, /g)?.length ?? 0;
    expect(texts.at(-1)).toMatch(new RegExp(`\\n\\n…and ${40 - shown} more$`));
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(40);
  });

  it("cuts an over-long title without splitting a surrogate pair and keeps the url", () => {
    // Prepare: an odd prefix puts the cut point in the middle of an emoji
    const events = [like(1, { title: `x${"😀".repeat(4000)}` })];

    // Act
    const texts = lineTexts(events);

    // Assess
    expect(texts).toHaveLength(1);
    expect(texts[0]!.length).toBeLessThan(400);
    expect(texts[0]).toMatch(/😀… \(\+1, 11 total\)\nby fan1\nhttps:\/\/qiita\.com\/alice\/items\/item1$/);
    expect(hasLoneSurrogate(texts[0]!)).toBe(false);
  });

  it("cuts an over-long list of liker names to keep the like within one message", () => {
    // Prepare
    const likers = Array.from({ length: 20 }, (_, i) => `${i}${"😀".repeat(300)}`);

    // Act
    const texts = lineTexts([like(1, { likers })]);

    // Assess
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain("…\nhttps://qiita.com/alice/items/item1");
    expect(hasLoneSurrogate(texts[0]!)).toBe(false);
  });

  it("keeps every push within LINE's limits for any titles and likers (property)", () => {
    // Sizes, not raw strings, are generated: a failure then shrinks in seconds.
    const event = fc
      .record({
        piece: fc.constantFrom("a", "あ", "😀", "👩‍💻"),
        odd: fc.boolean(),
        titleRepeat: fc.integer({ min: 1, max: 400 }),
        likerCount: fc.integer({ min: 0, max: 30 }),
        likerRepeat: fc.integer({ min: 1, max: 60 }),
        delta: fc.integer({ min: 1, max: 100 }),
      })
      .map(({ piece, odd, titleRepeat, likerCount, likerRepeat, delta }) => ({
        title: `${odd ? "x" : ""}${piece.repeat(titleRepeat)}`,
        likers: Array.from({ length: likerCount }, (_, i) => `${odd ? "x" : ""}${piece.repeat(likerRepeat)}${i}`),
        delta,
      }));
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 80, size: "max" }), (parts) => {
        // Act
        const texts = lineTexts(parts.map((p, i) => like(i, p)));

        // Assess: plain booleans, so shrinking a failure stays fast
        const all = texts.join("\n\n");
        const shown = all.split("https://qiita.com/alice/items/").length - 1;
        const more = Number(/…and (\d+) more$/.exec(all)?.[1] ?? 0);
        return (
          texts.length >= 1 &&
          texts.length <= LINE_MAX_MESSAGES &&
          texts.every((t) => t.length > 0 && t.length <= LINE_MAX_TEXT_UNITS && !hasLoneSurrogate(t)) &&
          shown + more === parts.length
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe("lineRetryKey", () => {
  it("is a UUID with version and variant bits set", () => {
    expect(lineRetryKey("alice", ["evt-1"])).toMatch(UUID);
  });

  it("is the same for the same user and events, whatever their order", () => {
    // Act
    const first = lineRetryKey("alice", ["evt-1", "evt-2", "evt-3"]);
    const retried = lineRetryKey("alice", ["evt-3", "evt-1", "evt-2"]);

    // Assess
    expect(retried).toBe(first);
  });

  it("differs for another set of events or another user", () => {
    // Prepare
    const key = lineRetryKey("alice", ["evt-1", "evt-2"]);

    // Assess
    expect(lineRetryKey("alice", ["evt-1"])).not.toBe(key);
    expect(lineRetryKey("alice", ["evt-1", "evt-2", "evt-3"])).not.toBe(key);
    expect(lineRetryKey("bob", ["evt-1", "evt-2"])).not.toBe(key);
    // Ids that join to the same string must not collide.
    expect(lineRetryKey("alice", ["evt-1,evt-2"])).not.toBe(key);
  });

  it("is a UUID and order-independent for any ids (property)", () => {
    fc.assert(
      fc.property(fc.string(), fc.uniqueArray(fc.string(), { minLength: 1, maxLength: 20 }), (user, ids) => {
        const key = lineRetryKey(user, ids);
        expect(key).toMatch(UUID);
        expect(lineRetryKey(user, [...ids].reverse())).toBe(key);
      }),
    );
  });
});

describe("lineTexts of published notifications", () => {
  const published = (overrides: Partial<PublishedNotification> = {}): PublishedNotification => ({
    kind: "notification",
    id: "1".repeat(40),
    to: "user:alice",
    userId: "alice",
    title: "Build 42 passed",
    at: "2026-11-30T12:00:00.000Z",
    ...overrides,
  });

  it("shows the title, the body's first lines and the url", () => {
    const body = ["line 1", "line 2", "line 3", "line 4", "line 5", "line 6"].join("\n");

    expect(lineTexts([published({ body, url: "https://ci.example/42" })])).toEqual([
      "🔔 1 notification\n\nBuild 42 passed\nline 1\nline 2\nline 3\nline 4\nline 5\n…\nhttps://ci.example/42",
    ]);
  });

  it("cuts a long body so the url survives, and counts likes and notifications apart", () => {
    const texts = lineTexts([like(1), published({ body: "x".repeat(10_000), url: "https://ci.example/42" })]);

    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/^👍 1 new like · 🔔 1 notification\n\n/);
    expect(texts[0]).toMatch(/…\nhttps:\/\/ci\.example\/42$/);
  });
});
