import { beforeAll, describe, expect, it } from "vitest";
import { DynamoDbLineQuota } from "#adapters/dynamodb/dynamodb-line-quota.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";

describe("DynamoDbLineQuota", () => {
  let tables: TestTables;
  let quota: DynamoDbLineQuota;

  beforeAll(async () => {
    tables = await createTestTables();
    quota = new DynamoDbLineQuota({ tableName: tables.deliveries, client: tables.doc });
  });

  it("never lets concurrent pushes take more slots than the limit", async () => {
    // Act: 40 pushes at once against a limit of 7
    const taken = await Promise.all(Array.from({ length: 40 }, (_, i) => quota.claimSlot("2026-11", `push-${i}`, 7)));

    // Assess
    expect(taken.filter(Boolean)).toHaveLength(7);
    expect((await quota.usage("2026-11")).used).toBe(7);
  });

  it("gives a push that has a slot the same slot again without counting it twice", async () => {
    // Act
    const first = await quota.claimSlot("2026-10", "again", 1);
    const retry = await quota.claimSlot("2026-10", "again", 1);
    const other = await quota.claimSlot("2026-10", "another", 1);

    // Assess
    expect([first, retry, other]).toEqual([true, true, false]);
    expect(await quota.usage("2026-10")).toEqual({ used: 1 });
  });

  it("counts each month apart", async () => {
    expect(await quota.claimSlot("2026-12", "december", 1)).toBe(true);
    expect(await quota.usage("2027-01")).toEqual({ used: 0 });
  });

  it("keeps the first switch to digests and gives each recipient's note once", async () => {
    // Act
    await quota.switchToDigests("2026-09", 1_000);
    await quota.switchToDigests("2026-09", 2_000);
    const notes = await Promise.all([quota.takeNote("2026-09", "U1"), quota.takeNote("2026-09", "U1"), quota.takeNote("2026-09", "U1")]);
    const otherRecipient = await quota.takeNote("2026-09", "U2");

    // Assess
    expect(await quota.usage("2026-09")).toEqual({ used: 0, digestSince: 1_000 });
    expect(notes.filter(Boolean)).toHaveLength(1);
    expect(otherRecipient).toBe(true);
  });
});
