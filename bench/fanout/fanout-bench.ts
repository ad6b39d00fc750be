/**
 * Fan-out: one like to N live connections of one user, timed from the start of each variant to
 * the last frame received by the client-load process. Variants run interleaved, repeated, and
 * the median is kept, so drift of the machine hits all of them alike.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import { WebSocketServer } from "ws";
import type { AddressInfo } from "node:net";
import { ManagementApiPoster } from "#adapters/apigateway/management-api-poster.ts";
import { DynamoDbConnectionStore } from "#adapters/dynamodb/dynamodb-connection-store.ts";
import { DynamoDbDeliveryLedger } from "#adapters/dynamodb/dynamodb-delivery-ledger.ts";
import { DynamoDbEventLog } from "#adapters/dynamodb/dynamodb-event-log.ts";
import { DynamoDbRevocationStore } from "#adapters/dynamodb/dynamodb-revocation-store.ts";
import { FANOUT_CONCURRENCY } from "#domain/delivery/deliver-batch.ts";
import { notificationFrame } from "#domain/frames.ts";
import { signToken } from "#domain/token.ts";
import { createConnectHandler } from "#handlers/connect.handler.ts";
import { createDisconnectHandler } from "#handlers/disconnect.handler.ts";
import { createStreamHandler } from "#handlers/stream.handler.ts";
import { startWebSocketEmulator } from "#local/aws/websocket-api/start-websocket-emulator.ts";
import { sequentialFanout } from "../baselines/sequential-fanout.ts";
import { unboundedFanout } from "../baselines/unbounded-fanout.ts";
import type { ClientLoad } from "../client-load/client-load.ts";
import { nowMs } from "../client-load/protocol.ts";
import {
  fanoutVariants,
  latencyVariants,
  type FanoutLatencyRow,
  type FanoutRow,
  type FanoutVariant,
  type LatencyVariant,
} from "../report/results.ts";
import { createBenchTables } from "../support/bench-tables.ts";
import { median, round1 } from "#test/support/statistics.ts";
import { waitFor } from "#test/support/wait-for.ts";
import { frameIdOf, likeEventFor, likeStreamEvent } from "./like-record.ts";
import { rawCeiling, transportFloor } from "./reference-variants.ts";

export interface FanoutOptions {
  readonly dynamodbEndpoint: string;
  readonly clients: ClientLoad;
  readonly sizes: readonly number[];
  readonly repetitions: number;
  /** Sizes also measured behind a simulated API Gateway round trip of `latencyMs`. */
  readonly latencySizes: readonly number[];
  readonly latencyMs: number;
  readonly log: (line: string) => void;
}

const SECRET = "bench-token-secret-0123456789abcdef";

