/**
 * What must survive a redeploy of the code: the tables. The stateless stack takes them through
 * typed props, so replacing functions or the API never touches data. The secret settings are SSM
 * parameters the operator puts (infra/project-parameters.ts), outside both stacks.
 */
import { CfnOutput, RemovalPolicy, Stack, Validations, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
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
import { projectTable, type ProjectTable } from "./project-table.ts";

export class StatefulStack extends Stack {
  readonly connections: ProjectTable;
  readonly articles: ProjectTable;
  readonly events: ProjectTable;
  readonly revocations: ProjectTable;
  readonly deliveries: ProjectTable;
  readonly notifications: ProjectTable;
  readonly publishKeys: ProjectTable;
  readonly groups: ProjectTable;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Rows live at most 2 h (API Gateway's connection limit) and are rebuilt by reconnecting:
    // nothing to back up or keep.
    this.connections = projectTable(this, "Connections", connectionsTable, {
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // The only data that cannot be rebuilt for free: known likers and the baseline (a lost
    // baseline means re-polling every liker list from Qiita's 1000 requests/hour).
    this.articles = projectTable(this, "Articles", articlesTable, {
      removalPolicy: RemovalPolicy.RETAIN,
      pointInTimeRecovery: true,
      deletionProtection: true,
    });
    // A 24 h replay log for `resume`; TTL empties it on its own.
    this.events = projectTable(this, "Events", eventsTable, {
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Losing a revocation silently re-admits a leaked token (the signing key outlives the stacks),
    // so it is kept and backed up like the articles; a handful of rows costs nothing to protect.
    this.revocations = projectTable(this, "Revocations", revocationsTable, {
      removalPolicy: RemovalPolicy.RETAIN,
      pointInTimeRecovery: true,
      deletionProtection: true,
    });
    // The LINE delivery ledger: claims expire by TTL after the stream's 24 h retention.
    this.deliveries = projectTable(this, "Deliveries", deliveriesTable, {
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Published notifications (receipts kept 7 days) and idempotency claims (24 h), both by TTL;
    // its NEW_IMAGE stream is what delivers them.
    this.notifications = projectTable(this, "Notifications", notificationsTable, {
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Only hashes of publish keys: losing them closes the API (every request 401) until keys are
    // created again, it re-admits nothing, so nothing to back up; kept apart so key lookups and
    // `key list` never read notifications.
    this.publishKeys = projectTable(this, "PublishKeys", publishKeysTable, {
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Group membership is put by the publishing systems and nowhere else: lost, every group
    // message would be accepted and reach nobody. Kept and backed up like the revocations.
    this.groups = projectTable(this, "Groups", groupsTable, {
      removalPolicy: RemovalPolicy.RETAIN,
      pointInTimeRecovery: true,
      deletionProtection: true,
    });
    for (const shortLived of [this.connections, this.events, this.deliveries, this.notifications]) {
      Validations.of(shortLived.table).acknowledge({
        id: "AwsSolutions-DDB3",
        reason:
          "No point-in-time recovery: rows expire by TTL and are recreated by clients or by the next delivery; a restore would only bring back stale rows.",
      });
    }

    Validations.of(this.publishKeys.table).acknowledge({
      id: "AwsSolutions-DDB3",
      reason:
        "No point-in-time recovery: it holds only hashes of publish keys; a lost table closes the API (401) until keys are created again, and a restore could bring back keys revoked since.",
    });

    new CfnOutput(this, "PublishKeysTableName", {
      description: "Put a publish key's hash here (docs/DEPLOY.md, Publish keys)",
      value: this.publishKeys.table.tableName,
    });
    new CfnOutput(this, "ArticlesTableName", { value: this.articles.table.tableName });
    new CfnOutput(this, "ConnectionsTableName", {
      description: "Query its byUser index for a user's connection ids (revocation, see DEPLOY.md)",
      value: this.connections.table.tableName,
    });
    new CfnOutput(this, "RevocationsTableName", {
      description: 'Put {"userId", "revokedAt": epoch seconds} here to refuse a user\'s older tokens',
      value: this.revocations.table.tableName,
    });
  }
}
