/** Likes and stars for the stats tests: a given user, article or repository, instant and delta. */
import { audienceOf, type LikeNotification, type PublishedNotification, type StarNotification } from "#domain/notification.ts";

let next = 0;
const freshId = () => String(++next).padStart(40, "0");

export function like(
  userId: string,
  at: string,
  options: { itemId?: string; title?: string; delta?: number; id?: string } = {},
): LikeNotification {
  const itemId = options.itemId ?? "item-a";
  return {
    kind: "like",
    id: options.id ?? freshId(),
    to: audienceOf(userId),
    userId,
    itemId,
    title: options.title ?? `Article ${itemId}`,
    url: `https://qiita.com/${userId}/items/${itemId}`,
    delta: options.delta ?? 1,
    likesCount: 10,
    likers: ["fan"],
    at,
  };
}

export function star(userId: string, at: string, options: { repo?: string; delta?: number; id?: string } = {}): StarNotification {
  const repo = options.repo ?? `${userId}/tool`;
  return {
    kind: "star",
    id: options.id ?? freshId(),
    to: audienceOf(userId),
    userId,
    title: repo,
    repo,
    url: `https://github.com/${repo}`,
    delta: options.delta ?? 1,
    stargazersCount: 5,
    stargazers: ["octocat"],
    at,
  };
}

export function published(userId: string, at: string): PublishedNotification {
  return { kind: "notification", id: freshId(), to: audienceOf(userId), userId, title: "Deploy finished", at };
}
