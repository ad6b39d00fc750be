/** The soak's printed result: one line per measure, each saying what it counts. */
import type { ProductionResult } from "./like-producer.ts";
import type { SoakOptions } from "./options.ts";
import type { Percentiles } from "#test/support/statistics.ts";
import type { Tally } from "./protocol.ts";

export interface SoakResult {
  readonly options: SoakOptions;
  readonly production: ProductionResult;
  readonly tally: Tally;
  /** Rows left in the connections table once every client had closed. */
  readonly staleRows: number;
  /** From the last like written to the moment every owed frame had arrived (or the deadline). */
  readonly drainMs: number;
  readonly drained: boolean;
  /** Stream records the poller gave up on after its retries. */
  readonly failedRecords: number;
}

export const LOST_DEFINITION =
  "lost = a like a client should have received (it had first connected by the time the like was written; a " +
  'client that dropped resumes from the last id it holds, or from "0" before it holds one, so it still owes ' +
  "everything after it) but never got, live or via resume.";

export function passed(result: SoakResult): boolean {
  return result.tally.lost === 0 && result.tally.duplicatesAfterDedupe === 0;
}

export function formatReport(result: SoakResult): string {
  const { options, production, tally } = result;
  const seconds = production.elapsedMs / 1000;
  const line = (label: string, value: string, note = "") => `${label.padEnd(34)}${`${value}  `.padEnd(28)}${note}`.trimEnd();
  const ms = (p: Percentiles) => `${[p.p50, p.p95, p.p99, p.max].map((v) => Math.round(v)).join(" / ")} ms`;
  return [
    `live-likes soak: ${tally.clients} connections over ${options.writers} writers × ${options.articlesPerWriter} articles, ` +
      `${options.rate} likes/s for ${options.seconds} s, ${tally.droppingClients} clients dropping (seed ${options.seed})`,
    "",
    line(
      "sent",
      `${production.sent.length} likes`,
      `in ${seconds.toFixed(1)} s (${(production.sent.length / seconds).toFixed(1)}/s), ${production.failedWrites} failed writes`,
    ),
    line("expected", `${tally.expected} frames`, "each like × every client of its writer connected by the time it was written"),
    line("delivered", `${tally.delivered} frames`, "owed frames that arrived, live or by resume"),
    line("lost", String(tally.lost), "owed frames never received (definition below)"),
    line("duplicated (raw, before dedupe)", `${tally.rawDuplicates} frames`, "an id the client had already seen; its dedupe dropped them"),
    line("duplicated (after client dedupe)", String(tally.duplicatesAfterDedupe), "one like kept twice under different ids"),
    line("stale connection rows", String(result.staleRows), "left in the connections table after every client closed"),
    line("delay p50/p95/p99/max", ms(tally.delayMs), "write → first receipt, every owed frame incl. resumed ones"),
    line("  clients that never dropped", ms(tally.steadyDelayMs), "the live path alone"),
    line(
      "drops",
      `${tally.drops} abrupt`,
      `by ${tally.droppingClients} clients; ${tally.resumes} resumes (one per open; ${tally.resumesFromStart} from "0"; ${tally.resumePages} more pages; ` +
        `${tally.resumesRefused} refused and asked again) replayed ${tally.replayed} frames; ` +
        `${tally.errorFrames} error frames; ${tally.reconnectFailures} failed reconnects`,
    ),
    line(
      "pipeline",
      result.drained ? "drained" : "NOT drained",
      `${(result.drainMs / 1000).toFixed(1)} s after the last like; ${result.failedRecords} stream records given up`,
    ),
    line(
      "fan-out throughput",
      `${Math.round(tally.delivered / ((production.elapsedMs + result.drainMs) / 1000))} frames/s`,
      "owed frames over the first like to the drain",
    ),
    ...(tally.lostSamples.length > 0 ? ["", "some lost likes:", ...tally.lostSamples.map((sample) => `  ${sample}`)] : []),
    ...(production.firstError ? ["", `first failed write: ${String(production.firstError)}`] : []),
    "",
    LOST_DEFINITION,
    passed(result)
      ? "RESULT: PASS (0 lost, 0 duplicated after dedupe)"
      : `RESULT: FAIL (${tally.lost} lost, ${tally.duplicatesAfterDedupe} duplicated after dedupe)`,
  ].join("\n");
}
