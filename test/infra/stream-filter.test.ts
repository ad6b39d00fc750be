/**
 * The stream event source's FilterCriteria must let through exactly the records the stream handler
 * turns into a like. Records are built the way the collector writes them (planPoll +
 * toStoredArticle), filtered by a small evaluator of the pattern subset the filter uses
 * (value lists, `numeric`, `exists`, as Lambda event filtering documents them), and compared
 * with what the handler's own decoding (articleChangeFromRecord + likeEventFromChange) says.
 */
import { describe, expect, it } from "vitest";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { articleChangeFromRecord } from "#adapters/dynamodb/stream-record.ts";
import { planPoll, toStoredArticle } from "#domain/collector/plan-poll.ts";
import { likeEventFromChange } from "#domain/like-events.ts";
import type { Article, StoredArticle } from "#domain/model.ts";
import { NOTIFYING_RECORDS } from "../../infra/stateless-stack.ts";
import { matches, type Pattern } from "./event-filter.ts";

const pattern = JSON.parse(NOTIFYING_RECORDS.pattern as string) as Pattern;
let sequence = 100;

function record(eventName: "INSERT" | "MODIFY" | "REMOVE", next?: object, previous?: object): DynamoDBRecord {
  const image = (item: object | undefined) => (item ? (marshall(item, { removeUndefinedValues: true }) as never) : undefined);
  sequence += 1;
  return {
    eventName,
    eventSource: "aws:dynamodb",
    dynamodb: {
      Keys: image({ userId: "alice", itemId: "i1" }),
      NewImage: image(next),
      OldImage: image(previous),
      SequenceNumber: String(sequence),
      StreamViewType: "NEW_AND_OLD_IMAGES",
      ApproximateCreationDateTime: 1_700_000_000,
    },
  };
}

const article = (likesCount: number, title = "Title"): Article => ({
  itemId: "i1",
  title,
  url: "https://qiita.com/alice/items/i1",
  likesCount,
});

/** What the collector writes for `fresh` given what was stored, and whether this is the account's baseline. */
function written(fresh: Article, stored: StoredArticle | undefined, baselined: boolean): StoredArticle {
  const plan = planPoll({ baselined, articles: new Map(stored ? [[stored.itemId, stored]] : []) }, [fresh]);
  const [change] = plan.changes;
  const fetched = change!.delta > 0 ? Array.from({ length: change!.delta }, (_, n) => `liker${n}`) : undefined;
  return toStoredArticle("alice", change!, plan.baseline, fetched, 1_700_000_000_000);
}

/** The `health` map as the collector writes it on `#account`: a number of failures among its fields. */
const healthOf = (state: "ok" | "failing" | "rate-limited") => ({
  name: "qiita",
  state,
  since: 1_700_000_000_000,
  ...(state === "ok" ? {} : { retryAt: 1_700_000_300_000 }),
  message: state,
  failures: state === "failing" ? 1 : 0,
});

describe("the stream's FilterCriteria", () => {
  const baseline = written(article(4), undefined, false);
  const afterBaseline = { ...baseline, baseline: undefined };
  const cases: [string, DynamoDBRecord][] = [
    ["a baseline INSERT", record("INSERT", baseline)],
    ["an INSERT after the baseline, with likes", record("INSERT", written(article(3), undefined, true))],
    ["an INSERT after the baseline, without likes", record("INSERT", written(article(0), undefined, true))],
    ["a MODIFY whose count rose", record("MODIFY", written(article(6), afterBaseline as StoredArticle, true), afterBaseline)],
    ["a MODIFY whose count fell", record("MODIFY", written(article(3), afterBaseline as StoredArticle, true), afterBaseline)],
    ["a MODIFY of the title only", record("MODIFY", written(article(4, "New title"), afterBaseline as StoredArticle, true), afterBaseline)],
    ["a REMOVE", record("REMOVE", undefined, afterBaseline)],
    ["the account marker", record("INSERT", { userId: "alice", itemId: "#account", baselinedAt: 1_700_000_000_000 })],
    // Qiita's health on the marker (src/adapters/dynamodb/dynamodb-source-health.ts): first recorded, then changed.
    ["the marker's first health", record("INSERT", { userId: "alice", itemId: "#account", health: healthOf("failing") })],
    [
      "a change of Qiita's health",
      record(
        "MODIFY",
        { userId: "alice", itemId: "#account", baselinedAt: 1_700_000_000_000, health: healthOf("ok") },
        { userId: "alice", itemId: "#account", baselinedAt: 1_700_000_000_000, health: healthOf("rate-limited") },
      ),
    ],
  ];

  it.each(cases)("agrees with the stream handler on %s", (_name, streamRecord) => {
    // Act
    const invoked = matches(pattern, streamRecord);
    const notifies = likeEventFromChange(articleChangeFromRecord(streamRecord)) !== null;

    // Assess
    expect(invoked).toBe(notifies);
  });

  it("lets the notifying cases through and nothing else", () => {
    // Act
    const through = cases.filter(([, streamRecord]) => matches(pattern, streamRecord)).map(([name]) => name);

    // Assess
    expect(through).toEqual(["an INSERT after the baseline, with likes", "a MODIFY whose count rose"]);
  });
});
