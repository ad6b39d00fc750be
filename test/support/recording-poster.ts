/** An in-memory FramePoster that records frames; a connection can be set gone or failing. */
import type { FramePoster, PostOutcome } from "#domain/ports.ts";

export class RecordingPoster implements FramePoster {
  readonly frames = new Map<string, unknown[]>();
  readonly gone = new Set<string>();
  readonly failing = new Map<string, Error>();

  async post(connectionId: string, frame: string): Promise<PostOutcome> {
    const failure = this.failing.get(connectionId);
    if (failure) throw failure;
    if (this.gone.has(connectionId)) return "gone";
    this.frames.set(connectionId, [...(this.frames.get(connectionId) ?? []), JSON.parse(frame)]);
    return "delivered";
  }

  framesOf(connectionId: string): Record<string, unknown>[] {
    return (this.frames.get(connectionId) ?? []) as Record<string, unknown>[];
  }
}
