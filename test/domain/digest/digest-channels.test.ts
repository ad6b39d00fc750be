import { describe, expect, it } from "vitest";
import { digestTitle, emailDigestChannel, lineDigestChannel } from "#domain/digest/digest-channels.ts";
import { emailPushKey } from "#domain/email-message.ts";
import { LINE_MAX_MESSAGES, LINE_MAX_TEXT_UNITS, lineRetryKey } from "#domain/line-message.ts";
import type { EmailMessage, LineSender } from "#domain/ports.ts";
import { likeEvent } from "#test/support/like-events.ts";

const sender: LineSender = { push: async () => "sent" };
const preferences = { timeZone: "Asia/Tokyo", digestHour: 9 };

describe("lineDigestChannel", () => {
  it("titles the digest with its day and lists every notification under it", async () => {
    // Prepare
    const channel = lineDigestChannel({ lineFor: async () => ({ sender, to: "U1" }) });
    const likes = [likeEvent("alice", 1), likeEvent("alice", 2)];

    // Act
    const route = await channel("alice", "2026-11-30", preferences);
    const texts = route?.render(likes) ?? [];

    // Assess
    expect(route?.to).toBe("U1");
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/^📬 Your digest for 2026-11-30\n👍 2 new likes on 2 articles\n\nArticle 1 /);
    expect(texts[0]).toContain("Article 2 ");
    expect(route?.keyOf("alice", ["b", "a"])).toBe(lineRetryKey("alice", ["a", "b"]));
  });

  it("puts the quota's note in the first push of the digest only", async () => {
    // Prepare
    const notes = ["LINE's monthly limit is near: you will get one digest a day until 2026-12-01."];
    const channel = lineDigestChannel({ lineFor: async () => ({ sender, to: "U1" }), noteFor: async () => notes.shift() });

    // Act
    const route = await channel("alice", "2026-11-30", preferences);
    const first = route?.render([likeEvent("alice", 1)]) ?? [];
    const second = route?.render([likeEvent("alice", 2)]) ?? [];

    // Assess
    expect(first[0]).toMatch(
      /^📬 Your digest for 2026-11-30\nLINE's monthly limit is near: you will get one digest a day until 2026-12-01\.\n/,
    );
    expect(second[0]).toMatch(/^📬 Your digest for 2026-11-30\n👍/);
  });

  it("stays within LINE's 5 texts of 5000 units and says how many more did not fit", async () => {
    // Prepare
    const channel = lineDigestChannel({ lineFor: async () => ({ sender, to: "U1" }) });
    const long = Array.from({ length: 50 }, (_, i) => ({
      ...likeEvent("alice", i + 1),
      title: "t".repeat(290),
      likers: Array.from({ length: 20 }, (_, j) => `fan-${"x".repeat(40)}-${j}`),
    }));

    // Act
    const texts = (await channel("alice", "2026-11-30", preferences))?.render(long) ?? [];

    // Assess
    expect(texts.length).toBe(LINE_MAX_MESSAGES);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(LINE_MAX_TEXT_UNITS);
    const shown = texts.join("\n\n").split("https://qiita.com/").length - 1;
    expect(texts.at(-1)).toMatch(new RegExp(`…and ${50 - shown} more$`));
    expect(shown).toBeLessThan(50);
  });

  it("has no route for a user without LINE", async () => {
    const channel = lineDigestChannel({ lineFor: async () => undefined });
    expect(await channel("bob", "2026-11-30", preferences)).toBeUndefined();
  });
});

describe("digestTitle", () => {
  it("is one line, two with a note", () => {
    expect(digestTitle("2026-11-30")).toBe("📬 Your digest for 2026-11-30");
    expect(digestTitle("2026-11-30", "note")).toBe("📬 Your digest for 2026-11-30\nnote");
  });
});

describe("emailDigestChannel", () => {
  it("mails the day's notifications to the person's address, its subject saying it is the digest", async () => {
    // Prepare
    const mails: { to: string; message: EmailMessage; key: string }[] = [];
    const channel = emailDigestChannel({
      sender: { send: async (to, message, key) => void mails.push({ to, message, key }) },
      pageUrl: "http://localhost:3001/",
    });
    const likes = [likeEvent("alice", 1), { ...likeEvent("alice", 2), title: "<b>bold</b>" }];

    // Act
    const route = await channel("alice", "2026-11-30", { ...preferences, emailAddress: "alice@example.com" });
    const texts = route?.render(likes) ?? [];
    await route?.send({ key: "k", channel: "email", to: route.to, texts, notificationIds: [], sent: false });

    // Assess
    expect(route?.to).toBe("alice@example.com");
    expect(mails[0]?.message.subject).toMatch(/^Your live-likes digest for 2026-11-30: /);
    expect(mails[0]?.message.text).toContain("Article 1");
    expect(mails[0]?.message.html).toContain("&#60;b&#62;bold&#60;/b&#62;");
    expect(mails[0]?.message.html).not.toContain("<b>bold");
    expect(route?.keyOf("alice", ["a"])).toBe(emailPushKey("alice", ["a"]));
  });

  it("has no route for a person without an address", async () => {
    const channel = emailDigestChannel({ sender: { send: async () => {} }, pageUrl: "http://localhost:3001/" });
    expect(await channel("bob", "2026-11-30", preferences)).toBeUndefined();
  });
});
