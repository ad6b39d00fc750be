/** The deployed side of issue 12's stats: the rollups table, its grants and TIME_ZONE. */
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { rollupsTable } from "#adapters/dynamodb/table-definitions.ts";
import { logicalId, testApp } from "./test-app.ts";

describe("rollups, deployed", () => {
  let app: ReturnType<typeof testApp>;
  let stateful: Template;
  let stateless: Template;

  beforeAll(() => {
    app = testApp();
    stateful = Template.fromStack(app.stateful);
    stateless = Template.fromStack(app.stateless);
  });

  it("keeps the rollups table from its shared definition, with TTL, across deletion and with backups", () => {
    const table = stateful.toJSON().Resources[logicalId(app.stateful.rollups.table)];

    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: rollupsTable.partitionKey.name, KeyType: "HASH" },
      { AttributeName: rollupsTable.sortKey.name, KeyType: "RANGE" },
    ]);
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: "expiresAt", Enabled: true });
    expect(table.Properties.StreamSpecification).toBeUndefined();
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe("Retain");
  });

  it("tells the stream and default functions the table and TIME_ZONE (Asia/Tokyo unless set)", () => {
    for (const fn of [app.stateless.functions.stream, app.stateless.functions.default]) {
      const variables = stateless.toJSON().Resources[logicalId(fn)].Properties.Environment.Variables;
      expect(variables.TIME_ZONE).toBe("Asia/Tokyo");
      expect(JSON.stringify(variables.ROLLUPS_TABLE)).toContain(logicalId(app.stateful.rollups.table));
    }
  });

  it("follows the timeZone context and refuses a zone Intl does not know", () => {
    const other = testApp({ timeZone: "Europe/Paris" });
    Template.fromStack(other.stateless).hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ TIME_ZONE: "Europe/Paris" }) },
    });
    expect(() => testApp({ timeZone: "Mars/Olympus" })).toThrow(/timeZone must be an IANA time zone name \(got Mars\/Olympus\)/);
  });
});
