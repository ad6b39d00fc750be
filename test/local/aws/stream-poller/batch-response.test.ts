import { describe, expect, it } from "vitest";
import type { DynamoDBRecord } from "aws-lambda";
import { InvalidBatchResponseError, readBatchResponse } from "#local/aws/stream-poller/batch-response.ts";

const records: DynamoDBRecord[] = ["100", "200", "300"].map((sequenceNumber) => ({
  dynamodb: { SequenceNumber: sequenceNumber },
}));

describe("readBatchResponse", () => {
  it.each([
    ["nothing", undefined],
    ["null", null],
    ["an empty object", {}],
    ["a null list", { batchItemFailures: null }],
    ["an empty list", { batchItemFailures: [] }],
  ])("counts %s as a complete success", (_, response) => {
    // Act
    const outcome = readBatchResponse(response, records);

    // Assess
    expect(outcome).toEqual({ kind: "success" });
  });

  it("retries from the lowest failed sequence number, whatever the order of the list", () => {
    // Act
    const outcome = readBatchResponse(
      { batchItemFailures: [{ itemIdentifier: "300" }, { itemIdentifier: "200" }] },
      records,
    );

    // Assess
    expect(outcome).toEqual({ kind: "partial", failedFrom: 1 });
  });

  it.each([
    ["an empty itemIdentifier", { batchItemFailures: [{ itemIdentifier: "" }] }],
    ["a null itemIdentifier", { batchItemFailures: [{ itemIdentifier: null }] }],
    ["a wrong key name", { batchItemFailures: [{ itemIdentifer: "200" }] }],
    ["an identifier not in the batch", { batchItemFailures: [{ itemIdentifier: "999" }] }],
    ["a list that is not a list", { batchItemFailures: "200" }],
  ])("fails the whole batch for %s", (_, response) => {
    // Act
    const outcome = readBatchResponse(response, records);

    // Assess
    expect(outcome.kind).toBe("error");
    expect(outcome.kind === "error" && outcome.error).toBeInstanceOf(InvalidBatchResponseError);
  });
});
