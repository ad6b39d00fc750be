/** The shape of bench/results/latest.json. Field names are the issue's; keep them exactly. */
import type { GitHubBenchRow } from "../github/github-rows.ts";

export interface FanoutRow {
  readonly connections: number;
  readonly project_ms: number | null;
  readonly sequential_ms: number | null;
  readonly unbounded_ms: number | null;
  readonly transport_ms: number | null;
  readonly ceiling_ms: number | null;
  /** Frames that never reached a socket, per variant, over every repetition. */
  readonly lost: Readonly<Record<FanoutVariant, number>>;
}

export const fanoutVariants = ["project", "sequential", "unbounded", "transport", "ceiling"] as const;
export type FanoutVariant = (typeof fanoutVariants)[number];

export const latencyVariants = ["project", "sequential", "unbounded", "transport"] as const;
export type LatencyVariant = (typeof latencyVariants)[number];

/** Fan-out with a simulated network round trip on every Management API call (the raw ceiling has none). */
export interface FanoutLatencyRow {
  readonly connections: number;
  readonly latency_ms: number;
  readonly project_ms: number | null;
  readonly sequential_ms: number | null;
  readonly unbounded_ms: number | null;
  readonly transport_ms: number | null;
  readonly lost: Readonly<Record<LatencyVariant, number>>;
}

/** Group broadcast (issue 10): one message to a group whose members hold `connections` in all. */
export interface GroupBroadcastRow {
  readonly members: number;
  readonly connections: number;
  readonly project_ms: number | null;
  readonly sequential_ms: number | null;
  readonly transport_ms: number | null;
  /** Frames that never reached a socket, per variant, over every repetition. */
  readonly lost: Readonly<Record<GroupBroadcastVariant, number>>;
}

export const groupBroadcastVariants = ["project", "sequential", "transport"] as const;
export type GroupBroadcastVariant = (typeof groupBroadcastVariants)[number];

/** Publish API latency (issue 10): `POST /v1/notifications` sent → the frame in the user's tab. */
export interface PublishLatencyRow {
  readonly rate: number;
  readonly duration_s: number;
  readonly p50_ms: number | null;
  readonly p95_ms: number | null;
  readonly p99_ms: number | null;
  readonly max_ms: number | null;
  /** Requests sent, answered 202, and their frames received once, never, or more than once. */
  readonly sent: number;
  readonly accepted: number;
  readonly delivered: number;
  readonly lost: number;
  readonly duplicated: number;
}

export interface E2eRow {
  readonly rate: number;
  readonly p50_ms: number | null;
  readonly p95_ms: number | null;
  readonly p99_ms: number | null;
  readonly max_ms: number | null;
  readonly sent: number;
  readonly delivered: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly duration_s: number;
}

/** One way of noticing likes: measured (hot polls) or simulated with the same like times. */
export interface LikeNoticeRow {
  readonly way: string;
  /** From the like on Qiita to the frame in the tab, for likes on the 100 newest articles. */
  readonly recent_p50_ms: number | null;
  readonly recent_p95_ms: number | null;
  /** The same for likes on older articles (left to the full sweeps). */
  readonly old_p50_ms: number | null;
  readonly old_p95_ms: number | null;
  /** Article list requests an hour: full sweeps, and hot polls' first pages. */
  readonly pages_per_hour: number;
  /** Likes lookups an hour: one per article whose count rose, whichever poll saw it. */
  readonly lookups_per_hour: number;
  /** The wait for the next poll alone, from the same like times. */
  readonly simulated: boolean;
}

export interface LikeNoticeResult {
  readonly duration_s: number;
  readonly idle_s: number;
  readonly likes_recent: number;
  readonly likes_old: number;
  readonly articles: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Hot polls while no tab was connected (before it connected, and after it closed beyond the poll under way). */
  readonly hot_polls_without_tab: number;
  readonly hourly_limit: number;
  readonly budget_share: number;
  readonly rows: readonly LikeNoticeRow[];
}

export interface CollectorRow {
  readonly articles: number;
  readonly changed: number;
  readonly qiita_requests: number;
  readonly read_units: number;
  readonly write_units: number;
  readonly seed_qiita_requests: number;
  readonly seed_read_units: number;
  readonly seed_write_units: number;
  /** Articles the seed way could list at all (Qiita serves at most 100 pages). */
  readonly seed_articles_seen: number;
  readonly monthly_usd: number;
  readonly seed_monthly_usd: number;
}

export interface BundleRow {
  readonly handler: string;
  readonly bytes: number;
  readonly import_ms: number;
  /** The same handler with `@aws-sdk/*` left to the Lambda runtime's copy. */
  readonly runtime_sdk_bytes: number;
  readonly runtime_sdk_import_ms: number;
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memory_gb: number;
  readonly node: string;
  readonly platform: string;
  /** 1, 5 and 15 minute load averages when the run started: other work on the machine skews every figure. */
  readonly load_average: readonly number[];
}

export interface BenchResults {
  readonly date: string;
  readonly mode: "full" | "quick";
  readonly machine: Machine;
  readonly repetitions: number;
  readonly fanout_concurrency: number;
  readonly fanout: readonly FanoutRow[];
  readonly fanout_latency: readonly FanoutLatencyRow[];
  readonly e2e: readonly E2eRow[];
  /** Absent in results from before issue 11. */
  readonly like_notice?: LikeNoticeResult;
  /** Absent in results from before issue 10's bench rows. */
  readonly group_broadcast?: GroupBroadcastRow;
  readonly publish_latency?: PublishLatencyRow;
  readonly collector: readonly CollectorRow[];
  /** Absent in results from before issue 12: one idle GitHub poll per account size (bench/github). */
  readonly github?: readonly GitHubBenchRow[];
  readonly bundles: readonly BundleRow[];
  readonly prices: Readonly<Record<string, unknown>>;
}
