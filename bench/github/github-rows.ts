/**
 * The GitHub row of `npm run bench` (issue 12): one idle poll of an account with N repositories,
 * ours (If-None-Match per page) against polling without ETags. Pure: the shapes and the table.
 */

/** One way of polling, measured over one idle poll. */
export interface GitHubPollCost {
  /** Requests sent to GitHub. */
  readonly requests: number;
  /** Of those, answered 304 (GitHub does not count them against its 5,000/hour). */
  readonly notModified: number;
  /** DynamoDB read and write capacity units, as DynamoDB reported them. */
  readonly readUnits: number;
  readonly writeUnits: number;
}

export interface GitHubBenchRow {
  readonly repositories: number;
  readonly ours: GitHubPollCost;
  readonly withoutEtags: GitHubPollCost;
}

/** GitHub's hourly budget for a personal access token. */
export const GITHUB_HOURLY_LIMIT = 5_000;

/** Requests of one poll that count against GitHub's limit. */
export const counted = (cost: GitHubPollCost): number => cost.requests - cost.notModified;

/** How many such polls an hour fit GitHub's budget ("unlimited" when a poll costs nothing). */
export function pollsPerHour(cost: GitHubPollCost): number | "unlimited" {
  const spent = counted(cost);
  return spent === 0 ? "unlimited" : Math.floor(GITHUB_HOURLY_LIMIT / spent);
}

/** The bench report's section: one line per account size. */
export function githubMarkdown(rows: readonly GitHubBenchRow[]): string[] {
  const cell = (cost: GitHubPollCost) =>
    `${cost.requests} (${cost.notModified} × 304) | ${counted(cost)} | ${cost.readUnits} / ${cost.writeUnits} | ${pollsPerHour(cost).toLocaleString("en-US")}`;
  return [
    "## GitHub stars: one idle poll",
    "",
    "Requests sent, how many were 304, how many count against GitHub's 5,000/hour, DynamoDB read / write units, and how many idle polls an hour the budget allows — ours (If-None-Match per page of /user/repos, ETags kept in the repositories table) against polling without ETags (every page 200, the stored repositories read to compare).",
    "",
    "| repositories | ours: requests | counted | RCU / WCU | polls/h | without ETags: requests | counted | RCU / WCU | polls/h |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map((row) => `| ${row.repositories.toLocaleString("en-US")} | ${cell(row.ours)} | ${cell(row.withoutEtags)} |`),
    "",
  ];
}
