/**
 * `npm run replay-failures -- --bucket NAME`: the deployed stream's failure bucket ─▶ the deployed
 * stream function, invoked with each stored payload ─▶ the object deleted once it went through.
 *
 * 1. List the bucket's objects (every page), oldest key first: keys carry the shard and time.
 * 2. Read each one as an invocation record (failure-object.ts); `--dry-run` stops here.
 * 3. Invoke the function (`--function`, else the record's functionArn) synchronously with the
 *    stored payload, the DynamoDB stream event it got when the batch failed.
 * 4. No function error and no batchItemFailures: delete the object. Anything else: keep it whole
 *    (a replay is safe to repeat: the deliveries ledger sends nothing twice).
 */
import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from "@aws-sdk/client-lambda";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from "@aws-sdk/client-s3";
import { type FailureObject, parseFailureObject } from "./failure-object.ts";
import { ReplayInputError } from "./local-database.ts";
import { INCLUDE_OLD_FLAG, OUTLIVED_LEDGER, outlivedLedger } from "./ledger-age.ts";
import { describeRecords, type ReplaySummary, tooOldPart } from "./summary.ts";

export interface DeployedReplayOptions {
  readonly s3: S3Client;
  readonly lambda: LambdaClient;
  readonly bucket: string;
  /** The stream function; default: the functionArn each object names. */
  readonly functionName?: string;
  readonly dryRun?: boolean;
  /** Replay objects older than the deliveries ledger too, accepting repeats (ledger-age.ts). */
  readonly includeOld?: boolean;
  readonly nowMs?: () => number;
  readonly print?: (line: string) => void;
}

export async function replayDeployedFailures(options: DeployedReplayOptions): Promise<ReplaySummary> {
  const { s3, bucket, dryRun = false, includeOld = false, nowMs = Date.now, print = (line) => console.log(line) } = options;
  const summary: ReplaySummary = { batches: 0, delivered: 0, failing: 0, tooOld: 0, records: 0 };

  // 1.
  const keys = await listKeys(s3, bucket);
  if (keys.length === 0) {
    print(`nothing to replay: s3://${bucket} holds no failed batch`);
    return summary;
  }
  for (const key of keys) {
    summary.batches++;
    const kept = (reason: string) => {
      summary.failing++;
      print(`${key}: ${reason}; kept`);
    };
    // 2.
    let failure: FailureObject;
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      failure = parseFailureObject((await object.Body?.transformToString()) ?? "");
    } catch (error) {
      kept(errorText(error));
      continue;
    }
    const what = describeRecords(failure.event.Records);
    if (!includeOld && outlivedLedger(failure.event.Records, nowMs())) {
      summary.tooOld++;
      print(`${key}: ${dryRun ? "would keep " : ""}${what} ${OUTLIVED_LEDGER}${dryRun ? "" : "; kept"}`);
      continue;
    }
    summary.records += failure.event.Records.length;
    const target = options.functionName ?? failure.functionArn;
    if (!target) {
      kept("the record names no function: pass --function with the stream function's name");
      continue;
    }
    if (dryRun) {
      print(`${key}: would replay ${what} to ${target}`);
      continue;
    }
    // 3.
    const answer = await invoke(options.lambda, target, failure.payload);
    if (answer !== "ok") {
      kept(`still failing ${what}: ${answer}`);
      continue;
    }
    // 4.
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    summary.delivered++;
    print(`${key}: delivered ${what}; deleted`);
  }
  print(
    dryRun
      ? `dry run: ${summary.batches} object(s), ${summary.records} record(s) to replay in s3://${bucket}; nothing invoked or deleted`
      : `replayed ${summary.batches} object(s): ${summary.delivered} delivered and deleted, ${summary.failing} still failing` +
          (summary.failing > 0 ? ` (kept in s3://${bucket}; fix the cause the lines above name, then replay again)` : "") +
          tooOldPart(summary, INCLUDE_OLD_FLAG),
  );
  return summary;
}

async function listKeys(s3: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    let page: ListObjectsV2CommandOutput;
    try {
      page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ...(token ? { ContinuationToken: token } : {}) }));
    } catch (error) {
      if ((error as Error).name === "NoSuchBucket") {
        throw new ReplayInputError(
          `no bucket ${bucket}: pass the StreamFailureBucketName output of LiveLikesStateless (and --region if it is elsewhere)`,
        );
      }
      throw error;
    }
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

/** "ok", or why the invocation did not go through. */
async function invoke(lambda: LambdaClient, functionName: string, payload: string): Promise<string> {
  let response: InvokeCommandOutput;
  try {
    response = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, InvocationType: "RequestResponse", Payload: new TextEncoder().encode(payload) }),
    );
  } catch (error) {
    return errorText(error);
  }
  const text = response.Payload ? new TextDecoder().decode(response.Payload) : "";
  if (response.FunctionError) {
    const body = safeJson(text) as { errorType?: string; errorMessage?: string } | undefined;
    return `the function failed (${response.FunctionError}${body?.errorType ? `: ${body.errorType}: ${body.errorMessage ?? ""}` : ""})`;
  }
  const failures = (safeJson(text) as { batchItemFailures?: unknown } | undefined)?.batchItemFailures;
  if (Array.isArray(failures) && failures.length > 0) {
    return `the function reported ${failures.length} record(s) in batchItemFailures (see its log)`;
  }
  return "ok";
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
