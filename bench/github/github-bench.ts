/**
 * GitHub collector cost of one idle poll (after the baseline) of accounts of several sizes, on the
 * stand-in GitHub and DynamoDB Local: ours (collect-stars, If-None-Match per page) against polling
 * without ETags (every page read 200 and the stored repositories read to compare). Requests are
 * counted at the stand-in, capacity units as DynamoDB reports them.
 */
import { DynamoDbRepositoryStore } from "#adapters/dynamodb/dynamodb-repository-store.ts";
import { GitHubClient } from "#adapters/github/github-client.ts";
import { PollPause } from "#domain/collector/poll-pause.ts";
import { collectStars } from "#domain/github/collect-stars.ts";
import { FakeGitHubServer } from "#test/fakes/fake-github-server.ts";
import { createBenchTables } from "../support/bench-tables.ts";
import type { GitHubBenchRow, GitHubPollCost } from "./github-rows.ts";

export interface GitHubBenchOptions {
  readonly dynamodbEndpoint: string;
  readonly sizes: readonly number[];
  readonly log: (line: string) => void;
}

export async function benchGitHub(options: GitHubBenchOptions): Promise<GitHubBenchRow[]> {
  const rows: GitHubBenchRow[] = [];
  for (const size of options.sizes) {
    // The budget is not what is measured here: a high one keeps every request of the run answered.
    const github = await FakeGitHubServer.start({ rateLimit: 1_000_000 });
    try {
      github.addUser("bench-coder", "bench-token");
      github.addRepos("bench-coder", size, { stars: 3 });
      const tables = await createBenchTables(options.dynamodbEndpoint, "github");
      const store = new DynamoDbRepositoryStore({ tableName: tables.repositories, client: tables.doc });
      const source = new GitHubClient({ token: "bench-token", baseUrl: github.baseUrl });
      const pause = new PollPause();
      const measure = async (poll: () => Promise<unknown>): Promise<GitHubPollCost> => {
        github.resetRequestCounts();
        const before = store.consumedCapacity();
        await poll();
        const after = store.consumedCapacity();
        return {
          requests: github.requests("/"),
          notModified: github.requests("/", 304),
          readUnits: round(after.readUnits - before.readUnits),
          writeUnits: round(after.writeUnits - before.writeUnits),
        };
      };
      const ours = () => collectStars({ userId: "bench-user", source, store, pause });
      // The baseline, then one poll that settles the list's pages (a full last page is probed once).
      await ours();
      await ours();
      const oursCost = await measure(ours);
      const withoutEtags = await measure(async () => {
        await source.listRepositories([]);
        await store.load("bench-user");
      });
      rows.push({ repositories: size, ours: oursCost, withoutEtags });
      options.log(
        `github ${size} repositories: ours ${oursCost.requests} requests (${oursCost.notModified} × 304), ${oursCost.writeUnits} WCU; without ETags ${withoutEtags.requests} requests, ${withoutEtags.readUnits} RCU`,
      );
    } finally {
      await github.close();
    }
  }
  return rows;
}

function round(units: number): number {
  return Math.round(units * 10) / 10;
}
