import { describe, expect, it } from "vitest";
import { PollPause } from "#domain/collector/poll-pause.ts";

describe("PollPause", () => {
  it("holds an account back until the given time, then lets it go", () => {
    // Prepare
    const pause = new PollPause();

    // Act
    pause.pause("alice", 2000);

    // Assess
    expect(pause.pausedUntil("alice", 1999)).toBe(2000);
    expect(pause.pausedUntil("bob", 1999)).toBeUndefined();
    expect(pause.pausedUntil("alice", 2000)).toBeUndefined();
  });
});
