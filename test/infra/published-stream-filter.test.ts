/**
 * The notifications stream's FilterCriteria (PUBLISHED_RECORDS, RELEASED_RECORDS) must let through
 * the INSERT of a notification sent at once and the release of a scheduled one, and nothing else the
 * table's stream carries. The records are built from what the publish path itself writes: the
 * publish use case with the DynamoDB publication store on a client that records its commands, the
 * release and cancel, the receipt the stream handler then sets, and TTL's REMOVE; then filtered by
 * the evaluator of Lambda's pattern subset (event-filter.ts) and compared with the handler's own
 * reading (deliversPublication).
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { DynamoDbPublicationStore } from "#adapters/dynamodb/dynamodb-publication-store.ts";
import { publishNotification } from "#domain/publish/publish-notification.ts";
import { articleChangeFromRecord } from "#adapters/dynamodb/stream-record.ts";
import { deliversPublication } from "#domain/published-events.ts";
import { PUBLISHED_RECORDS, RELEASED_RECORDS } from "../../infra/stateless-stack.ts";
import { matches, type Pattern } from "./event-filter.ts";

type Item = Record<string, unknown>;

/** A document client that keeps every item a Put or an Update would leave, and answers nothing else. */
function recordingClient() {
  const items = new Map<string, Item>();
  const client = {
    async send(command: { constructor: { name: string }; input: any }) {
      const name = command.constructor.name;
      if (name === "TransactWriteCommand") {
        for (const { Put } of command.input.TransactItems) items.set(Put.Item.id, Put.Item);
        return {};
      }
      if (name === "UpdateCommand") {
        items.set(command.input.Key.id, applyUpdate(items.get(command.input.Key.id) ?? {}, command.input));
        return {};
      }
      throw new Error(`not recorded: ${name}`);
    },
  };
  return { client: client as unknown as DynamoDBDocumentClient, items };
}

/** What an UpdateExpression of SET and REMOVE clauses (top-level attributes) leaves of `item`. */
function applyUpdate(
  item: Item,
  input: {
    UpdateExpression: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  },
): Item {
  const next = { ...item };
  const nameOf = (token: string) => input.ExpressionAttributeNames?.[token] ?? token;
  for (const [, verb, body] of input.UpdateExpression.matchAll(/(SET|REMOVE)\s+(.*?)(?=\s+(?:SET|REMOVE)\s|$)/g)) {
    for (const part of (body as string).split(",").map((clause) => clause.trim())) {
      if (verb === "REMOVE") delete next[nameOf(part)];
      else {
        const [target, value] = part.split("=").map((side) => side.trim()) as [string, string];
        if (target.includes(".")) throw new Error(`nested SET not recorded: ${target}`);
        next[nameOf(target)] = input.ExpressionAttributeValues?.[value];
      }
    }
  }
  return next;
}

function record(eventName: "INSERT" | "MODIFY" | "REMOVE", item: Item, sequence: number): DynamoDBRecord {
  return {
    eventName,
    eventSource: "aws:dynamodb",
    dynamodb: {
      Keys: marshall({ id: item.id }) as never,
      // NEW_IMAGE: a REMOVE (TTL's included) carries no image.
      ...(eventName === "REMOVE" ? {} : { NewImage: marshall(item, { removeUndefinedValues: true }) as never }),
      SequenceNumber: String(sequence),
      StreamViewType: "NEW_IMAGE",
      ApproximateCreationDateTime: 1_700_000_000,
    },
  };
}

const pattern = JSON.parse(PUBLISHED_RECORDS.pattern as string) as Pattern;
/** Every filter of the notifications event source: a record passes when one matches. */
const PUBLISHED_PATTERNS = [PUBLISHED_RECORDS, RELEASED_RECORDS].map((filter) => JSON.parse(filter.pattern as string) as Pattern);

