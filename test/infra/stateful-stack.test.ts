import { beforeAll, describe, expect, it } from "vitest";
import { Match, Template } from "aws-cdk-lib/assertions";
import {
  articlesTable,
  connectionsTable,
  deliveriesTable,
  eventsTable,
  groupsTable,
  notificationsTable,
  publishKeysTable,
  revocationsTable,
} from "#adapters/dynamodb/table-definitions.ts";
import { logicalId, testApp } from "./test-app.ts";

describe("StatefulStack", () => {
  let template: Template;
  let ids: {
    connections: string;
    articles: string;
    events: string;
    revocations: string;
    deliveries: string;
    notifications: string;
    publishKeys: string;
    groups: string;
  };

  beforeAll(() => {
    const { stateful } = testApp();
    template = Template.fromStack(stateful);
    ids = {
      connections: logicalId(stateful.connections.table),
      articles: logicalId(stateful.articles.table),
      events: logicalId(stateful.events.table),
      revocations: logicalId(stateful.revocations.table),
      deliveries: logicalId(stateful.deliveries.table),
      notifications: logicalId(stateful.notifications.table),
      publishKeys: logicalId(stateful.publishKeys.table),
      groups: logicalId(stateful.groups.table),
    };
  });

  const table = (id: string) => template.toJSON().Resources[id];

  it("builds the connections table from its shared definition: key, TTL on expiresAt, GSI byUser with expiresAt", () => {
    // Prepare
    const [index] = connectionsTable.globalSecondaryIndexes;

    // Act
    const { Properties } = table(ids.connections);

    // Assess
    expect(Properties.KeySchema).toEqual([{ AttributeName: "connectionId", KeyType: "HASH" }]);
    expect(Properties.TimeToLiveSpecification).toEqual({ AttributeName: "expiresAt", Enabled: true });
    expect(Properties.BillingMode).toBe("PAY_PER_REQUEST");
    expect(Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: "userId", KeyType: "HASH" },
          { AttributeName: "connectionId", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["expiresAt"] },
      },
    ]);
  });

  it("streams the articles table with NEW_AND_OLD_IMAGES, keeps it on deletion and backs it up", () => {
    // Act
    const resource = table(ids.articles);

    // Assess
    expect(resource.Properties.KeySchema).toEqual([
      { AttributeName: articlesTable.partitionKey.name, KeyType: "HASH" },
      { AttributeName: articlesTable.sortKey.name, KeyType: "RANGE" },
    ]);
    expect(resource.Properties.StreamSpecification).toEqual({ StreamViewType: "NEW_AND_OLD_IMAGES" });
    expect(resource.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(resource.Properties.DeletionProtectionEnabled).toBe(true);
    expect(resource.DeletionPolicy).toBe("Retain");
    expect(resource.UpdateReplacePolicy).toBe("Retain");
  });

  it("gives the events table its TTL and no stream, since nothing consumes one", () => {
    // Act
    const { Properties } = table(ids.events);

    // Assess
    expect(Properties.KeySchema).toEqual([
      { AttributeName: eventsTable.partitionKey.name, KeyType: "HASH" },
      { AttributeName: eventsTable.sortKey.name, KeyType: "RANGE" },
    ]);
    expect(Properties.TimeToLiveSpecification).toEqual({ AttributeName: "expiresAt", Enabled: true });
    expect(Properties.StreamSpecification).toBeUndefined();
  });

  it("keeps the revocations table (userId key) across deletion, with backups: losing it would re-admit revoked tokens", () => {
    // Act
    const resource = table(ids.revocations);

    // Assess
    expect(resource.Properties.KeySchema).toEqual([{ AttributeName: revocationsTable.partitionKey.name, KeyType: "HASH" }]);
    expect(resource.Properties.BillingMode).toBe("PAY_PER_REQUEST");
    expect(resource.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(resource.DeletionPolicy).toBe("Retain");
  });

  it("builds the LINE deliveries ledger with its key and TTL", () => {
    // Act
    const { Properties } = table(ids.deliveries);

    // Assess
    expect(Properties.KeySchema).toEqual([{ AttributeName: deliveriesTable.partitionKey.name, KeyType: "HASH" }]);
    expect(Properties.TimeToLiveSpecification).toEqual({ AttributeName: "expiresAt", Enabled: true });
    expect(Properties.BillingMode).toBe("PAY_PER_REQUEST");
  });

  it("streams the notifications table's new images (all its stream handler reads), with TTL on expiresAt", () => {
    // Act
    const resource = table(ids.notifications);

    // Assess
    expect(resource.Properties.KeySchema).toEqual([{ AttributeName: notificationsTable.partitionKey.name, KeyType: "HASH" }]);
    expect(resource.Properties.StreamSpecification).toEqual({ StreamViewType: "NEW_IMAGE" });
    expect(resource.Properties.TimeToLiveSpecification).toEqual({ AttributeName: "expiresAt", Enabled: true });
    expect(resource.Properties.BillingMode).toBe("PAY_PER_REQUEST");
  });

  it("indexes the notifications table's scheduled items by due time, and only the id and sendAt of them", () => {
    // Act
    const resource = table(ids.notifications);

    // Assess: sparse, as only a scheduled item carries `schedule`
    expect(resource.Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: "byDueTime",
        KeySchema: [
          { AttributeName: "schedule", KeyType: "HASH" },
          { AttributeName: "dueAt", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["sendAt"] },
      },
    ]);
    expect(resource.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: "schedule", AttributeType: "S" },
        { AttributeName: "dueAt", AttributeType: "N" },
      ]),
    );
  });

  it("keeps publish keys (hashes only) in their own table, keyed by id, with no stream or TTL", () => {
    // Act
    const { Properties } = table(ids.publishKeys);

    // Assess
    expect(Properties.KeySchema).toEqual([{ AttributeName: publishKeysTable.partitionKey.name, KeyType: "HASH" }]);
    expect(Properties.StreamSpecification).toBeUndefined();
    expect(Properties.TimeToLiveSpecification).toBeUndefined();
    expect(Properties.BillingMode).toBe("PAY_PER_REQUEST");
  });

  it("keeps group membership (group, userId) across deletion, with backups: only the publishing systems can put it back", () => {
    // Act
    const resource = table(ids.groups);

    // Assess
    expect(resource.Properties.KeySchema).toEqual([
      { AttributeName: groupsTable.partitionKey.name, KeyType: "HASH" },
      { AttributeName: groupsTable.sortKey.name, KeyType: "RANGE" },
    ]);
    expect(resource.Properties.BillingMode).toBe("PAY_PER_REQUEST");
    expect(resource.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(resource.Properties.DeletionProtectionEnabled).toBe(true);
    expect(resource.DeletionPolicy).toBe("Retain");
  });

  it("holds no Secrets Manager secret: settings are SSM SecureStrings the operator puts ($0.40 a month each saved)", () => {
    template.resourceCountIs("AWS::SecretsManager::Secret", 0);
    template.resourceCountIs("AWS::SSM::Parameter", 0);
  });

  it("outputs the table names the operator's revocation and publish-key commands need", () => {
    // Act
    const outputs = Object.keys(template.findOutputs("*"));

    // Assess
    expect(outputs).toEqual(
      expect.arrayContaining(["ArticlesTableName", "ConnectionsTableName", "RevocationsTableName", "PublishKeysTableName"]),
    );
  });
});
