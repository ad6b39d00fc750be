import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { entryFile } from "../../infra/live-likes-function.ts";
import { repoRoot } from "./test-app.ts";

const run = promisify(execFile);

/** The environment of a machine with no AWS account: no credentials, no profile, no metadata service. */
function withoutAws(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("AWS_") && !key.startsWith("CDK_")));
  return {
    ...env,
    AWS_CONFIG_FILE: "/nonexistent/config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

describe("cdk synth (the CLI, offline, bundling with the local esbuild)", () => {
  const outdir = mkdtempSync(join(tmpdir(), "live-likes-synth-"));
  const root = fileURLToPath(repoRoot);
  let functions: { id: string; asset: string }[];

  beforeAll(async () => {
    await run("npx", ["cdk", "synth", "--quiet", "--output", outdir], { cwd: root, env: withoutAws(), timeout: 240_000 });
    const template = JSON.parse(readFileSync(join(outdir, "LiveLikesStateless.template.json"), "utf8"));
    functions = Object.entries(template.Resources as Record<string, any>)
      // The project's functions, not CDK's deploy-time helpers (page deployment, bucket notifications).
      .filter(
        ([, resource]) =>
          resource.Type === "AWS::Lambda::Function" && resource.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === "live-likes",
      )
      .map(([id, resource]) => ({ id, asset: join(outdir, `asset.${resource.Properties.Code.S3Key.replace(/\.zip$/, "")}`) }));
  }, 300_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it("writes both stacks with no AWS account or credentials", () => {
    // Act
    const files = readdirSync(outdir);

    // Assess
    expect(files).toEqual(expect.arrayContaining(["LiveLikesStateful.template.json", "LiveLikesStateless.template.json"]));
    expect(functions).toHaveLength(10);
  });

  it("builds every function from its deployed entry file src/lambda/<name>.ts", () => {
    for (const name of [
      "connect",
      "disconnect",
      "default",
      "stream",
      "group-part",
      "collect",
      "hot-poll",
      "publish",
      "release-scheduled",
      "send-digests",
    ] as const) {
      expect(entryFile(name)).toBe(fileURLToPath(new URL(`src/lambda/${name}.ts`, repoRoot)));
      expect(existsSync(entryFile(name)), name).toBe(true);
    }
  });

  it("bundles each handler as one ESM file with its source map", () => {
    for (const { id, asset } of functions) {
      // Act
      const files = readdirSync(asset).sort();
      const code = readFileSync(join(asset, "index.mjs"), "utf8");

      // Assess
      expect(files, id).toEqual(["index.mjs", "index.mjs.map"]);
      expect(code.startsWith("import { createRequire }"), id).toBe(true);
    }
  });

  it("produces bundles that Node loads as ES modules exporting `handler`", async () => {
    // Prepare
    const probe = `
      const paths = JSON.parse(process.argv[1]);
      const kinds = [];
      for (const path of paths) kinds.push(typeof (await import(path)).handler);
      console.log(JSON.stringify(kinds));`;
    const paths = functions.map(({ asset }) => join(asset, "index.mjs"));

    // Act
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", probe, JSON.stringify(paths)], {
      // What Lambda would set, so a handler that reads its settings at load time finds them.
      env: {
        ...withoutAws(),
        AWS_REGION: "us-east-1",
        CONNECTIONS_TABLE: "connections",
        ARTICLES_TABLE: "articles",
        EVENTS_TABLE: "events",
        REVOCATIONS_TABLE: "revocations",
        DELIVERIES_TABLE: "deliveries",
        NOTIFICATIONS_TABLE: "notifications",
        PUBLISH_KEYS_TABLE: "publish-keys",
        GROUPS_TABLE: "groups",
        RELEASE_SCHEDULE_GROUP: "live-likes-releases",
        RELEASE_SCHEDULER_ROLE_ARN: "arn:aws:iam::123456789012:role/release-scheduler",
        RELEASE_FUNCTION_ARN: "arn:aws:lambda:us-east-1:123456789012:function:release",
        MANAGEMENT_API_ENDPOINT: "https://example.execute-api.us-east-1.amazonaws.com/prod",
        TOKEN_SECRET_PARAMETER: "/live-likes/token-secret",
        LINE_CHANNEL_TOKEN_PARAMETER: "/live-likes/line-channel-token",
        LINE_RECIPIENTS_PARAMETER: "/live-likes/line-recipients",
        QIITA_ACCOUNTS_PARAMETER: "/live-likes/qiita-accounts",
        MAX_CONNECTIONS_PER_USER: "20",
        POWERTOOLS_METRICS_DISABLED: "true",
        LINE_MODE: "fallback",
      },
      timeout: 60_000,
    });

    // Assess
    expect(JSON.parse(stdout.trim().split("\n").pop()!)).toEqual(functions.map(() => "function"));
  });
});
