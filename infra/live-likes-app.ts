/**
 * Builds both stacks on an App, with cdk-nag's AwsSolutions checks registered, so `cdk synth`
 * and the tests in test/infra/ synthesize exactly the same thing.
 *
 * @example
 *   const { stateful, stateless } = buildLiveLikesApp(new App({ context: { collectRateMinutes: 10 } }));
 */
import { Tags, Validations, type App } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { readDeploySettings } from "./deploy-settings.ts";
import { StatefulStack } from "./stateful-stack.ts";
import { StatelessStack } from "./stateless-stack.ts";

export function buildLiveLikesApp(app: App): { stateful: StatefulStack; stateless: StatelessStack } {
  const settings = readDeploySettings(app.node);
  // No env: the stacks are environment-agnostic, so synth needs no account, credentials or
  // lookups; `cdk deploy` targets the account and region of the caller's AWS profile.
  const stateful = new StatefulStack(app, "LiveLikesStateful", {
    description: "live-likes: tables (kept across redeploys)",
    ...(settings.email ? { email: settings.email } : {}),
  });
  const stateless = new StatelessStack(app, "LiveLikesStateless", {
    description: "live-likes: WebSocket API, publish HTTP API, functions, schedule, alarms, the page",
    connections: stateful.connections,
    articles: stateful.articles,
    repositories: stateful.repositories,
    events: stateful.events,
    revocations: stateful.revocations,
    deliveries: stateful.deliveries,
    notifications: stateful.notifications,
    publishKeys: stateful.publishKeys,
    groups: stateful.groups,
    rollups: stateful.rollups,
    preferences: stateful.preferences,
    ...(stateful.emailIdentity ? { emailIdentity: stateful.emailIdentity } : {}),
    digests: stateful.digests,
    bodiesExports: stateful.bodiesExports,
    settings,
  });
  Tags.of(app).add("project", "live-likes");
  // An unacknowledged AwsSolutions error fails the synth; every acknowledgement carries its reason.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  // Also through the tables; said here because the bodies bucket is imported by export name.
  stateless.addDependency(stateful);
  return { stateful, stateless };
}
