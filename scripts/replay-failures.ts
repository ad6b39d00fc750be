/**
 * `npm run replay-failures`: sends the stream batches that were given up on again, exactly once.
 *
 *   npm run replay-failures [-- --dry-run]
 *       the laptop: DATA_DIR/failed-records.jsonl through the stream handler npm start runs,
 *       with npm start's settings (the same environment); what went through leaves the file.
 *   npm run replay-failures -- --bucket NAME [--region R] [--function NAME] [--dry-run]
 *       AWS: each object of the failure bucket (StreamFailureBucketName) to the deployed stream
 *       function; what went through is deleted.
 *
 * A batch older than the deliveries ledger remembers is kept unsent unless --include-old
 * (replay-failures/ledger-age.ts). Exits 0 when nothing is left to replay, 1 when some batch
 * failed again or was kept as too old, 2 on a wrong setting.
 */
import { parseArgs } from "node:util";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { SettingError } from "#domain/setting-error.ts";
import { DynamoDbLocalError } from "#local/aws/dynamodb-local-error.ts";
import { ReplayInputError } from "./replay-failures/local-database.ts";
import { replayDeployedFailures } from "./replay-failures/replay-deployed.ts";
import { replayLocalFailures } from "./replay-failures/replay-local.ts";
import type { ReplaySummary } from "./replay-failures/summary.ts";

// As in npm start (src/local/main.ts): the SDK's "upgrade to node >=22" notice would bury the one line a user reads.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export const USAGE = `usage: npm run replay-failures [-- --dry-run] [--include-old]
       npm run replay-failures -- --bucket NAME [--region REGION] [--function NAME] [--dry-run] [--include-old]

Without --bucket: replays DATA_DIR/failed-records.jsonl on this machine, with the settings npm start uses.
--bucket   the deployed failure bucket (the StreamFailureBucketName output of LiveLikesStateless)
--region   its region (default: AWS_REGION or your profile's)
--function the stream function to invoke (default: the function each object names)
--dry-run  list what would be replayed; send, delete and rewrite nothing
--include-old  also replay batches older than the 2 days the deliveries table remembers what went out
           (kept otherwise: what had gone out could go out again)`;

function parseOptions(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      bucket: { type: "string" },
      region: { type: "string" },
      function: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      "include-old": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}

export async function runReplayFailures(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  print: (line: string) => void = (line) => console.log(line),
): Promise<number> {
  let values: ReturnType<typeof parseOptions>["values"];
  try {
    ({ values } = parseOptions(argv));
  } catch (error) {
    throw new ReplayInputError(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    print(USAGE);
    return 0;
  }
  const dryRun = values["dry-run"];
  const includeOld = values["include-old"];
  let summary: ReplaySummary;
  if (values.bucket === undefined) {
    if (values.region !== undefined || values.function !== undefined) {
      throw new ReplayInputError(`--region and --function go with --bucket (the deployed replay)\n${USAGE}`);
    }
    summary = await replayLocalFailures(env, { dryRun, includeOld, print });
  } else {
    const region = values.region ? { region: values.region } : {};
    const s3 = new S3Client(region);
    const lambda = new LambdaClient(region);
    try {
      summary = await replayDeployedFailures({
        s3,
        lambda,
        bucket: values.bucket,
        ...(values.function ? { functionName: values.function } : {}),
        dryRun,
        includeOld,
        print,
      });
    } finally {
      s3.destroy();
      lambda.destroy();
    }
  }
  return summary.failing + summary.tooOld > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exitCode = await runReplayFailures(process.argv.slice(2), process.env);
  } catch (error) {
    // Expected failures say what to do in one line; only the unexpected get a stack.
    const expected = error instanceof ReplayInputError || error instanceof SettingError || error instanceof DynamoDbLocalError;
    console.error(expected ? `Cannot replay: ${(error as Error).message}` : error);
    process.exitCode = 2;
  }
}
