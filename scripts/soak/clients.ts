/**
 * The soak's client process: holds every `ws` client, so receiving hundreds of thousands of
 * frames costs the server process nothing. Driven over IPC by scripts/soak.ts (protocol.ts).
 */
import { createLimiter } from "#domain/concurrency.ts";
import { serveParent } from "#test/support/client-process.ts";
import type { ClientPlan, FromClients, SentLike, ToClients } from "./protocol.ts";
import { seededRandom } from "./seeded-random.ts";
import { SoakClient } from "./soak-client.ts";
import { tally } from "./tally.ts";

/** Sockets opened at once: quick, without overrunning the emulator's upgrade backlog. */
const OPEN_CONCURRENCY = 50;
/** On average one drop per dropping client every this many ms of the window. */
const MEAN_MS_BETWEEN_DROPS = 15_000;
/** A client still reconnecting when its drop is due drops as soon as it is back. */
const DROP_RETRY_MS = 100;

let clients: SoakClient[] = [];
let plan: ClientPlan | undefined;
let sent: readonly SentLike[] = [];

async function open(given: ClientPlan): Promise<void> {
  plan = given;
  const random = seededRandom(given.seed);
  const writers = given.writers.length;
  clients = Array.from({ length: given.connections }, (_, index) => {
    const writer = given.writers[index % writers] as ClientPlan["writers"][number];
    // Whole rounds of writers drop (a tenth: rounds 0, 10, 20…), so each writer has its share.
    const dropping = given.dropFraction > 0 && Math.floor(index / writers) % Math.round(1 / given.dropFraction) === 0;
    return new SoakClient(`${given.url}/?token=${writer.token}`, writer.userId, dropping, random);
  });
  let failed = 0;
  const limit = createLimiter(OPEN_CONCURRENCY);
  await Promise.all(clients.map((client) => limit(() => client.open().catch(() => failed++))));
  send({ type: "opened", open: clients.length - failed, failed });
}

function scheduleDrops(): void {
  if (!plan) return;
  const { dropWindowMs, seed } = plan;
  const random = seededRandom(seed ^ 0x5eed);
  const windowEnd = Date.now() + dropWindowMs;
  const dropsEach = Math.max(1, Math.round(dropWindowMs / MEAN_MS_BETWEEN_DROPS));
  for (const client of clients.filter((c) => c.dropping)) {
    for (let drop = 0; drop < dropsEach; drop++) {
      const attempt = () => {
        if (client.online) return client.drop();
        if (Date.now() + DROP_RETRY_MS < windowEnd) setTimeout(attempt, DROP_RETRY_MS);
      };
      setTimeout(attempt, random() * dropWindowMs);
    }
  }
}

async function closeAll(): Promise<void> {
  await Promise.all(clients.map((client) => client.close()));
  send({ type: "closed" });
}

// The soak ending (or dying) takes this process with it.
const send = serveParent<ToClients, FromClients>((message) => {
  switch (message.type) {
    case "open":
      void open(message.plan);
      break;
    case "go":
      scheduleDrops();
      break;
    case "sent":
      sent = message.likes;
      break;
    case "tally":
      send({ type: "tally", tally: tally(clients, sent) });
      break;
    case "close":
      void closeAll().then(() => process.disconnect());
      break;
  }
});
