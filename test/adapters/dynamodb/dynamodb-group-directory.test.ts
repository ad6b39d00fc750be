import { beforeAll, describe, expect, it } from "vitest";
import { DynamoDbGroupDirectory } from "#adapters/dynamodb/dynamodb-group-directory.ts";
import { createTestTables, type TestTables } from "#test/support/dynamodb.ts";

describe("DynamoDbGroupDirectory", () => {
  let tables: TestTables;
  let groups: DynamoDbGroupDirectory;

  beforeAll(async () => {
    tables = await createTestTables();
    groups = new DynamoDbGroupDirectory({ tableName: tables.groups, client: tables.doc });
  });

  it("says whether a member is new, and lists a group's members in user-id order", async () => {
    expect(await groups.add("on-call", "carol")).toBe(true);
    expect(await groups.add("on-call", "alice")).toBe(true);
    expect(await groups.add("on-call", "alice")).toBe(false);
    expect(await groups.add("other", "bob")).toBe(true);

    expect(await groups.members("on-call")).toEqual(["alice", "carol"]);
    expect(await groups.members("other")).toEqual(["bob"]);
  });

  it("removes a member, and a removed member is new again", async () => {
    await groups.add("team", "dave");
    await groups.remove("team", "dave");
    await groups.remove("team", "dave");

    expect(await groups.members("team")).toEqual([]);
    expect(await groups.add("team", "dave")).toBe(true);
  });
});
