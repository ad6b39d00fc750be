/**
 * `npm start`: live-likes on this machine. Reads the environment, starts everything, prints the
 * URLs, and shuts everything down (DynamoDB Local included) on Ctrl-C.
 */
import { GitHubAuthError } from "#adapters/github/github-errors.ts";
import { QiitaAuthError } from "#adapters/qiita/qiita-errors.ts";
import { SettingError } from "#domain/setting-error.ts";
import { DynamoDbLocalError } from "./aws/dynamodb-local-error.ts";
import { S3LocalError } from "./aws/s3-local.ts";
import { loadConfig } from "./config.ts";

// The AWS SDK's documented switch for its "upgrade to node >=22" notice: README recommends Node 22
// and says 20 still works, so repeating it at every start only buries the banner.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

async function main(): Promise<void> {
  const started = Date.now();
  // Settings first, before the handlers load, so a wrong one stops us with one clear line.
  const config = loadConfig(process.env);
  const { startLocalRuntime, welcomeToken } = await import("./runtime.ts");
  // A change of the source's health, as it happens: one line with the time, never a stack.
  const notice = (line: string) => console.log(`[${new Date().toLocaleTimeString()}] ${line}`);
  const runtime = await startLocalRuntime(config, { notice });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    await runtime.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  const token = welcomeToken(runtime);
  const page = runtime.httpUrl.replace("127.0.0.1", "localhost");
  const ws = runtime.websocketUrl.replace("127.0.0.1", "localhost");
  const writer = runtime.userId ?? "YOUR_QIITA_USER_ID";
  const who = runtime.demo
    ? ` — demo mode: the simulated Qiita writer "${runtime.userId}" gets likes (and stars) every few seconds`
    : !config.qiita && runtime.github
      ? ` — watching the GitHub stars of "${runtime.userId ?? "(GitHub has not answered yet)"}" (no Qiita settings)`
      : runtime.userId
        ? ` — watching Qiita writer "${runtime.userId}"`
        : " — Qiita has not answered yet, so whose likes to watch is not known: a line says when it is";
  console.log(
    [
      "",
      `live-likes is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)${who}`,
      "",
      ...(token
        ? [`  Open in a browser:  ${page}/?token=${token}`, `  Or in a terminal:   npx wscat -c "${ws}/?token=${token}"`]
        : [
            `  Open in a browser:  ${page}/?token=TOKEN`,
            `  Or in a terminal:   npx wscat -c "${ws}/?token=TOKEN"`,
            `                      with TOKEN from: npm run --silent token -- ${writer}`,
          ]),
      `  Your numbers:       the page's Dashboard (or #dashboard after its URL), days in ${config.timeZone} (TIME_ZONE)`,
      ...(runtime.github
        ? [
            `  GitHub stars:       ${runtime.demo ? "the simulated account" : `"${runtime.github.login() ?? "(not answered yet)"}"`}'s repositories, polled every ${runtime.demo ? config.pollIntervalSeconds : (config.github?.pollIntervalSeconds ?? 60)} s (an idle poll is all 304s)`,
          ]
        : []),
      `  Management API:     ${page}/@connections/{connectionId}`,
      `  DynamoDB:           ${runtime.dynamodbEndpoint}  (tables ${Object.values(config.tables).join(", ")})`,
      `                      sign as AWS_ACCESS_KEY_ID=${runtime.dynamodbAccess.accessKeyId} AWS_REGION=${runtime.dynamodbAccess.region} (any secret) to see them` +
        (runtime.dynamodbAccess.listensOn === "every interface"
          ? "\n                      WARNING: DynamoDB Local listens on every interface (no JDK compiler to bind it to 127.0.0.1); only its key keeps others out"
          : ""),
      `  S3 (large bodies):  ${runtime.s3.endpoint}  (bucket ${runtime.s3.bucket}, path-style; ${runtime.s3.started ? "s3rver started here" : "S3_ENDPOINT"})`,
      runtime.ses.started
        ? `  Mail (SES v2):      read it at ${runtime.ses.endpoint.replace("127.0.0.1", "localhost")}  (aws-ses-v2-local started here; kept in memory)`
        : `  Mail (SES v2):      sent through ${runtime.ses.endpoint} (SES_ENDPOINT)`,
      `  E-mail:             ${config.email.mode === "off" ? "off (EMAIL_MODE=off)" : `${config.email.mode} from ${config.email.from} to ${config.email.to ?? "the address each person sets (EMAIL_TO sets yours)"}`}`,
      `  Data kept in:       ${config.dataDir ?? "memory (DATA_DIR=memory)"}`,
      `  More tokens:        npm run --silent token -- ${writer} --ttl 30d`,
      "",
      "Press Ctrl-C to stop.",
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  // Expected failures say what to do in one line; only the unexpected get a stack.
  if (
    error instanceof SettingError ||
    error instanceof DynamoDbLocalError ||
    error instanceof S3LocalError ||
    error instanceof QiitaAuthError ||
    error instanceof GitHubAuthError
  ) {
    console.error(`Cannot start: ${error.message}`);
  } else {
    console.error("Cannot start:", error);
  }
  process.exit(1);
});
