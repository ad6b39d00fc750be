/**
 * The notifications stream's FilterCriteria (PUBLISHED_RECORDS) must let through the INSERT of a
 * published notification and nothing else the table's stream carries. The records are built from
 * what the publish path itself writes: the publish use case with the DynamoDB publication store on
 * a client that records its commands, the receipt the stream handler then sets, and TTL's REMOVE;
 * then filtered by the evaluator of Lambda's pattern subset (event-filter.ts).
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { DynamoDbPublicationStore } from "#adapters/dynamodb/dynamodb-publication-store.ts";
import { publishNotification } from "#domain/publish/publish-notification.ts";
import { PUBLISHED_RECORDS } from "../../infra/stateless-stack.ts";
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
        const { Key, ExpressionAttributeValues } = command.input;
        items.set(Key.id, { ...items.get(Key.id), delivery: ExpressionAttributeValues[":delivery"] });
        return {};
      }
      throw new Error(`not recorded: ${name}`);
    },
  };
  return { client: client as unknown as DynamoDBDocumentClient, items };
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
});
