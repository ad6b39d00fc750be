import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { _Record } from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { toLambdaRecord } from "#local/aws/stream-poller/lambda-record.ts";

const streamArn = "arn:aws:dynamodb:ddblocal:000000000000:table/articles-demo/stream/2026-11-21T05:27:00.000";

/** AWS's sample event (sam local generate-event dynamodb update), one record per file. */
function awsRecord(name: string): DynamoDBRecord {
  const event = JSON.parse(readFileSync(`test/events/dynamodb-stream/${name}.json`, "utf8")) as DynamoDBStreamEvent;
  return event.Records[0]!;
}

/**
 * GetRecords as DynamoDB Local answered it (INSERT, MODIFY, REMOVE, INSERT of an expired item,
 * its TTL deletion), with the date revived as SDK v3 revives it.
 */
function recordedLocalRecords(): _Record[] {
  const wire = JSON.parse(readFileSync("test/events/dynamodb-stream/dynamodb-local-get-records.json", "utf8")) as {
    Records: (Omit<_Record, "dynamodb"> & { dynamodb: { ApproximateCreationDateTime: number } })[];
  };
  return wire.Records.map((record) => ({
    ...record,
    dynamodb: {
      ...record.dynamodb,
      ApproximateCreationDateTime: new Date(record.dynamodb.ApproximateCreationDateTime * 1000),
    },
  })) as _Record[];
}

function shapeOf(record: DynamoDBRecord) {
  return { record: Object.keys(record).sort(), dynamodb: Object.keys(record.dynamodb ?? {}).sort() };
}

describe("toLambdaRecord", () => {
  it.each([
    ["insert", 0],
    ["modify", 1],
    ["remove", 2],
  ])("gives a DynamoDB Local %s record the keys of AWS's sample event", (fixture, index) => {
    // Prepare
    const raw = recordedLocalRecords()[index]!;

    // Act
    const record = toLambdaRecord(raw, streamArn);

    // Assess
    const expected = awsRecord(fixture);
    expect(shapeOf(record)).toEqual(shapeOf(expected));
    expect(record.eventName).toBe(expected.eventName);
    expect(record.eventVersion).toBe("1.1");
    expect(record.eventSource).toBe("aws:dynamodb");
    expect(record.eventSourceARN).toBe(streamArn);
    expect(record.userIdentity).toBeUndefined();
  });

  it("turns DynamoDB Local's TTL deletion into the REMOVE by the DynamoDB service that AWS sends", () => {
    // Prepare
    const raw = recordedLocalRecords()[4]!;
    expect(raw.eventName).toBe("UNKNOWN_TO_SDK_VERSION");

    // Act
    const record = toLambdaRecord(raw, streamArn);

    // Assess
    const expected = awsRecord("ttl-remove");
    expect(shapeOf(record)).toEqual(shapeOf(expected));
    expect(record.eventName).toBe("REMOVE");
    expect(record.userIdentity).toEqual(expected.userIdentity);
    expect(record.dynamodb?.OldImage?.itemId).toEqual({ S: "expired" });
  });

  it("gives ApproximateCreationDateTime in epoch seconds and keeps sequence number, size and images", () => {
    // Prepare
    const raw = recordedLocalRecords()[1]!;

    // Act
    const record = toLambdaRecord(raw, streamArn);

    // Assess
    expect(record.dynamodb?.ApproximateCreationDateTime).toBe(1795238820);
    expect(record.dynamodb?.SequenceNumber).toBe("000000000000000000002");
    expect(record.dynamodb?.SizeBytes).toBe(raw.dynamodb?.SizeBytes);
    expect(record.dynamodb?.NewImage?.likesCount).toEqual({ N: "4" });
    expect(record.dynamodb?.OldImage?.likesCount).toEqual({ N: "3" });
  });

  it("writes binary attributes as base64 text, nested ones too, as Lambda's JSON does", () => {
    // Prepare
    const bytes = new Uint8Array([0xde, 0xad, 0xbe, 0xef]);
    const raw: _Record = {
      eventID: "1",
      eventName: "INSERT",
      dynamodb: {
        Keys: { id: { B: bytes } },
        NewImage: { id: { B: bytes }, tags: { BS: [bytes] }, nested: { M: { list: { L: [{ B: bytes }] } } } },
        SequenceNumber: "1",
      },
    };

    // Act
    const record = toLambdaRecord(raw, streamArn);

    // Assess
    expect(record.dynamodb?.Keys).toEqual({ id: { B: "3q2+7w==" } });
    expect(record.dynamodb?.NewImage).toEqual({
      id: { B: "3q2+7w==" },
      tags: { BS: ["3q2+7w=="] },
      nested: { M: { list: { L: [{ B: "3q2+7w==" }] } } },
    });
  });
});
