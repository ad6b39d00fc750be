/**
 * What must survive a redeploy of the code: the tables. The stateless stack takes them through
 * typed props, so replacing functions or the API never touches data. The secret settings are SSM
 * parameters the operator puts (infra/project-parameters.ts), outside both stacks.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from "aws-cdk-lib";
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from "aws-cdk-lib/aws-s3";
import { EmailIdentity, Identity } from "aws-cdk-lib/aws-ses";
import type { Construct } from "constructs";
import {
  articlesTable,
  repositoriesTable,
  connectionsTable,
  deliveriesTable,
  digestsTable,
  eventsTable,
  groupsTable,
  notificationsTable,
  preferencesTable,
  publishKeysTable,
  revocationsTable,
  rollupsTable,
} from "#adapters/dynamodb/table-definitions.ts";
import { BODY_KEY_PREFIX, BODY_RETENTION_DAYS, SCHEDULED_BODY_KEY_PREFIX, SCHEDULED_BODY_RETENTION_DAYS } from "#domain/large-bodies.ts";
import { projectTable, type ProjectTable } from "./project-table.ts";

export interface StatefulStackProps extends StackProps {
  /** The deploy settings' e-mail sender; undefined: no SES identity. */
  readonly email?: { readonly from: string; readonly domain?: string };
}

export class StatefulStack extends Stack {
  readonly connections: ProjectTable;
  readonly articles: ProjectTable;
  readonly repositories: ProjectTable;
  readonly events: ProjectTable;
  readonly revocations: ProjectTable;
  readonly deliveries: ProjectTable;
  readonly notifications: ProjectTable;
  readonly publishKeys: ProjectTable;
  readonly groups: ProjectTable;
  readonly rollups: ProjectTable;
  /** Each person's channel choices (issue 13). */
  readonly preferences: ProjectTable;
  /** The SES identity e-mail is sent from (deploy setting emailFrom / emailDomain); undefined without one. */
  readonly emailIdentity?: EmailIdentity;
  readonly digests: ProjectTable;
  /** Published bodies too large for a frame (src/domain/large-bodies.ts), read through presigned URLs. */
  readonly bodies: Bucket;
  /**
   * The export names of the bodies bucket's ARN and name. The stateless stack imports the bucket
   * by them, not through CDK's generated exports, whose hashed names could not be acknowledged
   * to cdk-nag on the functions' prefix grants.
   */
  readonly bodiesExports: { readonly arn: string; readonly name: string };

  constructor(scope: Construct, id: string, props?: StatefulStackProps) {
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
    // Stars (issue 12): known stargazers, the baseline and the list pages' ETags. Kept and backed
    // up like the articles: a lost baseline is re-taken silently, but the stars in between are lost.
    this.repositories = projectTable(this, "Repositories", repositoriesTable, {
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
    // A person's daily likes and stars for `stats`, up to 400 days: they cannot be counted again
    // (the events log keeps 24 h, the sources only today's totals), so kept and backed up.
    this.rollups = projectTable(this, "Rollups", rollupsTable, {
      removalPolicy: RemovalPolicy.RETAIN,
      pointInTimeRecovery: true,
      deletionProtection: true,
    });
    // What `digest` modes owe until each user's daily digest: at most a day or so of notifications
    // (35 days if LINE's monthly limit holds a digest back), which a lost table only skips once.
    this.digests = projectTable(this, "Digests", digestsTable, {
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.digests.table).acknowledge({
      id: "AwsSolutions-DDB3",
      reason:
        "No point-in-time recovery: items are owed notifications kept until the next daily digest and expire by TTL; a restore would send digests of stale items, and a loss only skips one digest.",
    });
    // What each person chose: only they (or a publish-key holder) can set it again, so kept and backed up.
    this.preferences = projectTable(this, "Preferences", preferencesTable, {
      removalPolicy: RemovalPolicy.RETAIN,
      pointInTimeRecovery: true,
      deletionProtection: true,
    });
    // The sender's identity outlives code deploys: re-creating it would mean verifying it (and a
    // domain's DKIM records) again.
    if (props?.email) {
      const { from, domain } = props.email;
      this.emailIdentity = new EmailIdentity(this, "EmailIdentity", { identity: domain ? Identity.domain(domain) : Identity.email(from) });
      this.emailIdentity.applyRemovalPolicy(RemovalPolicy.RETAIN);
      new CfnOutput(this, "EmailIdentityName", {
        description: "Verify this SES identity before mail goes out (docs/DEPLOY.md, E-mail)",
        value: this.emailIdentity.emailIdentityName,
      });
    }
    // Bodies too large for a frame: put by the publish function, read by whoever holds a presigned
    // URL. Never public; each object expires once nothing can ask for it (live, or resume's 24 h;
    // a scheduled one's after its sendAt, up to 366 days ahead).
    this.bodies = new Bucket(this, "Bodies", {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { id: "expire-bodies", prefix: BODY_KEY_PREFIX, expiration: Duration.days(BODY_RETENTION_DAYS) },
        { id: "expire-scheduled-bodies", prefix: SCHEDULED_BODY_KEY_PREFIX, expiration: Duration.days(SCHEDULED_BODY_RETENTION_DAYS) },
        // A body put by a request that then failed is never read; nothing is uploaded in parts.
        { id: "abort-incomplete-uploads", abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      // Retained when the stack is deleted: CloudFormation cannot delete a bucket with objects, and
      // emptying it on delete would take a custom-resource function; the rules above empty it anyway.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bodiesExports = { arn: `${this.stackName}-BodiesBucketArn`, name: `${this.stackName}-BodiesBucketName` };
    new CfnOutput(this, "BodiesBucketArn", { value: this.bodies.bucketArn, exportName: this.bodiesExports.arn });
    new CfnOutput(this, "BodiesBucketName", {
      value: this.bodies.bucketName,
      exportName: this.bodiesExports.name,
      description: "Bodies of published notifications too large for a frame (BODIES_BUCKET); objects expire by themselves",
    });
    Validations.of(this.bodies).acknowledge({
      id: "AwsSolutions-S1",
      reason:
        "Objects are written only by the publish function (its API has its own access log) and read through presigned URLs that expire in 2 h; server access logs would need a second bucket and record nothing the API log does not, except who opened a link.",
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
