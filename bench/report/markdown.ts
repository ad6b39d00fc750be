/** bench/results/latest.md: the machine, one table per measurement, and the targets. */
import { githubMarkdown } from "../github/github-rows.ts";
import {
  type BenchResults,
  fanoutVariants,
  type GroupBroadcastRow,
  groupBroadcastVariants,
  type LikeNoticeResult,
  type PublishLatencyRow,
} from "./results.ts";
import { checkTargets, kb, ratio } from "./targets.ts";

const cell = (value: number | null | undefined): string => (value === null || value === undefined ? "—" : String(value));
const usd = (value: number): string => `$${value.toFixed(value < 1 ? 4 : 2)}`;

export function renderMarkdown(results: BenchResults): string {
  const m = results.machine;
  const lines: string[] = [];
  lines.push(`# Benchmark results (${results.mode} run, ${results.date})`);
  lines.push("");
  lines.push(
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memory_gb} GB, Node ${m.node}, ${m.platform}; load average ${m.load_average.join(" / ")} at the start.`,
  );
  lines.push(`Fan-out medians of ${results.repetitions} runs after one warm-up; stream handler concurrency ${results.fanout_concurrency}.`);
  lines.push("");
  lines.push("## Fan-out: one like to N connections (ms to the last frame received)");
  lines.push("");
  lines.push("| N | live-likes | sequential | scan + Promise.all | transport floor | raw ws.send | vs sequential | vs floor | lost |");
  lines.push("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const row of results.fanout) {
    const p = row.project_ms;
    const vsSeq = p && row.sequential_ms ? ratio(row.sequential_ms / p) : "—";
    const vsFloor = p && row.transport_ms ? ratio(p / row.transport_ms) : "—";
    const lost = fanoutVariants.reduce((sum, v) => sum + row.lost[v], 0);
    lines.push(
      `| ${row.connections.toLocaleString("en-US")} | ${cell(p)} | ${cell(row.sequential_ms)} | ${cell(row.unbounded_ms)} | ${cell(row.transport_ms)} | ${cell(row.ceiling_ms)} | ${vsSeq} | ${vsFloor} | ${lost} |`,
    );
  }
  lines.push("");
  if (results.fanout_latency.length > 0) {
    lines.push("");
    lines.push("The same, with every Management API call held for a simulated round trip (a proxy in the client process):");
    lines.push("");
    lines.push("| N | round trip | live-likes | sequential | scan + Promise.all | transport floor | vs sequential | vs floor | lost |");
    lines.push("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const row of results.fanout_latency) {
      const p = row.project_ms;
      const lost = Object.values(row.lost).reduce((sum, n) => sum + n, 0);
      lines.push(
        `| ${row.connections.toLocaleString("en-US")} | ${row.latency_ms} ms | ${cell(p)} | ${cell(row.sequential_ms)} | ${cell(row.unbounded_ms)} | ${cell(row.transport_ms)} | ${p && row.sequential_ms ? ratio(row.sequential_ms / p) : "—"} | ${p && row.transport_ms ? ratio(p / row.transport_ms) : "—"} | ${lost} |`,
      );
    }
  }
  lines.push("");
  lines.push("![fan-out chart](latest.svg)");
  lines.push("");
  lines.push("## End-to-end: count written → frame received");
  lines.push("");
  lines.push("| changes/s | seconds | p50 ms | p95 ms | p99 ms | max ms | sent | delivered | lost | duplicated |");
  lines.push("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const row of results.e2e) {
    lines.push(
      `| ${row.rate} | ${row.duration_s} | ${cell(row.p50_ms)} | ${cell(row.p95_ms)} | ${cell(row.p99_ms)} | ${cell(row.max_ms)} | ${row.sent} | ${row.delivered} | ${row.lost} | ${row.duplicated} |`,
    );
  }
  lines.push("");
  if (results.group_broadcast) lines.push(...groupBroadcastMarkdown(results.group_broadcast));
  if (results.publish_latency) lines.push(...publishLatencyMarkdown(results.publish_latency));
  if (results.like_notice) lines.push(...likeNoticeMarkdown(results.like_notice));
  lines.push("## Collector: one poll after the baseline");
  lines.push("");
  lines.push(
    "| articles | changed | Qiita requests | read units | write units | seed requests | seed read units | seed write units | seed saw | $/month | seed $/month |",
  );
  lines.push("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const row of results.collector) {
    lines.push(
      `| ${row.articles.toLocaleString("en-US")} | ${row.changed} | ${row.qiita_requests} | ${row.read_units} | ${row.write_units} | ${row.seed_qiita_requests} | ${row.seed_read_units} | ${row.seed_write_units} | ${row.seed_articles_seen.toLocaleString("en-US")} | ${usd(row.monthly_usd)} | ${usd(row.seed_monthly_usd)} |`,
    );
  }
  lines.push("");
  lines.push(
    `Monthly: a poll every 5 minutes (${(730 * 12).toLocaleString("en-US")} polls), DynamoDB on-demand request units plus one Lambda request per poll, ${results.prices.region as string} list prices of ${results.prices.source_date as string} (bench/collector/prices.ts; verify before quoting).`,
  );
  lines.push("");
  if (results.github) lines.push(...githubMarkdown(results.github));
  lines.push("## Bundles (esbuild as infra/ bundles them)");
  lines.push("");
  lines.push("| handler | bytes | import ms | with the runtime's SDK: bytes | import ms |");
  lines.push("| --- | ---: | ---: | ---: | ---: |");
  for (const row of results.bundles) {
    lines.push(
      `| ${row.handler} | ${row.bytes.toLocaleString("en-US")} (${kb(row.bytes)}) | ${row.import_ms} | ${row.runtime_sdk_bytes.toLocaleString("en-US")} (${kb(row.runtime_sdk_bytes)}) | ${row.runtime_sdk_import_ms} |`,
    );
  }
  lines.push("");
  lines.push("## Targets");
  lines.push("");
  lines.push("| target | reached | measured |");
  lines.push("| --- | :---: | --- |");
  for (const check of checkTargets(results)) {
    const mark = check.reached === undefined ? "not measured" : check.reached ? "yes" : "**no**";
    lines.push(`| ${check.target} | ${mark} | ${check.detail} |`);
  }
  lines.push("");
  return lines.join("\n");
}

/** The like → notice section (issue 11), also printed alone by `npm run bench -- --only like-notice`. */
export function likeNoticeMarkdown(notice: LikeNoticeResult): string[] {
  const lines: string[] = [];
  const seconds = (ms: number | null) => (ms === null ? "—" : (ms / 1000).toFixed(1));
  lines.push("## Like → notice: a like on Qiita → its frame in the tab");
  lines.push("");
  lines.push(
    `One tab for ${notice.duration_s} s, ${notice.likes_recent + notice.likes_old} likes at random times (${notice.likes_recent} on the 100 newest of ${notice.articles} articles, ${notice.likes_old} on older ones), \`npm start\`'s defaults: sweeps every 60 s, hot polls within ${notice.budget_share * 100} % of ${notice.hourly_limit.toLocaleString("en-US")} requests an hour. The other ways are simulated with the same like times (the wait for their next poll alone, over every phase of their polls). Pages are what polling spends, held within the share; likes lookups follow the likes (one per article whose count rose, whichever poll saw it), so a bench's dense likes inflate them for every way alike.`,
  );
  lines.push("");
  lines.push("| way | recent p50 s | recent p95 s | old p50 s | old p95 s | Qiita pages/h | likes lookups/h |");
  lines.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const row of notice.rows) {
    lines.push(
      `| ${row.way}${row.simulated ? " (simulated)" : ""} | ${seconds(row.recent_p50_ms)} | ${seconds(row.recent_p95_ms)} | ${seconds(row.old_p50_ms)} | ${seconds(row.old_p95_ms)} | ${row.pages_per_hour} | ${row.lookups_per_hour} |`,
    );
  }
  lines.push("");
  lines.push(
    `Lost ${notice.lost}, notified twice ${notice.duplicated}; hot polls while no tab was connected (${notice.idle_s} s before, ${notice.idle_s} s after): ${notice.hot_polls_without_tab}.`,
  );
  lines.push("");
  return lines;
}

