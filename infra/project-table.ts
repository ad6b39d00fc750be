/**
 * Turns one entry of src/adapters/dynamodb/table-definitions.ts into a CDK table, so the keys,
 * index, stream and TTL in the cloud are the ones DynamoDB Local gets from src/local/tables.ts.
 *
 * @example
 *   const connections = projectTable(this, "Connections", connectionsTable, { removalPolicy: RemovalPolicy.DESTROY });
 */
import type { RemovalPolicy } from "aws-cdk-lib";
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, type Attribute } from "aws-cdk-lib/aws-dynamodb";
import type { Construct } from "constructs";
import type { KeyAttribute, TableDefinition } from "#adapters/dynamodb/table-definitions.ts";

/** A deployed table together with the definition it was built from (its env var, its index names). */
export interface ProjectTable {
  readonly definition: TableDefinition;
  readonly table: Table;
}

export interface ProjectTableOptions {
  readonly removalPolicy: RemovalPolicy;
  /** Continuous backups: for data that cannot be rebuilt. */
  readonly pointInTimeRecovery?: boolean;
  readonly deletionProtection?: boolean;
}

const STREAM_VIEW = {
  NEW_AND_OLD_IMAGES: StreamViewType.NEW_AND_OLD_IMAGES,
  NEW_IMAGE: StreamViewType.NEW_IMAGE,
} as const satisfies Record<NonNullable<TableDefinition["stream"]>, StreamViewType>;

function attribute(key: KeyAttribute): Attribute {
  return { name: key.name, type: key.type === "S" ? AttributeType.STRING : AttributeType.NUMBER };
}

export function projectTable(scope: Construct, id: string, definition: TableDefinition, options: ProjectTableOptions): ProjectTable {
  const table = new Table(scope, id, {
    partitionKey: attribute(definition.partitionKey),
    ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
    // On demand: a few hundred writes a day cost cents, and nothing to size or autoscale.
    billingMode: BillingMode.PAY_PER_REQUEST,
    ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
    ...(definition.stream ? { stream: STREAM_VIEW[definition.stream] } : {}),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: options.pointInTimeRecovery ?? false },
    deletionProtection: options.deletionProtection ?? false,
    removalPolicy: options.removalPolicy,
  });
  for (const index of definition.globalSecondaryIndexes ?? []) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: attribute(index.partitionKey),
      ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...index.nonKeyAttributes],
    });
  }
  return { definition, table };
}
