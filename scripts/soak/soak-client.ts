/**
 * One simulated browser tab: a real `ws` socket that resumes on every open (from "0" until it
 * holds a resume point) and reconnects after a drop, deduping through the browser client's own
 * LikeFeed (web/live-feed.js), so the soak measures what a user's page would show, not a
 * friendlier client. As web/app.js does, it asks for the next page while a resume answers
 * `more`, and asks again after `retryAfter` seconds when the server refuses a resume.
 */
import WebSocket from "ws";
import { backoffDelay, FROM_THE_START, LikeFeed, parseFrame } from "../../web/live-feed.js";

export class SoakClient {
  readonly feed = new LikeFeed();
  /** Like key ("userId/itemId/likesCount") → write-to-receipt delay of its first arrival. */
  readonly received = new Map<string, number>();
  /** Like key → how many more times it was kept under another id (what dedupe by id cannot catch). */
  readonly keptAgain = new Map<string, number>();
  /** Epoch ms the first socket opened: likes written after it are owed to this client. */
  firstOpenAt: number | undefined;
  rawDuplicates = 0;
  drops = 0;
  resumes = 0;
  /** Resumes that asked for "0": the first open, and reconnects before a resume point existed. */
  resumesFromStart = 0;
  /** Further pages asked for because a resume answered `more`. */
  resumePages = 0;
  /** Resumes the server refused with `retryAfter` (too many a minute), asked again after the wait. */
  resumesRefused = 0;
  replayed = 0;
  /** Error frames other than a refused resume. */
  errorFrames = 0;
  reconnectFailures = 0;
  #socket: WebSocket | undefined;
  #online = false;
  #resumePending = false;
  #closing = false;
  #attempt = 0;

  constructor(
    private readonly url: string,
    readonly userId: string,
    /** One of the clients that drop abruptly now and then. */
    readonly dropping: boolean,
    private readonly random: () => number,
  ) {}

  /** Online with no resume in flight: nothing more is on its way to this client but live frames. */
  get settled(): boolean {
    return this.#online && !this.#resumePending;
  }

  get online(): boolean {
    return this.#online;
  }

  /** The first connection; later ones happen by themselves after a drop. */
  open(): Promise<void> {
    return new Promise((resolve, reject) => this.#connect(resolve, reject));
  }

  /** Cuts the socket with no close frame, as a phone losing its network does. */
  drop(): void {
    if (!this.#socket || !this.#online) return;
    // Offline from this moment: ws reports the close a tick later, and a second drop must not count.
    this.#online = false;
    this.drops++;
    this.#socket.terminate();
  }

  close(): Promise<void> {
    this.#closing = true;
    const socket = this.#socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once("close", () => resolve());
      socket.close(1000, "soak over");
    });
  }

  #connect(onOpen?: () => void, onFail?: (error: Error) => void): void {
    const socket = new WebSocket(this.url, { perMessageDeflate: false });
    this.#socket = socket;
    let opened = false;
    socket.on("open", () => {
      opened = true;
      this.#online = true;
      this.#attempt = 0;
      this.firstOpenAt ??= Date.now();
      // As web/app.js does: always, with "0" while it holds no resume point.
      this.#resumePending = true;
      this.resumes++;
      const since = this.feed.resuming();
      if (since === FROM_THE_START) this.resumesFromStart++;
      socket.send(JSON.stringify({ action: "resume", since }));
      onOpen?.();
    });
    socket.on("message", (data) => this.#onFrame(socket, data.toString()));
    socket.on("error", () => {}); // the close that follows decides what to do
    socket.on("close", () => {
      this.#online = false;
      this.#resumePending = false;
      if (this.#closing) return;
      if (!opened) {
        if (onFail) return onFail(new Error(`could not connect to ${this.url.replace(/token=.*/, "token=…")}`));
        this.reconnectFailures++;
      }
      setTimeout(() => this.#connect(), backoffDelay(this.#attempt++, this.random));
    });
  }

  #onFrame(socket: WebSocket, text: string): void {
    const frame = parseFrame(text);
    if (!frame) return;
    if (frame.type === "resumed") {
      this.replayed += frame.count;
      const next = this.feed.resumed(frame);
      if (next === undefined) {
        this.#resumePending = false;
        return;
      }
      this.resumePages++;
      socket.send(JSON.stringify({ action: "resume", since: next }));
    } else if (frame.type === "error" && frame.retryAfter !== undefined) {
      // Still owed the replay: stay unsettled and ask again once the server allows it.
      this.resumesRefused++;
      setTimeout(() => {
        if (this.#socket === socket && socket.readyState === WebSocket.OPEN) {
          socket.send(JSON.stringify({ action: "resume", since: this.feed.resuming() }));
        }
      }, frame.retryAfter * 1000);
    } else if (frame.type === "error") {
      this.errorFrames++;
      this.#resumePending = false;
    } else if (frame.type === "like") {
      const like = frame.like;
      if (!this.feed.add(like)) {
        this.rawDuplicates++;
        return;
      }
      const key = `${like.userId}/${like.itemId}/${like.likesCount}`;
      if (this.received.has(key)) this.keptAgain.set(key, (this.keptAgain.get(key) ?? 0) + 1);
      else this.received.set(key, Date.now() - Date.parse(like.at));
    }
  }
}