/** The group broadcast section (issue 10), also printed alone by `npm run bench -- --only group-broadcast`. */
export function groupBroadcastMarkdown(row: GroupBroadcastRow): string[] {
  const p = row.project_ms;
  const lost = groupBroadcastVariants.reduce((sum, v) => sum + row.lost[v], 0);
  return [
    "## Group broadcast: one message to a group (ms to the last frame received)",
    "",
    `${row.members.toLocaleString("en-US")} members with ${(row.connections / row.members).toLocaleString("en-US")} sockets each, real \`ws\` clients on the WebSocket emulator; the stream handler called in process with the notifications table's INSERT record of the group item (the stream poller's wait left out), against member after member, post after post (sequential: the same Query per member, but no resume log and no deliveries ledger, so neither resume nor exactly once), and the same frames posted to connection ids known in advance with no DynamoDB work (transport floor).`,
    "",
    "| members | connections | live-likes | sequential | transport floor | vs sequential | vs floor | lost |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    `| ${row.members.toLocaleString("en-US")} | ${row.connections.toLocaleString("en-US")} | ${cell(p)} | ${cell(row.sequential_ms)} | ${cell(row.transport_ms)} | ${p && row.sequential_ms ? ratio(row.sequential_ms / p) : "—"} | ${p && row.transport_ms ? ratio(p / row.transport_ms) : "—"} | ${lost} |`,
    "",
  ];
}

/** The publish API latency section (issue 10), also printed alone by `npm run bench -- --only publish-latency`. */
export function publishLatencyMarkdown(row: PublishLatencyRow): string[] {
  return [
    "## Publish API: `POST /v1/notifications` sent → frame received",
    "",
    "One user with one open socket, the whole `npm start` runtime with its defaults (the notifications stream polled every 250 ms when idle).",
    "",
    "| requests/s | seconds | p50 ms | p95 ms | p99 ms | max ms | sent | accepted | delivered | lost | duplicated |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    `| ${row.rate} | ${row.duration_s} | ${cell(row.p50_ms)} | ${cell(row.p95_ms)} | ${cell(row.p99_ms)} | ${cell(row.max_ms)} | ${row.sent} | ${row.accepted} | ${row.delivered} | ${row.lost} | ${row.duplicated} |`,
    "",
  ];
}
