/** publishNotification's step 4 with a body too large for a frame: S3 first, the key on the item. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Publication } from "#domain/notification.ts";
import type { PublicationStore } from "#domain/ports.ts";
import { MAX_FRAME_BYTES, publishNotification } from "#domain/publish/publish-notification.ts";

const NOW = Date.parse("2026-11-30T12:00:00.000Z");

/** What happened, in order: puts to the body store and writes to the table. */
function world(options: { failWrite?: boolean } = {}) {
  const steps: string[] = [];
  const objects = new Map<string, string>();
  const written: Publication[] = [];
  // publishNotification calls only publish(); the other methods of the port are not its business.
  const store = {
    publish: async (notification: Publication) => {
      steps.push(`write ${notification.id}`);
      if (options.failWrite) throw new Error("table unavailable");
      written.push(notification);
      return { written: true as const };
    },
  } as unknown as PublicationStore;
  const bodies = {
    put: async (key: string, body: string) => {
      steps.push(`put ${key}`);
      objects.set(key, body);
    },
  };
  return { steps, objects, written, store, bodies };
}

const publish = (request: Record<string, unknown>, w: ReturnType<typeof world>, withBodies = true) => {
  const raw = JSON.stringify(request);
  return publishNotification(
    { body: raw },
    {
      store: w.store,
      nowMs: () => NOW,
      groups: { members: async () => ["gus", "hal"] },
      ...(withBodies ? { bodies: w.bodies } : {}),
    },
  ).then((outcome) => ({ outcome, requestHash: createHash("sha256").update(raw).digest("hex") }));
};

/** A user's frame without body, for to "user:dave" and title "T": what the body adds to. */
const overhead = () =>
  Buffer.byteLength(
    JSON.stringify({ type: "notification", id: "0".repeat(40), to: "user:dave", title: "T", body: "", at: new Date(NOW).toISOString() }),
  );

describe("publishNotification with a large body", () => {
  it("puts the body in S3 before writing the item, which keeps only its key", async () => {
    // Prepare
    const w = world();
    const body = "é".repeat(50_000);

    // Act
    const { outcome, requestHash } = await publish({ to: "user:alice", title: "Report", body }, w);

    // Assess
    expect(outcome).toMatchObject({ ok: true, repeated: false });
    const [item] = w.written;
    expect(w.steps).toEqual([`put bodies/${requestHash}`, `write ${item?.id}`]);
    expect(w.objects.get(`bodies/${requestHash}`)).toBe(body);
    expect(item).toMatchObject({ bodyKey: `bodies/${requestHash}` });
    expect(item).not.toHaveProperty("body");
  });

  it("keeps a body inline while the frame is exactly 32 KB, and moves it one byte later", async () => {
    const w = world();
    const atLimit = "a".repeat(MAX_FRAME_BYTES - overhead());

    await publish({ to: "user:dave", title: "T", body: atLimit }, w);
    await publish({ to: "user:dave", title: "T", body: `${atLimit}a` }, w);

    expect(w.written[0]).toMatchObject({ body: atLimit });
    expect(w.written[0]).not.toHaveProperty("bodyKey");
    expect(w.written[1]).toHaveProperty("bodyKey");
    expect(w.objects.size).toBe(1);
  });

  it("measures a group message by the group's frame and stores one object for all members", async () => {
    const w = world();

    await publish({ to: "group:team", title: "All", body: "x".repeat(40_000) }, w);

    expect(w.written).toHaveLength(1);
    expect(w.written[0]).toMatchObject({ to: "group:team", members: ["gus", "hal"], bodyKey: expect.stringMatching(/^bodies\//) });
    expect(w.objects.size).toBe(1);
  });

  it("keeps a scheduled notification's body under the prefix that outlives its wait", async () => {
    const w = world();
    const sendAt = new Date(NOW + 30 * 86_400_000).toISOString();

    const { requestHash } = await publish({ to: "user:alice", title: "Later", body: "x".repeat(40_000), sendAt }, w);

    expect([...w.objects.keys()]).toEqual([`scheduled-bodies/${requestHash}`]);
  });

  it("refuses with 413 and puts nothing where no body store is wired", async () => {
    const w = world();

    const { outcome } = await publish({ to: "user:alice", title: "Report", body: "x".repeat(40_000) }, w, false);

    expect(outcome).toEqual({
      ok: false,
      refusal: "too-large",
      field: "body",
      message: "bodies over ~30 KB need S3, which is not set up here: send a shorter body",
    });
    expect(w.steps).toEqual([]);
  });

  it("refuses with 413 on url, writing nothing anywhere, a frame that would not fit even without its body", async () => {
    const w = world();

    const { outcome } = await publish(
      { to: "user:alice", title: "Report", body: "x".repeat(5_000), url: `https://example.com/${"p".repeat(29_000)}` },
      w,
    );

    expect(outcome).toMatchObject({ ok: false, refusal: "too-large", field: "url" });
    expect(w.steps).toEqual([]);
  });

  it("rejects when the item cannot be written after the put: the object is left to expire", async () => {
    const w = world({ failWrite: true });

    await expect(publish({ to: "user:alice", title: "Report", body: "x".repeat(40_000) }, w)).rejects.toThrow("table unavailable");

    expect(w.steps).toHaveLength(2);
    expect(w.written).toEqual([]);
  });
});
