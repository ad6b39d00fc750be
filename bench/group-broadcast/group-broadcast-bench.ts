/**
 * Group broadcast (issue 10): one message published to a group whose members hold `members ×
 * socketsPerMember` connections, timed from the start of each variant to the last frame received
 * by the client-load process (real `ws` sockets on the WebSocket emulator). The same in-process
 * harness as the fan-out bench: the stream handler is called with the notifications table's
 * INSERT record of the group item, as the stream poller would call it, so the figure is the
 * delivery (per member a Query, a ledger claim, an events write, the posts) without the poller's
 * wait. Variants run interleaved, repeated, and the median is kept.
 * - project: the stream handler (deliver-batch, one bound on open posts for the whole message);
 * - sequential: member after member, post after post (bench/group-broadcast/sequential-group.ts);
 * - transport: the same frames posted to connection ids known in advance, no DynamoDB at all.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import { ManagementApiPoster } from "#adapters/apigateway/management-api-poster.ts";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { DynamoDbDeliveryLedger } from "#adapters/dynamodb/dynamodb-delivery-ledger.ts";
import { DynamoDbEventLog } from "#adapters/dynamodb/dynamodb-event-log.ts";
import { DynamoDbRevocationStore } from "#adapters/dynamodb/dynamodb-revocation-store.ts";
import { createLimiter } from "#domain/concurrency.ts";
import { FANOUT_CONCURRENCY } from "#domain/delivery/deliver-batch.ts";
import { signToken } from "#domain/token.ts";
import { createConnectHandler } from "#handlers/connect.handler.ts";
import { createDisconnectHandler } from "#handlers/disconnect.handler.ts";
import { createStreamHandler } from "#handlers/stream.handler.ts";
import { startWebSocketEmulator } from "#local/aws/websocket-api/start-websocket-emulator.ts";
import { median, round1 } from "#test/support/statistics.ts";
import { waitFor } from "#test/support/wait-for.ts";
import type { ClientLoad } from "../client-load/client-load.ts";
import { nowMs } from "../client-load/protocol.ts";
import { type GroupBroadcastRow, type GroupBroadcastVariant, groupBroadcastVariants } from "../report/results.ts";
import { createBenchTables } from "../support/bench-tables.ts";
import { groupPublication, groupStreamEvent, memberFrames } from "./group-record.ts";
import { sequentialGroup } from "./sequential-group.ts";

export interface GroupBroadcastOptions {
  readonly dynamodbEndpoint: string;
  readonly clients: ClientLoad;
  readonly members: number;
  readonly socketsPerMember: number;
  readonly repetitions: number;
  readonly log: (line: string) => void;
}

const SECRET = "bench-token-secret-0123456789abcdef";
const GROUP = "bench-broadcast";
/** Client-load groups connected at once: each opens its member's sockets. */
const CONNECT_CONCURRENCY = 20;

