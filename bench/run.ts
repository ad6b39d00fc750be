/**
 * `npm run bench` (about 19 minutes) and `npm run bench -- --quick` (about 5): fan-out, group
 * broadcast, publish API latency, end-to-end delay, like → notice, collector cost and bundles, each
 * side by side with the usual way, in one run on this machine. Writes bench/results/latest.{json,md,svg}
 * (--quick: quick.*). Not part of `npm test`. `npm run bench -- --only like-notice` (or
 * `group-broadcast`, `publish-latency`) runs that section alone and prints its table without
 * writing results (they stay whole).
 */
import "./support/local-env.ts";
import { execFileSync } from "node:child_process";
import { startDynamoDbLocal } from "#local/aws/dynamodb-local.ts";
import { FANOUT_CONCURRENCY } from "#domain/delivery/deliver-batch.ts";
import { benchBundles } from "./bundles/bundle-bench.ts";
import { ClientLoad } from "./client-load/client-load.ts";
import { PRICES } from "./collector/prices.ts";
import { benchCollector } from "./collector/collector-bench.ts";
import { benchEndToEnd } from "./e2e/e2e-bench.ts";
import { benchFanout } from "./fanout/fanout-bench.ts";
import { benchGitHub } from "./github/github-bench.ts";
import { githubMarkdown } from "./github/github-rows.ts";
import { benchGroupBroadcast } from "./group-broadcast/group-broadcast-bench.ts";
import { benchLikeNotice } from "./like-notice/like-notice-bench.ts";
import { benchPublishLatency } from "./publish-latency/publish-latency-bench.ts";
import { groupBroadcastMarkdown, likeNoticeMarkdown, publishLatencyMarkdown } from "./report/markdown.ts";
import type { BenchResults } from "./report/results.ts";
import { checkTargets } from "./report/targets.ts";
import { writeResults } from "./report/write-results.ts";
import { BENCH_CREDENTIALS } from "./support/bench-tables.ts";
import { describeMachine } from "./support/machine.ts";

const quick = process.argv.includes("--quick");
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
const ALONE = ["like-notice", "group-broadcast", "publish-latency", "github"];
if (only !== undefined && !ALONE.includes(only)) throw new Error(`--only ${only}: the sections that run alone are ${ALONE.join(", ")}.`);
const plan = quick
  ? {
      fanoutSizes: [10, 100, 1_000],
      latencySizes: [100],
      repetitions: 1,
      rates: [10, 100, 500],
      seconds: 10,
      collectorSizes: [10, 1_000],
      imports: 3,
      groupMembers: 100,
      publishSeconds: 10,
    }
  : {
      fanoutSizes: [10, 100, 1_000, 5_000],
      latencySizes: [100, 1_000],
      repetitions: 3,
      rates: [10, 100, 500],
      seconds: 30,
      collectorSizes: [10, 1_000, 10_000],
      imports: 7,
      groupMembers: 500,
      publishSeconds: 30,
    };
/** The group: its members hold 5,000 connections in all (a quick run: 1,000). */
const SOCKETS_PER_MEMBER = 10;
/** The rate for the publish API's latency. */
const PUBLISH_RATE = 50;
/** The issue asks for at least 5 minutes of likes; a quick run takes one. */
const likeNoticePlan = quick
  ? { durationSeconds: 60, idleSeconds: 10, likeEverySeconds: 5 }
  : { durationSeconds: 300, idleSeconds: 30, likeEverySeconds: 8 };
/** A Lambda ↔ API Gateway round trip in one region is several ms; loopback has almost none. */
const SIMULATED_ROUND_TRIP_MS = 10;

const started = Date.now();
const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

assertFileLimit(2 * Math.max(...plan.fanoutSizes) + 1_000);
const machine = describeMachine();
log(
  `${quick ? "quick" : "full"} run on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load ${machine.load_average.join(" ")}`,
);

