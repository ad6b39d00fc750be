/**
 * $default ─▶ answer the client's frame: ping → pong; resume → the resume use case
 * (src/domain/resume.ts), then the sources' status; status → the sources' status; stats → the
 * user's daily numbers (src/domain/stats/read-stats.ts); preferences → the user's own channel
 * choices, changed first with `set` (src/domain/preferences/update-preferences.ts); anything else
 * → an error frame. The connection always stays open.
 *
 * Why the status rides on resume: API Gateway cannot post to a connection from its own $connect,
 * and every client of the page sends a resume as soon as it is open, so the first answer it gets
 * after connecting carries the status, on AWS as on the laptop. wscat users ask with
 * `{"action":"status"}`.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import type { SourceHealthReader } from "#domain/collector/source-health.ts";
import { errorFrame, parseClientFrame, pongFrame, preferencesFrame, statusFrame } from "#domain/frames.ts";
import { type PreferencePorts, readPreferences, updatePreferences } from "#domain/preferences/update-preferences.ts";
import { type ResumePorts, resume } from "#domain/resume.ts";
import { type ReadStatsPorts, readStats } from "#domain/stats/read-stats.ts";
import type { WebSocketEvent, WebSocketResult } from "./websocket-event.ts";

export interface DefaultDeps extends ResumePorts {
  readonly logger: Logger;
  /** Absent: resume sends no status, and `{"action":"status"}` answers an empty list. */
  readonly sourceHealth?: SourceHealthReader;
  /** The daily rollups `{"action":"stats"}` reads; absent: it answers an error frame. */
  readonly stats?: Omit<ReadStatsPorts, "connections">;
  /** Each person's channel choices; absent: `{"action":"preferences"}` answers an error frame. */
  readonly preferences?: PreferencePorts;
}

export function createDefaultHandler(deps: DefaultDeps) {
  const statusOf = async (userId: string) => statusFrame((await deps.sourceHealth?.statuses(userId)) ?? []);
  return async (event: WebSocketEvent): Promise<WebSocketResult> => {
    const connectionId = event.requestContext.connectionId;
    const request = parseClientFrame(event.body);
    switch (request.action) {
      case "ping":
        return { statusCode: 200, body: pongFrame() };
      case "invalid":
        return { statusCode: 200, body: errorFrame(request.message) };
      case "stats": {
        if (!deps.stats) return { statusCode: 200, body: errorFrame("stats are not kept by this server") };
        const answer = await readStats(connectionId, request.days, { connections: deps.connections, ...deps.stats });
        if (answer.outcome === "unknown-connection") return { statusCode: 200, body: errorFrame("unknown connection: reconnect") };
        return { statusCode: 200, body: answer.frame };
      }
      case "preferences": {
        if (!deps.preferences) return { statusCode: 200, body: errorFrame("preferences are not kept by this server") };
        // The connection's own user only: the token decided who that is at connect.
        const connection = await deps.connections.get(connectionId);
        if (!connection) return { statusCode: 200, body: errorFrame("unknown connection: reconnect") };
        const answer =
          request.set === undefined
            ? await readPreferences(connection.userId, deps.preferences)
            : await updatePreferences(connection.userId, request.set, deps.preferences);
        if (!answer.ok) return { statusCode: 200, body: errorFrame(answer.message) };
        if (request.set !== undefined) deps.logger.info("preferences changed", { connectionId, userId: connection.userId });
        return { statusCode: 200, body: preferencesFrame(answer.preferences) };
      }
      case "status": {
        const connection = await deps.connections.get(connectionId);
        if (!connection) return { statusCode: 200, body: errorFrame("unknown connection: reconnect") };
        return { statusCode: 200, body: await statusOf(connection.userId) };
      }
      case "resume": {
        const answer = await resume(connectionId, request.since, deps);
        if (answer.outcome === "gone") return { statusCode: 200 };
        if (answer.outcome === "resumed") {
          deps.logger.info("resumed", { connectionId, userId: answer.userId, count: answer.count });
          if (deps.sourceHealth && (await deps.poster.post(connectionId, await statusOf(answer.userId))) === "gone") {
            await deps.connections.remove(connectionId);
            return { statusCode: 200 };
          }
        }
        return { statusCode: 200, body: answer.frame };
      }
    }
  };
}
