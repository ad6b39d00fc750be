import { describe, expect, it } from "vitest";
import { eventIdFromSequence, likeEventFromChange, MalformedChangeError, type ArticleChange } from "#domain/like-events.ts";

const article = {
  userId: "alice",
  itemId: "c686397e4a0f4f11683d",
  title: "DynamoDB Streams in practice",
  url: "https://qiita.com/alice/items/c686397e4a0f4f11683d",
  likesCount: 3,
  likers: ["bob"],
};
const changedAt = Date.parse("2026-11-21T05:00:00.000Z");

function change(overrides: Partial<ArticleChange>): ArticleChange {
  return {
    eventName: "MODIFY",
    sequenceNumber: "4421584500000000017450439091",
    oldImage: article,
    newImage: { ...article, likesCount: 5, lastLikers: ["dave", "carol"], lastDelta: 2, changedAt },
    approximateCreationMs: changedAt + 500,
    ...overrides,
  };
}

describe("likeEventFromChange", () => {
  it("announces a MODIFY whose count rose, with the new likers", () => {
    // Act
    const event = likeEventFromChange(change({}));

    // Assess
    expect(event).toEqual({
      kind: "like",
      to: "user:alice",
      // The collector's time, the articles stream's digit, the sequence number's last 24 digits.
      id: `00${changedAt}0584500000000017450439091`,
      userId: "alice",
      itemId: article.itemId,
      title: article.title,
      url: article.url,
      delta: 2,
      likesCount: 5,
      likers: ["dave", "carol"],
      at: "2026-11-21T05:00:00.000Z",
    });
  });

  it("announces an article first seen after the baseline that already has likes", () => {
    const event = likeEventFromChange(
      change({ eventName: "INSERT", oldImage: undefined, newImage: { ...article, lastLikers: ["bob"], changedAt } }),
    );

    expect(event).toMatchObject({ delta: 3, likesCount: 3, likers: ["bob"] });
  });

  it.each([
    ["a baseline INSERT", change({ eventName: "INSERT", oldImage: undefined, newImage: { ...article, baseline: true } })],
    ["an INSERT with no likes", change({ eventName: "INSERT", oldImage: undefined, newImage: { ...article, likesCount: 0 } })],
    ["a decrease", change({ newImage: { ...article, likesCount: 2, lastDelta: -1 } })],
    ["a title-only edit", change({ newImage: { ...article, title: "Renamed" } })],
    ["a REMOVE", change({ eventName: "REMOVE", newImage: undefined })],
    ["the account marker", change({ eventName: "INSERT", oldImage: undefined, newImage: { userId: "alice", itemId: "#account" } })],
  ])("announces nothing for %s", (_name, record) => {
    expect(likeEventFromChange(record)).toBeNull();
  });

  it("accepts likers read as a string set", () => {
    const event = likeEventFromChange(change({ newImage: { ...article, likesCount: 4, lastLikers: new Set(["erin"]), changedAt } }));

    expect(event?.likers).toEqual(["erin"]);
  });

  it("falls back to the record's creation time when the image has no changedAt", () => {
    const event = likeEventFromChange(change({ newImage: { ...article, likesCount: 4 } }));

    expect(event?.at).toBe("2026-11-21T05:00:00.500Z");
  });

  it.each([
    ["no NewImage", change({ newImage: undefined })],
    ["no OldImage on MODIFY", change({ oldImage: undefined })],
    ["a count that is text", change({ newImage: { ...article, likesCount: "5" } })],
    ["no userId", change({ newImage: { ...article, userId: undefined, likesCount: 5 } })],
    ["likers that are not strings", change({ newImage: { ...article, likesCount: 5, lastLikers: [1] } })],
    ["a sequence number that is not digits", change({ sequenceNumber: "abc" })],
  ])("throws MalformedChangeError for %s", (_name, record) => {
    expect(() => likeEventFromChange(record)).toThrow(MalformedChangeError);
  });
});

describe("like ids", () => {
  it("stay the same for a redelivered record and sort by the collector's time before the sequence number", () => {
    const early = likeEventFromChange(change({ sequenceNumber: "900" }));
    const later = likeEventFromChange(
      change({ sequenceNumber: "100", newImage: { ...article, likesCount: 5, lastLikers: [], changedAt: changedAt + 1 } }),
    );

    expect(likeEventFromChange(change({ sequenceNumber: "900" }))?.id).toBe(early?.id);
    expect([later?.id, early?.id].sort()).toEqual([early?.id, later?.id]);
  });
});

describe("eventIdFromSequence", () => {
  it("pads so that ids sort like the numbers they hold", () => {
    const ids = ["9", "10", "111", "4421584500000000017450439091"].map(eventIdFromSequence);

    expect([...ids].sort()).toEqual(ids);
    expect(ids.every((id) => id.length === 40)).toBe(true);
  });
});
