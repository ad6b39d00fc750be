/**
 * What must survive a redeploy of the code: the three tables and the secrets. The stateless stack
 * takes them through typed props, so replacing functions or the API never touches data.
 */
import { CfnOutput, RemovalPolicy, Stack, Validations, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { articlesTable, connectionsTable, eventsTable } from "#adapters/dynamodb/table-definitions.ts";
import { ProjectSecrets } from "./project-secrets.ts";
import { projectTable, type ProjectTable } from "./project-table.ts";

export class StatefulStack extends Stack {
  readonly connections: ProjectTable;
  readonly articles: ProjectTable;
  readonly events: ProjectTable;
  readonly secrets: ProjectSecrets;

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
    for (const shortLived of [this.connections, this.events]) {
      Validations.of(shortLived.table).acknowledge({
        id: "AwsSolutions-DDB3",
        reason: "No point-in-time recovery: rows expire by TTL within 24 h and are recreated by clients; a restore would only bring back stale rows.",
      });
    }

    this.secrets = new ProjectSecrets(this, "Secrets");

    new CfnOutput(this, "TokenSecretName", {
      description: "Secret holding the token-signing key (read it to mint subscription tokens)",
      value: this.secrets.tokenSecret.secretName,
    });
    new CfnOutput(this, "AccountsSecretName", {
      description: 'Put the watched writers here: [{"userId","qiitaToken","lineTo"}]',
      value: this.secrets.accountsSecret.secretName,
    });
    new CfnOutput(this, "LineSecretName", {
      description: "Put the LINE channel access token here",
      value: this.secrets.lineSecret.secretName,
    });
    new CfnOutput(this, "ArticlesTableName", { value: this.articles.table.tableName });
  }
}
