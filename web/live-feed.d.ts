// Types of live-feed.js for the TypeScript tests that import it; the browser needs none.

export interface LikeFrame {
  type: "like";
  id: string;
  userId: string;
  itemId: string;
  title: string;
  url: string;
  delta: number;
  likesCount: number;
  likers: string[];
  at: string;
}

export type ServerFrame =
  | { type: "like"; like: LikeFrame }
  | { type: "resumed"; count: number }
  | { type: "pong" }
  | { type: "error"; message: string };

export const MAX_SHOWN: number;
export function backoffDelay(
  attempt: number,
  random?: () => number,
  options?: { baseMs?: number; capMs?: number },
): number;
export function parseFrame(text: string): ServerFrame | undefined;
export const FROM_THE_START: "0";
export class LikeFeed {
  readonly lastId: string | undefined;
  resuming(): string;
  resumed(): void;
  add(like: LikeFrame): boolean;
  get likes(): LikeFrame[];
}
export function caughtUpNotice(count: number, since: string): string | undefined;
export function relativeTime(iso: string, nowMs: number): string;
export function tokenProblem(
  token: string | null | undefined,
  nowSeconds: number,
): "missing" | "malformed" | "expired" | undefined;
export function socketUrl(location: { protocol: string; host: string; search: string }, token: string): string;
export function safeHttpUrl(text: string): string | undefined;
