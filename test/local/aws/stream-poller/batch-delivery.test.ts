import { describe, expect, it } from "vitest";
import type { DynamoDBRecord } from "aws-lambda";
import {
  deliverBatch,
  InvalidBatchResponseError,
  readBatchResponse,
  type BatchOutcome,
  type DeliveryOptions,
} from "#local/aws/stream-poller/batch-delivery.ts";

/** A scripted handler over records "r0".."rN": returns what `answer` says and logs each call. */
function scripted(answer: (batch: string[], call: number) => BatchOutcome) {
  const calls: string[][] = [];
  const givenUp: { records: string[]; invocations: number }[] = [];
  const options: DeliveryOptions<string> = {
    invoke: async (batch) => {
      calls.push(batch);
      return answer(batch, calls.length);
    },
    maxRetryAttempts: 3,
    bisectOnError: true,
    giveUp: async (records, { invocations }) => {
      givenUp.push({ records, invocations });
    },
    beforeRetry: async () => true,
  };
  return { calls, givenUp, options };
}

const batchOf = (count: number) => Array.from({ length: count }, (_, index) => `r${index}`);
const boom = (): BatchOutcome => ({ kind: "error", error: new Error("boom") });

describe("deliverBatch", () => {
  it("invokes once with the whole batch when the handler succeeds", async () => {
    // Prepare
    const { calls, options } = scripted(() => ({ kind: "success" }));

    // Act
    const result = await deliverBatch(batchOf(4), options);

    // Assess
    expect(calls).toEqual([batchOf(4)]);
    expect(result).toEqual({ completed: 4, invocations: 1, givenUp: 0 });
  });

  it("retries from the lowest failed record on a partial failure, never the records before it", async () => {
    // Prepare
    const { calls, options } = scripted((batch, call) =>
      call === 1 ? { kind: "partial", failedFrom: batch.indexOf("r2") } : { kind: "success" },
    );

    // Act
    const result = await deliverBatch(batchOf(5), options);

    // Assess
    expect(calls).toEqual([batchOf(5), ["r2", "r3", "r4"]]);
    expect(result.completed).toBe(5);
  });

  it("bisects a throwing batch until the bad record is alone, lets the others through, then gives it up", async () => {
    // Prepare
    const { calls, givenUp, options } = scripted((batch) => (batch.includes("r2") ? boom() : { kind: "success" }));

    // Act
    const result = await deliverBatch(batchOf(4), options);

    // Assess
    expect(calls).toEqual([["r0", "r1", "r2", "r3"], ["r0", "r1"], ["r2", "r3"], ["r2"], ["r2"], ["r2"], ["r2"], ["r3"]]);
    expect(givenUp).toEqual([{ records: ["r2"], invocations: 6 }]);
    expect(result).toEqual({ completed: 4, invocations: 8, givenUp: 1 });
  });

  it("retries the whole batch maxRetryAttempts times without bisect, then gives all of it up", async () => {
    // Prepare
    const { calls, givenUp, options } = scripted(boom);

    // Act
    const result = await deliverBatch(batchOf(3), { ...options, bisectOnError: false, maxRetryAttempts: 2 });

    // Assess
    expect(calls).toEqual([batchOf(3), batchOf(3), batchOf(3)]);
    expect(givenUp).toEqual([{ records: batchOf(3), invocations: 3 }]);
    expect(result.completed).toBe(3);
  });

  it("gives up the records from the lowest failed one on when partial failures exhaust the retries", async () => {
    // Prepare
    const { calls, givenUp, options } = scripted((batch) => ({ kind: "partial", failedFrom: batch.indexOf("r1") }));

    // Act
    const result = await deliverBatch(batchOf(3), { ...options, maxRetryAttempts: 1 });

    // Assess
    expect(calls).toEqual([batchOf(3), ["r1", "r2"]]);
    expect(givenUp).toEqual([{ records: ["r1", "r2"], invocations: 2 }]);
    expect(result.completed).toBe(3);
  });

  it("stops retrying when told to and reports only the finished prefix as completed", async () => {
    // Prepare
    const { calls, options } = scripted((batch) => (batch.includes("r1") ? boom() : { kind: "success" }));
    let retriesAllowed = 2;

    // Act
    const result = await deliverBatch(batchOf(4), { ...options, beforeRetry: async () => retriesAllowed-- > 0 });

    // Assess
    expect(calls).toEqual([batchOf(4), ["r0", "r1"], ["r0"]]);
    expect(result.completed).toBe(1);
    expect(result.givenUp).toBe(0);
  });
});

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
    const outcome = readBatchResponse({ batchItemFailures: [{ itemIdentifier: "300" }, { itemIdentifier: "200" }] }, records);

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
