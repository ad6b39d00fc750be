/** A small, complete results object for the report tests. */
import type { BenchResults } from "../../../bench/report/results.ts";

const none = { project: 0, sequential: 0, unbounded: 0, transport: 0, ceiling: 0 };

export function sampleResults(): BenchResults {
  return {
    date: "2026-11-21T00:00:00.000Z",
    mode: "full",
    machine: { cpu: "Test CPU", cores: 2, memory_gb: 8, node: "v20.0.0", platform: "linux", load_average: [0.5, 0.4, 0.3] },
    repetitions: 3,
    fanout_concurrency: 64,
    fanout: [
      { connections: 10, project_ms: 5, sequential_ms: 20, unbounded_ms: 6, transport_ms: 4, ceiling_ms: 1, lost: none },
      { connections: 1000, project_ms: 100, sequential_ms: 1500, unbounded_ms: 120, transport_ms: 80, ceiling_ms: 10, lost: none },
      {
        connections: 5000,
        project_ms: 400,
        sequential_ms: 7000,
        unbounded_ms: null,
        transport_ms: 350,
        ceiling_ms: 40,
        lost: { ...none, unbounded: 12 },
      },
    ],
    fanout_latency: [
      {
        connections: 1000,
        latency_ms: 10,
        project_ms: 300,
        sequential_ms: 12000,
        unbounded_ms: 350,
        transport_ms: 250,
        lost: { project: 0, sequential: 0, unbounded: 0, transport: 0 },
      },
    ],
    e2e: [
      { rate: 100, p50_ms: 80, p95_ms: 200, p99_ms: 240, max_ms: 260, sent: 3000, delivered: 3000, lost: 0, duplicated: 0, duration_s: 30 },
    ],
    collector: [
      {
        articles: 1000,
        changed: 0,
        qiita_requests: 10,
        read_units: 23,
        write_units: 0,
        seed_qiita_requests: 50,
        seed_read_units: 0,
        seed_write_units: 1000,
        seed_articles_seen: 1000,
        monthly_usd: 0.03,
        seed_monthly_usd: 5.5,
      },
    ],
    bundles: [{ handler: "stream", bytes: 300 * 1024, import_ms: 45, runtime_sdk_bytes: 80 * 1024, runtime_sdk_import_ms: 120 }],
    prices: { region: "us-east-1", source_date: "2026-11-21" },
  };
}
