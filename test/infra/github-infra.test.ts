/**
 * The deployed GitHub stars (issue 12): the repositories table from its shared definition, kept and
 * backed up; the stream function's third event source on its stream with the likes' filter; the
 * collector's grants on it (Query, PutItem, DeleteItem, GetItem/UpdateItem for the `#account` item's health) and on the github-token
 * parameter alone; and which records that filter lets through, as the collector writes them.
 */
import { marshall } from "@aws-sdk/util-dynamodb";
import { Template } from "aws-cdk-lib/assertions";
import type { DynamoDBRecord } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { articleChangeFromRecord } from "#adapters/dynamodb/stream-record.ts";
import { planStars, toStoredRepository } from "#domain/github/plan-stars.ts";
import type { Repository, StoredRepository } from "#domain/github/repository.ts";
import { starEventFromChange } from "#domain/star-events.ts";
import { NOTIFYING_RECORDS } from "../../infra/stateless-stack.ts";
import { matches, type Pattern } from "./event-filter.ts";
import { actionsOf, logicalId, statementsOfFunction, testApp } from "./test-app.ts";

describe("GitHub stars deployed", () => {
  let stateful: Template;
  let stateless: Template;
  let ids: { repositories: string; collect: string; stream: string };

  beforeAll(() => {
    const app = testApp();
    stateful = Template.fromStack(app.stateful);
    stateless = Template.fromStack(app.stateless);
    ids = {
      repositories: logicalId(app.stateful.repositories.table),
      collect: logicalId(app.stateless.functions.collect),
      stream: logicalId(app.stateless.functions.stream),
    };
  });

  it("builds the repositories table: userId + repo, NEW_AND_OLD_IMAGES, retained, backed up, protected", () => {
    const table = stateful.toJSON().Resources[ids.repositories];

    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: "userId", KeyType: "HASH" },
      { AttributeName: "repo", KeyType: "RANGE" },
    ]);
    expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: "NEW_AND_OLD_IMAGES" });
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe("Retain");
  });

  it("gives the stream function a third event source on the repositories stream, filtered like the articles'", () => {
    const mapping = Object.values(stateless.findResources("AWS::Lambda::EventSourceMapping")).find((candidate) =>
      JSON.stringify(candidate.Properties.EventSourceArn).includes("Repositories"),
    );

    expect(mapping?.Properties).toMatchObject({
      FunctionName: { Ref: ids.stream },
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      StartingPosition: "LATEST",
      FilterCriteria: { Filters: [{ Pattern: NOTIFYING_RECORDS.pattern }] },
    });
  });

  it("lets the collector Query, PutItem, DeleteItem (and GetItem/UpdateItem for `#account`) on the repositories table only, and read the github-token parameter", () => {
    const statements = statementsOfFunction(stateless, ids.collect);
    const onRepositories = statements.filter((statement) => JSON.stringify(statement.Resource).includes("Repositories"));
    const environment = stateless.toJSON().Resources[ids.collect].Properties.Environment.Variables;

    expect(onRepositories.flatMap(actionsOf).sort()).toEqual([
      "dynamodb:DeleteItem",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
    ]);
    expect(JSON.stringify(onRepositories.map((statement) => statement.Resource))).not.toContain("/index/");
    expect(environment.GITHUB_TOKEN_PARAMETER).toBe("/live-likes/github-token");
    expect(environment.REPOSITORIES_TABLE).toBeDefined();
    const ssm = statements.filter((statement) => actionsOf(statement).includes("ssm:GetParameter"));
    expect(JSON.stringify(ssm)).toContain("github-token");
  });

  it("gives no other function the github-token parameter", () => {
    const functions = Object.keys(stateless.findResources("AWS::Lambda::Function")).filter((id) => id !== ids.collect);

    for (const id of functions) {
      expect(JSON.stringify(statementsOfFunction(stateless, id))).not.toContain("github-token");
    }
  });
});

/** The `health` map as the collector writes it on `#account` (a count of failures among its fields). */
const HEALTH_FAILING = { name: "github", state: "failing", since: 1, retryAt: 2, message: "GitHub unreachable", failures: 1 };
const HEALTH_OK = { name: "github", state: "ok", since: 3, message: "ok", failures: 0 };

describe("the repositories stream's filter", () => {
  const pattern = JSON.parse(NOTIFYING_RECORDS.pattern as string) as Pattern;
  let sequence = 100;
  const image = (item: object | undefined) => (item ? (marshall(item, { removeUndefinedValues: true }) as never) : undefined);
  const record = (eventName: "INSERT" | "MODIFY", next: object, previous?: object): DynamoDBRecord => ({
    eventName,
    eventSource: "aws:dynamodb",
    dynamodb: {
      Keys: image({ userId: "alice", repo: "alice/hello" }),
      NewImage: image(next),
      OldImage: image(previous),
      SequenceNumber: String(++sequence),
      StreamViewType: "NEW_AND_OLD_IMAGES",
      ApproximateCreationDateTime: 1_700_000_000,
    },
  });
  const repository = (stargazersCount: number): Repository => ({
    repo: "alice/hello",
    url: "https://github.com/alice/hello",
    stargazersCount,
  });
  /** What the collector writes for `fresh` given what was stored. */
  const written = (fresh: Repository, stored: StoredRepository | undefined, baselined: boolean): StoredRepository => {
    const plan = planStars({ baselined, repositories: new Map(stored ? [[stored.repo, stored]] : []) }, [fresh]);
    const [change] = plan.changes;
    const fetched = change!.delta > 0 ? Array.from({ length: change!.delta }, (_, n) => `fan${n}`) : undefined;
    return toStoredRepository("alice", change!, plan.baseline, fetched, 1_700_000_000_000);
  };
  const baseline = written(repository(4), undefined, false);
  const stored = { ...baseline, baseline: undefined } as unknown as StoredRepository;

  it.each([
    ["a baseline INSERT", record("INSERT", baseline)],
    ["an INSERT after the baseline, with stars", record("INSERT", written(repository(3), undefined, true))],
    ["an INSERT after the baseline, without stars", record("INSERT", written(repository(0), undefined, true))],
    ["a MODIFY whose count rose", record("MODIFY", written(repository(6), stored, true), stored)],
    ["an unstar", record("MODIFY", written(repository(3), stored, true), stored)],
    ["a list page item", record("INSERT", { userId: "alice", repo: "#page#0001", etag: 'W/"x"', repos: ["alice/hello"], hasNext: false })],
    ["the account item", record("INSERT", { userId: "alice", repo: "#account", baselinedAt: 1 })],
    // GitHub's health (src/adapters/dynamodb/dynamodb-source-health.ts): first recorded, then changed.
    ["the account item's first health", record("INSERT", { userId: "alice", repo: "#account", health: HEALTH_FAILING })],
    [
      "a change of GitHub's health",
      record(
        "MODIFY",
        { userId: "alice", repo: "#account", baselinedAt: 1, health: HEALTH_OK },
        { userId: "alice", repo: "#account", baselinedAt: 1, health: HEALTH_FAILING },
      ),
    ],
  ])("passes %s exactly when the handler makes a star of it", (_name, streamRecord) => {
    const star = starEventFromChange(articleChangeFromRecord(streamRecord));

    expect(matches(pattern, streamRecord)).toBe(star !== null);
  });
});