describe("the notifications stream's FilterCriteria", () => {
  it("passes the INSERT of a published notification only: not its idempotency claim, its receipt or its expiry", async () => {
    // Prepare
    const { client, items } = recordingClient();
    const store = new DynamoDbPublicationStore({ tableName: "notifications", client });
    const published = await publishNotification(
      {
        body: JSON.stringify({ to: "user:alice", title: "Build 42 finished", url: "https://ci.example/42", data: { ok: true } }),
        idempotencyKey: "build-42",
      },
      { store },
    );
    if (!published.ok) throw new Error(published.message);
    const notification = items.get(published.id)!;
    const claim = items.get("idem#build-42")!;
    await store.recordDelivery(published.id, { sentAt: "2026-01-01T00:00:00.000Z", live: 1, line: "not-needed" });
    const receipt = items.get(published.id)!;
    const cases: [string, DynamoDBRecord][] = [
      ["the notification's INSERT", record("INSERT", notification, 1)],
      ["the idempotency claim's INSERT", record("INSERT", claim, 2)],
      ["the receipt's MODIFY", record("MODIFY", receipt, 3)],
      ["the notification's TTL REMOVE", record("REMOVE", receipt, 4)],
      ["the claim's TTL REMOVE", record("REMOVE", claim, 5)],
    ];

    // Act
    const through = cases.filter(([, streamRecord]) => matches(pattern, streamRecord)).map(([name]) => name);

    // Assess
    expect(notification.kind).toBe("notification");
    expect(claim.kind).toBeUndefined();
    expect(through).toEqual(["the notification's INSERT"]);
  });

  it("passes a message to a group (one item carrying its members), which the stream handler expands", async () => {
    // Prepare
    const { client, items } = recordingClient();
    const published = await publishNotification(
      { body: JSON.stringify({ to: "group:on-call", title: "disk full" }) },
      {
        store: new DynamoDbPublicationStore({ tableName: "notifications", client }),
        groups: { members: async () => ["alice", "bob"] },
      },
    );
    if (!published.ok) throw new Error(published.message);
    const item = items.get(published.id)!;

    // Act / Assess
    expect(item).toMatchObject({ to: "group:on-call", members: ["alice", "bob"] });
    expect(matches(pattern, record("INSERT", item, 1))).toBe(true);
    expect(matches(pattern, record("MODIFY", { ...item, delivery: { live: 2 } }, 2))).toBe(false);
  });

  it("passes a notification published without an Idempotency-Key too", async () => {
    // Prepare
    const { client, items } = recordingClient();
    const published = await publishNotification(
      { body: JSON.stringify({ to: "user:bob", title: "hello" }) },
      { store: new DynamoDbPublicationStore({ tableName: "notifications", client }) },
    );
    if (!published.ok) throw new Error(published.message);

    // Act / Assess
    expect([...items.keys()]).toEqual([published.id]);
    expect(matches(pattern, record("INSERT", items.get(published.id)!, 1))).toBe(true);
  });

  it("passes a scheduled notification's release only: not its INSERT, a cancel, nor the receipt or part receipts after it", async () => {
    // Prepare: what the publish path, the scheduler, a cancel and the stream handler write
    const { client, items } = recordingClient();
    const store = new DynamoDbPublicationStore({ tableName: "notifications", client });
    const sendAt = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = await publishNotification({ body: JSON.stringify({ to: "user:alice", title: "later", sendAt }) }, { store });
    const cancelled = await publishNotification({ body: JSON.stringify({ to: "user:bob", title: "never", sendAt }) }, { store });
    if (!scheduled.ok || !cancelled.ok) throw new Error("not published");
    const inserted = items.get(scheduled.id)!;
    await store.release(scheduled.id, Date.now());
    const released = items.get(scheduled.id)!;
    await store.recordFailure(scheduled.id, { sentAt: "2026-01-01T00:00:00.000Z", live: 0, line: "failed" });
    const failure = items.get(scheduled.id)!;
    await store.recordDelivery(scheduled.id, { sentAt: "2026-01-01T00:00:00.000Z", live: 1, line: "not-needed" });
    const receipt = items.get(scheduled.id)!;
    await store.cancel(cancelled.id, Date.now());
    const cancel = items.get(cancelled.id)!;
    const cases: [string, DynamoDBRecord][] = [
      ["the scheduled INSERT", record("INSERT", inserted, 1)],
      ["the release", record("MODIFY", released, 2)],
      ["the receipt after the release", record("MODIFY", receipt, 3)],
      ["a failed receipt (LINE refused for good) after the release", record("MODIFY", failure, 6)],
      // A large group's part receipts (group-part.handler.ts) leave the status at "due" and add parts.
      ["a part receipt after the release", record("MODIFY", { ...released, parts: 2, partDeliveries: {} }, 4)],
      ["the cancel", record("MODIFY", cancel, 5)],
    ];

    // Act
    const through = cases.filter(([, streamRecord]) => PUBLISHED_PATTERNS.some((pattern) => matches(pattern, streamRecord)));
    const delivering = cases.filter(([, streamRecord]) => deliversPublication(articleChangeFromRecord(streamRecord)));

    // Assess: the filter and the handler's own reading agree
    expect(inserted).toMatchObject({ status: "scheduled", schedule: "pending", sendAt });
    expect(released).toMatchObject({ status: "due" });
    expect(released.schedule).toBeUndefined();
    expect(through.map(([name]) => name)).toEqual(["the release"]);
    expect(delivering.map(([name]) => name)).toEqual(["the release"]);
  });

  it("agrees with the handler's reading on every record of the other cases too", async () => {
    const { client, items } = recordingClient();
    const store = new DynamoDbPublicationStore({ tableName: "notifications", client });
    const now = await publishNotification({ body: JSON.stringify({ to: "user:alice", title: "now" }), idempotencyKey: "k" }, { store });
    if (!now.ok) throw new Error("not published");
    const insert = record("INSERT", items.get(now.id)!, 1);
    await store.recordDelivery(now.id, { sentAt: "2026-01-01T00:00:00.000Z", live: 1, line: "not-needed" });
    const receipt = record("MODIFY", items.get(now.id)!, 2);
    const claim = record("INSERT", items.get("idem#k")!, 3);

    for (const streamRecord of [insert, receipt, claim]) {
      expect(PUBLISHED_PATTERNS.some((pattern) => matches(pattern, streamRecord))).toBe(
        deliversPublication(articleChangeFromRecord(streamRecord)),
      );
    }
  });
});
