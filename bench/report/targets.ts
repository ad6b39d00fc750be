/** The targets, checked against one run's results. */
import type { BenchResults } from "./results.ts";

export interface TargetCheck {
  readonly target: string;
  /** undefined when the run did not measure it (a --quick run skips some sizes). */
  readonly reached: boolean | undefined;
  readonly detail: string;
}

const MAX_BUNDLE_BYTES = 200 * 1024;
const MAX_IMPORT_MS = 60;

export function checkTargets(results: BenchResults): TargetCheck[] {
  const at1000 = results.fanout.find((row) => row.connections === 1000);
  const at5000 = results.fanout.find((row) => row.connections === 5000);
  const e2e100 = results.e2e.find((row) => row.rate === 100);
  const idle = results.collector.filter((row) => row.changed === 0);
  const checks: TargetCheck[] = [];

  if (
    at1000 &&
    at1000.project_ms !== null &&
    at1000.sequential_ms !== null &&
    at1000.unbounded_ms !== null &&
    at1000.transport_ms !== null
  ) {
    const p = at1000.project_ms;
    checks.push({
      target: "Fan-out to 1,000: ≥ 10× faster than sequential",
      reached: at1000.sequential_ms / p >= 10,
      detail: `${ratio(at1000.sequential_ms / p)} (${at1000.sequential_ms} ms vs ${p} ms)`,
    });
    checks.push({
      target: "Fan-out to 1,000: faster than unbounded",
      reached: p < at1000.unbounded_ms,
      detail: `${p} ms vs ${at1000.unbounded_ms} ms`,
    });
    checks.push({
      target: "Fan-out to 1,000: within 1.5× of the transport floor",
      reached: p / at1000.transport_ms <= 1.5,
      detail: `${ratio(p / at1000.transport_ms)} of ${at1000.transport_ms} ms`,
    });
  } else checks.push({ target: "Fan-out to 1,000", reached: undefined, detail: "not measured in this run" });
  const far1000 = results.fanout_latency.find((row) => row.connections === 1000);
  if (far1000 && far1000.project_ms !== null && far1000.sequential_ms !== null && far1000.unbounded_ms !== null) {
    const p = far1000.project_ms;
    checks.push({
      target: `Fan-out to 1,000 at a ${far1000.latency_ms} ms round trip: ≥ 10× faster than sequential`,
      reached: far1000.sequential_ms / p >= 10,
      detail: `${ratio(far1000.sequential_ms / p)} (${far1000.sequential_ms} ms vs ${p} ms)`,
    });
    checks.push({
      target: `Fan-out to 1,000 at a ${far1000.latency_ms} ms round trip: faster than unbounded`,
      reached: p < far1000.unbounded_ms,
      detail: `${p} ms vs ${far1000.unbounded_ms} ms`,
    });
  }

  checks.push(
    at5000
      ? {
          target: "Fan-out to 5,000 completes with nothing lost",
          reached: at5000.project_ms !== null && at5000.lost.project === 0,
          detail: `${at5000.project_ms ?? "—"} ms, ${at5000.lost.project} lost`,
        }
      : { target: "Fan-out to 5,000 completes with nothing lost", reached: undefined, detail: "not measured in this run" },
  );

  checks.push(
    e2e100
      ? {
          target: "End-to-end at 100 changes/s: p99 ≤ 250 ms, 0 lost, 0 duplicated",
          reached: e2e100.p99_ms !== null && e2e100.p99_ms <= 250 && e2e100.lost === 0 && e2e100.duplicated === 0,
          detail: `p99 ${e2e100.p99_ms} ms, ${e2e100.lost} lost, ${e2e100.duplicated} duplicated`,
        }
      : { target: "End-to-end at 100 changes/s", reached: undefined, detail: "not measured in this run" },
  );

  const broadcast = results.group_broadcast;
  checks.push(
    broadcast
      ? {
          target: `Group broadcast to ${broadcast.connections.toLocaleString("en-US")} connections completes with nothing lost`,
          reached: broadcast.project_ms !== null && broadcast.lost.project === 0,
          detail: `${broadcast.project_ms ?? "—"} ms, ${broadcast.lost.project} lost; sequential ${broadcast.sequential_ms ?? "—"} ms`,
        }
      : { target: "Group broadcast", reached: undefined, detail: "not measured in this run" },
  );
  const published = results.publish_latency;
  checks.push(
    published
      ? {
          target: `Publish API at ${published.rate} requests/s: every request accepted, its frame received once`,
          reached: published.accepted === published.sent && published.lost === 0 && published.duplicated === 0,
          detail: `p50 ${published.p50_ms ?? "—"} ms, p99 ${published.p99_ms ?? "—"} ms; ${published.accepted} of ${published.sent} accepted, ${published.lost} lost, ${published.duplicated} twice`,
        }
      : { target: "Publish API latency", reached: undefined, detail: "not measured in this run" },
  );

  const notice = results.like_notice;
  const hot = notice?.rows.find((row) => !row.simulated);
  if (notice && hot) {
    checks.push({
      target: "Like → notice on recent articles: p50 ≤ 10 s, p95 ≤ 20 s, nothing lost or twice",
      reached:
        hot.recent_p50_ms !== null &&
        hot.recent_p95_ms !== null &&
        hot.recent_p50_ms <= 10_000 &&
        hot.recent_p95_ms <= 20_000 &&
        notice.lost === 0 &&
        notice.duplicated === 0,
      detail: `p50 ${hot.recent_p50_ms} ms, p95 ${hot.recent_p95_ms} ms, ${notice.lost} lost, ${notice.duplicated} twice`,
    });
    checks.push({
      target: "Like → notice: polling (sweeps and hot polls) ≤ 50 % of Qiita's budget",
      reached: hot.pages_per_hour <= notice.hourly_limit * 0.5,
      detail: `${hot.pages_per_hour} pages an hour of ${notice.hourly_limit}, plus ${hot.lookups_per_hour} likes lookups an hour`,
    });
    checks.push({
      target: "Like → notice: 0 hot polls while no tab is connected",
      reached: notice.hot_polls_without_tab === 0,
      detail: `${notice.hot_polls_without_tab}`,
    });
  } else checks.push({ target: "Like → notice", reached: undefined, detail: "not measured in this run" });

  const idleMisses = idle.filter((row) => row.qiita_requests !== Math.ceil(row.articles / 100) || row.write_units !== 0);
  checks.push({
    target: "Collector, nothing changed: ceil(articles/100) Qiita requests, 0 write units",
    reached: idle.length === 0 ? undefined : idleMisses.length === 0,
    detail: idle.map((row) => `${row.articles}: ${row.qiita_requests} req, ${row.write_units} WRU`).join("; "),
  });

  const heavy = results.bundles.filter((row) => row.bytes > MAX_BUNDLE_BYTES);
  const slow = results.bundles.filter((row) => row.import_ms > MAX_IMPORT_MS);
  checks.push({
    target: "Every handler bundle ≤ 200 KB",
    reached: results.bundles.length === 0 ? undefined : heavy.length === 0,
    detail: `largest ${kb(Math.max(0, ...results.bundles.map((row) => row.bytes)))}`,
  });
  checks.push({
    target: "Every handler imports in ≤ 60 ms",
    reached: results.bundles.length === 0 ? undefined : slow.length === 0,
    detail: `slowest ${Math.max(0, ...results.bundles.map((row) => row.import_ms))} ms`,
  });
  return checks;
}

export const ratio = (value: number): string => `${value.toFixed(value >= 10 ? 0 : 1)}×`;
export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;
