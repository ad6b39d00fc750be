import { describe, expect, it } from "vitest";
import { notificationFrame } from "#domain/frames.ts";
import { BODY_KEY_PREFIX, bodyKeyOf, linkBodies, withoutBodyUrl } from "#domain/large-bodies.ts";
import { lineTexts } from "#domain/line-message.ts";
import type { LikeNotification, PublishedNotification } from "#domain/notification.ts";

const ID = "1".repeat(40);
const published = (overrides: Partial<PublishedNotification> = {}): PublishedNotification => ({
  kind: "notification",
  id: ID,
  to: "user:alice",
  userId: "alice",
  title: "Nightly report",
  at: "2026-11-30T12:00:00.000Z",
  ...overrides,
});
const like: LikeNotification = {
  kind: "like",
  id: "2".repeat(40),
  to: "user:alice",
  userId: "alice",
  title: "An article",
  url: "https://qiita.com/alice/items/1",
  itemId: "1",
  delta: 1,
  likesCount: 3,
  likers: ["bob"],
  at: "2026-11-30T12:00:00.000Z",
};

/** A presigner that counts its calls and answers a URL naming the key. */
function countingStore() {
  const asked: string[] = [];
  return {
    asked,
    urlFor: async (key: string) => {
      asked.push(key);
      return `https://bodies.example/${key}?X-Amz-Signature=${asked.length}`;
    },
  };
}

describe("bodyKeyOf", () => {
  it("keys a body by its request's hash under the bodies prefix, or the prefix given", () => {
    expect(bodyKeyOf("ab".repeat(32))).toBe(`${BODY_KEY_PREFIX}${"ab".repeat(32)}`);
    expect(bodyKeyOf("cd", "scheduled-bodies/")).toBe("scheduled-bodies/cd");
  });
});

describe("linkBodies", () => {
  it("adds a bodyUrl to each notification with a bodyKey, presigning each key once for all its copies", async () => {
    // Prepare: a group message's two member copies share one key.
    const store = countingStore();
    const copies = [
      published({ id: "3".repeat(40), userId: "gus", to: "group:team", bodyKey: "bodies/k1" }),
      published({ id: "4".repeat(40), userId: "hal", to: "group:team", bodyKey: "bodies/k1" }),
      published({ id: "5".repeat(40), bodyKey: "bodies/k2" }),
    ];

    // Act
    const linked = await linkBodies(copies, store);

    // Assess
    expect(store.asked).toEqual(["bodies/k1", "bodies/k2"]);
    expect(linked.map((n) => (n.kind === "notification" ? n.bodyUrl : undefined))).toEqual([
      "https://bodies.example/bodies/k1?X-Amz-Signature=1",
      "https://bodies.example/bodies/k1?X-Amz-Signature=1",
      "https://bodies.example/bodies/k2?X-Amz-Signature=2",
    ]);
    expect(copies[0]).not.toHaveProperty("bodyUrl");
  });

  it("returns likes and inline bodies as they are, without asking the store", async () => {
    const store = countingStore();
    const inline = published({ body: "short" });

    const linked = await linkBodies([like, inline], store);

    expect(linked[0]).toBe(like);
    expect(linked[1]).toBe(inline);
    expect(store.asked).toEqual([]);
  });

  it("rejects a body kept in S3 when no store is wired, naming the setting", async () => {
    await expect(linkBodies([published({ bodyKey: "bodies/k1" })], undefined)).rejects.toThrow(/BODIES_BUCKET/);
    await expect(linkBodies([like], undefined)).resolves.toEqual([like]);
  });
});

describe("withoutBodyUrl", () => {
  it("drops the presigned URL and keeps the key; anything else is returned as it is", () => {
    const linked = published({ bodyKey: "bodies/k1", bodyUrl: "https://bodies.example/k1?sig" });

    expect(withoutBodyUrl(linked)).toEqual(published({ bodyKey: "bodies/k1" }));
    expect(withoutBodyUrl(like)).toBe(like);
  });
});

describe("a notification with its body in S3", () => {
  it("frames as type,id,to,title,url,bodyUrl,data,at: the URL, never the key", () => {
    const frame = notificationFrame(
      published({ url: "https://ci.example/1", bodyKey: "bodies/k1", bodyUrl: "https://bodies.example/k1?sig", data: { run: 1 } }),
    );

    expect(frame).toBe(
      JSON.stringify({
        type: "notification",
        id: ID,
        to: "user:alice",
        title: "Nightly report",
        url: "https://ci.example/1",
        bodyUrl: "https://bodies.example/k1?sig",
        data: { run: 1 },
        at: "2026-11-30T12:00:00.000Z",
      }),
    );
  });

  it("pushes LINE its title, url and the body's link", () => {
    const [text] = lineTexts([published({ url: "https://ci.example/1", bodyKey: "bodies/k1", bodyUrl: "https://bodies.example/k1?sig" })]);

    expect(text).toBe("🔔 1 notification\n\nNightly report\nhttps://ci.example/1\nFull text: https://bodies.example/k1?sig");
  });
});
