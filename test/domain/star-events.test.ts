import { describe, expect, it } from "vitest";
import { MalformedChangeError } from "#domain/like-events.ts";
import { type RepositoryChange, starEventFromChange } from "#domain/star-events.ts";

const repository = {
  userId: "alice",
  repo: "alice/live-likes",
  url: "https://github.com/alice/live-likes",
  stargazersCount: 3,
  stargazers: ["bob"],
};
const changedAt = Date.parse("2026-11-21T05:00:00.000Z");

function change(overrides: Partial<RepositoryChange>): RepositoryChange {
  return {
    eventName: "MODIFY",
    sequenceNumber: "4421584500000000017450439091",
    oldImage: repository,
    newImage: { ...repository, stargazersCount: 5, lastStargazers: ["dave", "carol"], lastDelta: 2, changedAt },
    approximateCreationMs: changedAt + 500,
    ...overrides,
  };
}

describe("starEventFromChange", () => {
  it("announces a MODIFY whose count rose, with the new stargazers and a repositories-stream id", () => {
    // Act
    const event = starEventFromChange(change({}));

    // Assess
    expect(event).toEqual({
      kind: "star",
      // The collector's time, the repositories stream's digit (2), the sequence number's last 24 digits.
      id: `00${changedAt}2584500000000017450439091`,
      to: "user:alice",
      userId: "alice",
      title: "alice/live-likes",
      repo: "alice/live-likes",
      url: "https://github.com/alice/live-likes",
      delta: 2,
      stargazersCount: 5,
      stargazers: ["dave", "carol"],
      at: "2026-11-21T05:00:00.000Z",
    });
  });

  it("announces a repository first seen after the baseline that already has stars", () => {
    const event = starEventFromChange(
      change({ eventName: "INSERT", oldImage: undefined, newImage: { ...repository, lastStargazers: ["bob"], changedAt } }),
    );

    expect(event).toMatchObject({ delta: 3, stargazersCount: 3, stargazers: ["bob"] });
  });

  it.each([
    ["a baseline INSERT", change({ eventName: "INSERT", oldImage: undefined, newImage: { ...repository, baseline: true } })],
    ["an INSERT with no stars", change({ eventName: "INSERT", oldImage: undefined, newImage: { ...repository, stargazersCount: 0 } })],
    [
      "an INSERT of a renamed repository (lastDelta 0)",
      change({ eventName: "INSERT", oldImage: undefined, newImage: { ...repository, lastDelta: 0, lastStargazers: [], changedAt } }),
    ],
    ["an unstar", change({ newImage: { ...repository, stargazersCount: 2, lastDelta: -1 } })],
    ["a url-only change", change({ newImage: { ...repository, url: "https://github.com/alice/renamed" } })],
    ["a REMOVE", change({ eventName: "REMOVE", newImage: undefined })],
    [
      "the account item",
      change({ eventName: "INSERT", oldImage: undefined, newImage: { userId: "alice", repo: "#account", baselinedAt: 1 } }),
    ],
    ["a page item", change({ newImage: { userId: "alice", repo: "#page#0001", etag: 'W/"x"', repos: [] } })],
  ])("announces nothing for %s", (_name, record) => {
    expect(starEventFromChange(record)).toBeNull();
  });

  it("refuses a MODIFY without its old image as malformed", () => {
    expect(() => starEventFromChange(change({ oldImage: undefined }))).toThrow(MalformedChangeError);
  });
});
