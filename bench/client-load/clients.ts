/**
 * The client-load child process: holds the benchmark's `ws` clients so receiving thousands of
 * frames costs the server process nothing. Stamps each frame on arrival and reports over IPC.
 */
import WebSocket from "ws";
import { createLimiter } from "#domain/concurrency.ts";
import { serveParent } from "#test/support/client-process.ts";
import { startLatencyProxy } from "./latency-proxy.ts";
import { nowMs, type FrameReceipt, type FromClients, type ToClients } from "./protocol.ts";

interface Group {
  readonly sockets: WebSocket[];
  readonly report: "aggregate" | "each";
}

const groups = new Map<string, Group>();
const progress = new Map<string, { group: string; count: number; first: number; last: number }>();
let pendingEach: FrameReceipt[] = [];

/** Sockets opened at once: enough to be quick, few enough not to overrun the upgrade backlog. */
const OPEN_CONCURRENCY = 100;

async function connect(message: Extract<ToClients, { type: "connect" }>): Promise<void> {
  const group: Group = { sockets: [], report: message.report };
  groups.set(message.group, group);
  let failed = 0;
  const limit = createLimiter(OPEN_CONCURRENCY);
  const open = async () => {
    const socket = await openSocket(message.url).catch(() => undefined);
    if (!socket) {
      failed++;
      return;
    }
    group.sockets.push(socket);
    socket.on("message", (data) => onFrame(message.group, group, data.toString()));
  };
  await Promise.all(Array.from({ length: message.count }, () => limit(open)));
  send({ type: "connected", group: message.group, count: group.sockets.length, failed });
}

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.once("open", () => resolve(socket));
    socket.once("error", reject);
    socket.once("unexpected-response", (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
  });
}

function onFrame(groupName: string, group: Group, text: string): void {
  const at = nowMs();
  let frame: { id?: unknown; itemId?: unknown; likesCount?: unknown };
  try {
    frame = JSON.parse(text) as typeof frame;
  } catch {
    return;
  }
  const id = frame.id;
  if (typeof id !== "string") return;
  if (group.report === "each") {
    pendingEach.push({ id, group: groupName, count: 1, key: `${String(frame.itemId)}:${String(frame.likesCount)}`, first: at, last: at });
    return;
  }
  const seen = progress.get(id) ?? { group: groupName, count: 0, first: at, last: at };
  seen.count++;
  seen.last = at;
  progress.set(id, seen);
  if (seen.count === group.sockets.length) send({ type: "complete", receipt: { id, ...seen } });
}

// Batched so 500 frames/s do not become 500 IPC messages/s; arrival times are stamped already.
setInterval(() => {
  if (pendingEach.length === 0) return;
  send({ type: "frames", receipts: pendingEach });
  pendingEach = [];
}, 50).unref();

async function close(groupName: string): Promise<void> {
  const group = groups.get(groupName);
  groups.delete(groupName);
  await Promise.all(
    (group?.sockets ?? []).map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) return resolve();
          socket.once("close", () => resolve());
          socket.close(1000);
        }),
    ),
  );
  send({ type: "closed", group: groupName });
}

const send = serveParent<ToClients, FromClients>((message) => {
  if (message.type === "connect") void connect(message);
  else if (message.type === "close") void close(message.group);
  else if (message.type === "proxy") {
    void startLatencyProxy(message.target, message.delayMs).then(({ port }) => send({ type: "proxy", url: `http://127.0.0.1:${port}` }));
  } else {
    const seen = progress.get(message.id);
    send({ type: "status", id: message.id, receipt: seen && { id: message.id, ...seen } });
  }
});
