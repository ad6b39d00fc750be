/** The IPC messages between the bench (server side) and the client-load child process. */

/** Epoch ms with sub-ms precision, comparable between the two processes on one machine. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

export type ToClients =
  | {
      readonly type: "connect";
      readonly group: string;
      readonly url: string;
      readonly count: number;
      readonly report: "aggregate" | "each";
    }
  | { readonly type: "status"; readonly id: string }
  | { readonly type: "close"; readonly group: string }
  | { readonly type: "proxy"; readonly target: string; readonly delayMs: number };

/** One frame's arrival on every socket of a group ("aggregate"), or on one socket ("each"). */
export interface FrameReceipt {
  readonly id: string;
  readonly group: string;
  readonly count: number;
  /** "itemId:likesCount" of a like frame ("each" groups), to match it with the write that caused it. */
  readonly key?: string;
  /** Epoch ms of the first and last arrival. */
  readonly first: number;
  readonly last: number;
}

export type FromClients =
  | { readonly type: "connected"; readonly group: string; readonly count: number; readonly failed: number }
  | { readonly type: "complete"; readonly receipt: FrameReceipt }
  | { readonly type: "frames"; readonly receipts: readonly FrameReceipt[] }
  | { readonly type: "status"; readonly id: string; readonly receipt: FrameReceipt | undefined }
  | { readonly type: "closed"; readonly group: string }
  | { readonly type: "proxy"; readonly url: string };