export async function benchFanout(options: FanoutOptions): Promise<{ fanout: FanoutRow[]; latency: FanoutLatencyRow[] }> {
  const { clients, log } = options;
  const tables = await createBenchTables(options.dynamodbEndpoint, "fanout");
  const logger = new Logger({ serviceName: "bench", logLevel: "ERROR" });
  const connections = new DynamoDbConnectionStore({ tableName: tables.connections, client: tables.doc });
  const revocations = new DynamoDbRevocationStore({ tableName: tables.revocations, client: tables.doc });
  // One user holds every socket of a size: far above the per-user cap a real deployment keeps.
  const largest = Math.max(...options.sizes);
  const emulator = await startWebSocketEmulator({
    port: 0,
    host: "127.0.0.1",
    maxConnections: largest + 100,
    routes: {
      $connect: {
        handler: createConnectHandler({
          connections,
          revocations,
          tokenSecret: async () => SECRET,
          logger,
          maxConnectionsPerUser: largest,
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
  const streamWith = (framePoster: ManagementApiPoster) =>
    createStreamHandler({ connections, poster: framePoster, events, ledger, lineMode: "off", lineFor: async () => undefined, logger });
  const stream = streamWith(poster);
  // The same clients, once more, behind the round trip that loopback lacks.
  const far = await clients.latencyProxy(endpoint, options.latencyMs);
  const farPoster = new ManagementApiPoster({ endpoint: far });
  const farManagement = new ApiGatewayManagementApiClient({ endpoint: far });
  const farStream = streamWith(farPoster);
  const ceilingServer = new WebSocketServer({ port: 0, host: "127.0.0.1", perMessageDeflate: false });
  await new Promise<void>((resolve) => ceilingServer.once("listening", () => resolve()));
  const ceilingUrl = `ws://127.0.0.1:${(ceilingServer.address() as AddressInfo).port}`;

  let sequence = 1_000_000;
  const rows: FanoutRow[] = [];
  const latencyRows: FanoutLatencyRow[] = [];
  /** Median ms per variant (null when a frame never arrived everywhere) and frames lost. */
  const measure = async <V extends string>(variants: readonly V[], run: (variant: V, seq: number) => Promise<unknown>, size: number) => {
    const times = new Map<V, number[]>(variants.map((v) => [v, []]));
    const lost = Object.fromEntries(variants.map((v) => [v, 0])) as Record<V, number>;
    const timeoutMs = 20_000 + size * 5;
    // One unmeasured round warms the HTTP keep-alive pools and the JIT for every variant.
    for (let rep = -1; rep < options.repetitions; rep++) {
      for (const variant of variants) {
        const seq = sequence++;
        const arrival = clients.receipt(frameIdOf(seq), timeoutMs);
        const start = nowMs();
        try {
          await run(variant, seq);
        } catch (error) {
          // A baseline may fail outright (a reset keep-alive socket under load); its frames count as lost.
          log(`fan-out ${size}, ${variant}: ${String(error)}`);
        }
        const { receipt, complete } = await arrival;
        if (rep < 0) continue;
        if (complete && receipt) times.get(variant)?.push(receipt.last - start);
        else lost[variant] += size - (receipt?.count ?? 0);
      }
    }
    const ms = (variant: V) => {
      const value = median(times.get(variant) ?? []);
      return value === undefined ? null : round1(value);
    };
    return { ms, lost };
  };
  try {
    for (const size of options.sizes) {
      const userId = `fanout-${size}`;
      const token = signToken({ userId, expiresAt: Math.floor(Date.now() / 1000) + 3_600 }, SECRET);
      const group = `emulator-${size}`;
      await clients.connect(group, `${emulator.url.replace("localhost", "127.0.0.1")}/?token=${token}`, size);
      const ids = await connections.listByUser(userId, Math.floor(Date.now() / 1000));
      if (ids.length !== size) throw new Error(`fan-out to ${size}: ${ids.length} connection rows after connecting`);
      await clients.connect(`ceiling-${size}`, ceilingUrl, size);

      const frame = (seq: number) => notificationFrame(likeEventFor(seq, userId));
      const runs: Record<FanoutVariant, (seq: number) => Promise<unknown>> = {
        project: (seq) => stream(likeStreamEvent(seq, userId)),
        sequential: (seq) => sequentialFanout(tables.doc, tables.connections, management, userId, frame(seq)),
        unbounded: (seq) => unboundedFanout(tables.doc, tables.connections, management, frame(seq)),
        transport: (seq) => transportFloor(poster, ids, frame(seq), FANOUT_CONCURRENCY),
        ceiling: async (seq) => rawCeiling(ceilingServer, frame(seq)),
      };
      const { ms, lost } = await measure(fanoutVariants, (variant, seq) => runs[variant](seq), size);
      const row: FanoutRow = {
        connections: size,
        project_ms: ms("project"),
        sequential_ms: ms("sequential"),
        unbounded_ms: ms("unbounded"),
        transport_ms: ms("transport"),
        ceiling_ms: ms("ceiling"),
        lost,
      };
      log(`fan-out ${size}: ${fanoutVariants.map((v) => `${v} ${row[`${v}_ms`]} ms`).join(", ")}; lost ${JSON.stringify(lost)}`);
      rows.push(row);

      if (options.latencySizes.includes(size)) {
        const farRuns: Record<LatencyVariant, (seq: number) => Promise<unknown>> = {
          project: (seq) => farStream(likeStreamEvent(seq, userId)),
          sequential: (seq) => sequentialFanout(tables.doc, tables.connections, farManagement, userId, frame(seq)),
          unbounded: (seq) => unboundedFanout(tables.doc, tables.connections, farManagement, frame(seq)),
          transport: (seq) => transportFloor(farPoster, ids, frame(seq), FANOUT_CONCURRENCY),
        };
        const far = await measure(latencyVariants, (variant, seq) => farRuns[variant](seq), size);
        const latencyRow: FanoutLatencyRow = {
          connections: size,
          latency_ms: options.latencyMs,
          project_ms: far.ms("project"),
          sequential_ms: far.ms("sequential"),
          unbounded_ms: far.ms("unbounded"),
          transport_ms: far.ms("transport"),
          lost: far.lost,
        };
        log(
          `fan-out ${size} at ${options.latencyMs} ms round trip: ${latencyVariants.map((v) => `${v} ${latencyRow[`${v}_ms`]} ms`).join(", ")}; lost ${JSON.stringify(far.lost)}`,
        );
        latencyRows.push(latencyRow);
      }
      await clients.close(`ceiling-${size}`);
      await clients.close(group);
      // $disconnect deletes the rows; the next size's scan-all must not find stale ones.
      await waitFor(async () => ((await connections.listByUser(userId, 0)).length === 0 ? true : undefined), {
        timeoutMs: 30_000,
        intervalMs: 100,
        what: `the connection rows of fan-out ${size} to be removed`,
      });
    }
  } finally {
    ceilingServer.close();
    management.destroy();
    farManagement.destroy();
    await emulator.close();
    tables.client.destroy();
  }
  return { fanout: rows, latency: latencyRows };
}
