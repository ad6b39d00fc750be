import { describe, expect, it } from "vitest";
import { createLimiter } from "#domain/concurrency.ts";
import { fanOut } from "#domain/delivery/fan-out.ts";
import type { Connection } from "#domain/model.ts";
import type { ConnectionStore } from "#domain/ports.ts";
import { likeEvent } from "#test/support/like-events.ts";
import { RecordingPoster } from "#test/support/recording-poster.ts";

class MemoryConnections implements ConnectionStore {
  readonly removed: string[] = [];
  async save(_connection: Connection) {}
  async remove(connectionId: string) {
    this.removed.push(connectionId);
  }
  async get() {
    return undefined;
  }
  async listByUser() {
    return [];
  }
  async takeSlot() {
    return 0;
  }
}

describe("fanOut", () => {
  it("counts delivered, gone and failed posts, removing only the gone rows", async () => {
    // Prepare
    const poster = new RecordingPoster();
    const connections = new MemoryConnections();
    poster.gone.add("b");
    poster.failing.set("c", new Error("throttled"));

    // Act
    const delivery = await fanOut(likeEvent("alice", 1), ["a", "b", "c", "d"], { poster, connections }, createLimiter(2));

    // Assess
    expect(delivery.delivered).toBe(2);
    expect(delivery.gone).toBe(1);
    expect(delivery.errors).toEqual([new Error("throttled")]);
    expect(connections.removed).toEqual(["b"]);
    expect(poster.framesOf("d")).toEqual([expect.objectContaining({ type: "like", id: likeEvent("alice", 1).id })]);
  });

  it("delivers nothing and fails nothing when the writer has no connection", async () => {
    const delivery = await fanOut(
      likeEvent("alice", 1),
      [],
      { poster: new RecordingPoster(), connections: new MemoryConnections() },
      createLimiter(1),
    );

    expect(delivery).toEqual({ delivered: 0, gone: 0, errors: [] });
  });
});
