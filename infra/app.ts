/** CDK entry point (cdk.json: `npx tsx infra/app.ts`). */
import { App } from "aws-cdk-lib";
import { buildLiveLikesApp } from "./live-likes-app.ts";

buildLiveLikesApp(new App());