export async function benchGroupBroadcast(options: GroupBroadcastOptions): Promise<GroupBroadcastRow> {
  const { clients, log } = options;
  const connectionsTotal = options.members * options.socketsPerMember;
  const tables = await createBenchTables(options.dynamodbEndpoint, "group");
  const logger = new Logger({ serviceName: "bench", logLevel: "ERROR" });
  const connections = new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc });
  const revocations = new DynamoDbRevocationStore({ tableName: tables.revocations, client: tables.doc });
  const emulator = await startWebSocketEmulator({
    port: 0,
    host: "127.0.0.1",
    maxConnections: connectionsTotal + 100,
    routes: {
      $connect: {
        handler: createConnectHandler({
          connections,
          revocations,
          tokenSecret: async () => SECRET,
          logger,
          maxConnectionsPerUser: options.socketsPerMember,
        }),
      },
      $disconnect: { handler: createDisconnectHandler({ connections, logger }) },
    },
    log: (message, error) => log(`emulator: ${message} ${String(error)}`),
  });
  const endpoint = `http://127.0.0.1:${emulator.port}`;
  const poster = new ManagementApiPoster({ endpoint });
  const management = new ApiGatewayManagementApiClient({ endpoint });
  const events = new DynamoDbEventLog({ tableName: tables.events, client: tables.doc });
  const ledger = new DynamoDbDeliveryLedger({ tableName: tables.deliveries, client: tables.doc });
  const stream = createStreamHandler({ connections, poster, events, ledger, lineMode: "off", lineFor: async () => undefined, logger });
  const members = Array.from({ length: options.members }, (_, i) => `member-${String(i).padStart(4, "0")}`);
  const clientGroup = (member: string) => `broadcast-${member}`;

  let sequence = 2_000_000;
  try {
    // Each member's sockets are a client-load group of its own: a member's frame has its own id.
    const expires = Math.floor(Date.now() / 1000) + 3_600;
    const limit = createLimiter(CONNECT_CONCURRENCY);
    await Promise.all(
      members.map((member) =>
        limit(() =>
          clients.connect(
            clientGroup(member),
            `${emulator.url.replace("localhost", "127.0.0.1")}/?token=${signToken({ userId: member, expiresAt: expires }, SECRET)}`,
            options.socketsPerMember,
          ),
        ),
      ),
    );
    const idsByMember = new Map<string, string[]>();
    for (const member of members) {
      const ids = await connections.listByUser(member, Math.floor(Date.now() / 1000));
      if (ids.length !== options.socketsPerMember) throw new Error(`group broadcast: ${member} has ${ids.length} connection rows`);
      idsByMember.set(member, ids);
    }
    log(`group broadcast: ${options.members} members × ${options.socketsPerMember} sockets connected`);

    const runs: Record<
      GroupBroadcastVariant,
      (frames: ReturnType<typeof memberFrames>, seq: number, message: ReturnType<typeof groupPublication>) => Promise<unknown>
    > = {
      project: (_frames, seq, message) => stream(groupStreamEvent(seq, message)),
      sequential: (frames) => sequentialGroup(tables.doc, tables.connections, management, frames),
      transport: async (frames) => {
        const bound = createLimiter(FANOUT_CONCURRENCY);
        await Promise.all(
          [...frames].flatMap(([member, { frame }]) => (idsByMember.get(member) ?? []).map((id) => bound(() => poster.post(id, frame)))),
        );
      },
    };
    const times = new Map<GroupBroadcastVariant, number[]>(groupBroadcastVariants.map((v) => [v, []]));
    const lost = Object.fromEntries(groupBroadcastVariants.map((v) => [v, 0])) as Record<GroupBroadcastVariant, number>;
    const timeoutMs = 30_000 + connectionsTotal * 10;
    // One unmeasured round warms the HTTP keep-alive pools and the JIT for every variant.
    for (let rep = -1; rep < options.repetitions; rep++) {
      for (const variant of groupBroadcastVariants) {
        const message = groupPublication(GROUP, members);
        const frames = memberFrames(message);
        const arrivals = Promise.all([...frames.values()].map(({ id }) => clients.receipt(id, timeoutMs)));
        const start = nowMs();
        try {
          await runs[variant](frames, sequence++, message);
        } catch (error) {
          log(`group broadcast, ${variant}: ${String(error)}`);
        }
        const receipts = await arrivals;
        if (rep < 0) continue;
        const missing = receipts.reduce(
          (sum, { receipt, complete }) => sum + (complete ? 0 : options.socketsPerMember - (receipt?.count ?? 0)),
          0,
        );
        if (missing === 0) times.get(variant)?.push(Math.max(...receipts.map(({ receipt }) => receipt?.last ?? start)) - start);
        else lost[variant] += missing;
      }
    }
    const ms = (variant: GroupBroadcastVariant) => {
      const value = median(times.get(variant) ?? []);
      return value === undefined ? null : round1(value);
    };
    const row: GroupBroadcastRow = {
      members: options.members,
      connections: connectionsTotal,
      project_ms: ms("project"),
      sequential_ms: ms("sequential"),
      transport_ms: ms("transport"),
      lost,
    };
    log(
      `group broadcast to ${connectionsTotal} connections: ${groupBroadcastVariants.map((v) => `${v} ${row[`${v}_ms`]} ms`).join(", ")}; lost ${JSON.stringify(lost)}`,
    );

    await Promise.all(members.map((member) => limit(() => clients.close(clientGroup(member)))));
    await waitFor(async () => ((await connections.listByUser(members.at(-1) as string, 0)).length === 0 ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: "the group's connection rows to be removed",
    });
    return row;
  } finally {
    management.destroy();
    await emulator.close();
    tables.client.destroy();
  }
}
