import { describe, expect, it } from "vitest";
import { emailFromTexts, emailMessage, emailPushKey, emailTexts, subjectOf } from "#domain/email-message.ts";
import { lineRetryKey } from "#domain/line-message.ts";
import type { LikeNotification, StarNotification } from "#domain/notification.ts";
import { published } from "#test/support/notification-records.ts";

const at = Date.parse("2026-11-30T12:00:00Z");
const PAGE = "http://localhost:3001/";

function like(itemId: string, title: string, delta: number, tail: string): LikeNotification {
  return {
    kind: "like",
    id: `${"1".repeat(39)}${tail}`,
    to: "user:alice",
    userId: "alice",
    itemId,
    title,
    url: `https://qiita.com/alice/items/${itemId}`,
    delta,
    likesCount: 10 + delta,
    likers: ["bob", "carol"].slice(0, delta),
    at: new Date(at).toISOString(),
  };
}

function star(repo: string, delta: number, tail: string): StarNotification {
  return {
    kind: "star",
    id: `${"2".repeat(39)}${tail}`,
    to: "user:alice",
    userId: "alice",
    title: repo,
    repo,
    url: `https://github.com/${repo}`,
    delta,
    stargazersCount: 40 + delta,
    stargazers: ["dave"],
    at: new Date(at).toISOString(),
  };
}

describe("e-mail subject", () => {
  it("says how many likes on which article, stars on which repository, a published title, or how many notifications", () => {
    expect(subjectOf([like("a", "Title", 2, "1"), like("a", "Title", 1, "2")])).toBe("3 new likes on “Title”");
    expect(subjectOf([like("a", "Title", 1, "1")])).toBe("1 new like on “Title”");
    expect(subjectOf([like("a", "One", 1, "1"), like("b", "Two", 4, "2")])).toBe("5 new likes on 2 articles");
    expect(subjectOf([star("alice/tool", 2, "1")])).toBe("⭐ 2 new stars on alice/tool");
    expect(subjectOf([published("alice", at, "1", { title: "Build finished" })])).toBe("Build finished");
    expect(subjectOf([published("alice", at, "1"), published("alice", at, "2")])).toBe("2 notifications");
    expect(subjectOf([like("a", "Title", 1, "1"), star("alice/tool", 1, "2"), published("alice", at, "3")])).toBe("3 notifications");
  });

  it("keeps a header line one line: a title's line breaks cannot add headers", () => {
    const subject = subjectOf([published("alice", at, "1", { title: "Hi\r\nBcc: victim@example.com" })]);
    expect(subject).toBe("Hi Bcc: victim@example.com");
    expect(subject).not.toMatch(/[\r\n]/);
  });
});

describe("e-mail body", () => {
  it("escapes every value in the HTML and keeps the plain text as sent", () => {
    // Prepare: markup and quotes in every field a publisher or Qiita controls
    const evil = published("alice", at, "1", {
      title: `<script>alert("t")</script>`,
      body: `<img src=x onerror=alert(1)> & 'quotes'`,
      url: `https://example.com/?q="><b>x</b>`,
    });
    const likeWithMarkup = { ...like("a", `<i>title</i>`, 1, "2"), likers: [`<b>bob</b>`] };

    // Act
    const { html, text } = emailMessage([evil, likeWithMarkup], `${PAGE}?x="<y>"`);

    // Assess
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<i>title");
    expect(html).not.toContain("<b>bob");
    expect(html).not.toContain('"><b>');
    expect(html).toContain("&#60;script&#62;alert(&#34;t&#34;)&#60;/script&#62;");
    expect(html).toContain("&#38; &#39;quotes&#39;");
    expect(html).toContain('href="https://example.com/?q=&#34;&#62;&#60;b&#62;x&#60;/b&#62;"');
    expect(text).toContain(`<script>alert("t")</script>`);
    expect(text).toContain(`Open live-likes: ${PAGE}?x="<y>"`);
  });

  it("links only http(s) urls: a javascript: url stays text", () => {
    const { html } = emailMessage([published("alice", at, "1", { url: "javascript:alert(1)" })], PAGE);
    expect(html).not.toContain('href="javascript');
    expect(html).toContain("javascript:alert(1)");
    expect(html).toContain(`<a href="${PAGE}">Open live-likes</a>`);
  });

  it("lists each notification with its link, and previews a long body", () => {
    const long = "x".repeat(2_000);
    const { text, html } = emailMessage([like("a", "Title", 2, "1"), published("alice", at, "2", { body: long })], PAGE);
    expect(text).toContain("Title (+2, 12 total)\nby bob, carol\nhttps://qiita.com/alice/items/a");
    expect(text).toContain(`${"x".repeat(499)}…`);
    expect(text).not.toContain("x".repeat(500));
    expect(html).toContain('<a href="https://qiita.com/alice/items/a">Title (+2, 12 total)</a>');
  });

  it("round-trips through the ledger's texts", () => {
    const events = [like("a", "Title", 1, "1")];
    expect(emailFromTexts(emailTexts(events, PAGE))).toEqual(emailMessage(events, PAGE));
  });
});

describe("emailPushKey", () => {
  it("is the same for the same user and ids in any order, and never a LINE push's key", () => {
    expect(emailPushKey("alice", ["b", "a"])).toBe(emailPushKey("alice", ["a", "b", "a"]));
    expect(emailPushKey("alice", ["a"])).not.toBe(emailPushKey("bob", ["a"]));
    expect(emailPushKey("alice", ["a"])).not.toBe(lineRetryKey("alice", ["a"]));
  });
});