// Every client in the bench signs with local-env.ts's key (the SDK's default chain included), and
// DynamoDB Local keeps one database per access key id: give it that key.
const dynamo = await startDynamoDbLocal({ port: 0, credentials: BENCH_CREDENTIALS });
if (only === "like-notice") {
  try {
    const likeNotice = await benchLikeNotice({ dynamodbEndpoint: dynamo.endpoint, ...likeNoticePlan, log });
    console.log(likeNoticeMarkdown(likeNotice).join("\n"));
    for (const check of checkTargets({ ...emptyResults(), like_notice: likeNotice }).filter((c) => c.target.startsWith("Like"))) {
      log(`${check.reached === undefined ? "n/a " : check.reached ? "yes " : "NO  "} ${check.target}: ${check.detail}`);
    }
  } finally {
    await dynamo.stop();
  }
  log("done");
  process.exit(0);
}
/** The account sizes for the GitHub row: an idle poll at 10, 100 and 1,000 repositories. */
const GITHUB_SIZES = [10, 100, 1_000];
if (only === "github") {
  try {
    console.log(githubMarkdown(await benchGitHub({ dynamodbEndpoint: dynamo.endpoint, sizes: GITHUB_SIZES, log })).join("\n"));
  } finally {
    await dynamo.stop();
  }
  log("done");
  process.exit(0);
}
const clients = ClientLoad.start();
const groupBroadcast = () =>
  benchGroupBroadcast({
    dynamodbEndpoint: dynamo.endpoint,
    clients,
    members: plan.groupMembers,
    socketsPerMember: SOCKETS_PER_MEMBER,
    repetitions: plan.repetitions,
    log,
  });
const publishLatency = () =>
  benchPublishLatency({ dynamodbEndpoint: dynamo.endpoint, clients, rate: PUBLISH_RATE, durationSeconds: plan.publishSeconds, log });
if (only === "group-broadcast" || only === "publish-latency") {
  try {
    const lines =
      only === "group-broadcast" ? groupBroadcastMarkdown(await groupBroadcast()) : publishLatencyMarkdown(await publishLatency());
    console.log(lines.join("\n"));
  } finally {
    clients.stop();
    await dynamo.stop();
  }
  log("done");
  process.exit(0);
}
try {
  const { fanout, latency } = await benchFanout({
    dynamodbEndpoint: dynamo.endpoint,
    clients,
    sizes: plan.fanoutSizes,
    repetitions: plan.repetitions,
    latencySizes: plan.latencySizes,
    latencyMs: SIMULATED_ROUND_TRIP_MS,
    log,
  });
  const group_broadcast = await groupBroadcast();
  const publish_latency = await publishLatency();
  const e2e = await benchEndToEnd({ dynamodbEndpoint: dynamo.endpoint, clients, rates: plan.rates, durationSeconds: plan.seconds, log });
  const likeNotice = await benchLikeNotice({ dynamodbEndpoint: dynamo.endpoint, ...likeNoticePlan, log });
  const collector = await benchCollector({ dynamodbEndpoint: dynamo.endpoint, sizes: plan.collectorSizes, log });
  const github = await benchGitHub({ dynamodbEndpoint: dynamo.endpoint, sizes: GITHUB_SIZES, log });
  const bundles = await benchBundles({ imports: plan.imports, log });
  const results: BenchResults = {
    date: new Date().toISOString(),
    mode: quick ? "quick" : "full",
    machine,
    repetitions: plan.repetitions,
    fanout_concurrency: FANOUT_CONCURRENCY,
    fanout,
    fanout_latency: latency,
    group_broadcast,
    publish_latency,
    e2e,
    like_notice: likeNotice,
    collector,
    github,
    bundles,
    prices: PRICES,
  };
  // A quick run never overwrites the committed full results.
  for (const path of writeResults(results, quick ? "quick" : "latest")) log(`wrote ${path}`);
  for (const check of checkTargets(results)) {
    log(`${check.reached === undefined ? "n/a " : check.reached ? "yes " : "NO  "} ${check.target}: ${check.detail}`);
  }
} finally {
  clients.stop();
  await dynamo.stop();
}
log("done");

/** Results with no section measured, for rendering one section alone. */
function emptyResults(): BenchResults {
  return {
    date: new Date().toISOString(),
    mode: quick ? "quick" : "full",
    machine,
    repetitions: 0,
    fanout_concurrency: FANOUT_CONCURRENCY,
    fanout: [],
    fanout_latency: [],
    e2e: [],
    collector: [],
    bundles: [],
    prices: PRICES,
  };
}

/** Client and server sockets both live on this machine: say so early if the descriptor limit is too low. */
function assertFileLimit(needed: number): void {
  const soft = Number(execFileSync("sh", ["-c", "ulimit -n"], { encoding: "utf8" }).trim());
  if (Number.isFinite(soft) && soft < needed) {
    throw new Error(
      `open-file limit is ${soft}; the fan-out to 5,000 needs about ${needed}. Run \`ulimit -n ${needed}\` in this shell first.`,
    );
  }
}
