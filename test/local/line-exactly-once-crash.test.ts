/**
 * The real `npm start` process, LINE accepting a push and the process killed (SIGKILL) before it
 * hears the answer — so before the ledger marks the push sent and before the stream checkpoint —
 * then more likes, then a restart on the same DATA_DIR: every like reaches LINE exactly once.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeLineServer } from "#test/fakes/fake-line-server.ts";
import { FakeQiitaServer } from "#test/fakes/fake-qiita-server.ts";
import { localRuntimeEnv } from "#test/support/local-runtime.ts";
import { waitFor } from "#test/support/wait-for.ts";

const writer = "crash-writer";
const lineToken = "crash-line-token";

/** `npm start`'s own entry, as `npm start` runs it; resolves once it says it is running. */
async function startProcess(env: Record<string, string>): Promise<ChildProcess> {
  // `node --import tsx`, not the tsx CLI: the CLI runs the script in a child of its own, which a
  // SIGKILL of the CLI would leave running.
  const child = spawn(process.execPath, ["--import", "tsx", "src/local/main.ts"], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  await waitFor(() => (output.includes("live-likes is running") ? true : child.exitCode !== null ? fail(output) : undefined), {
    timeoutMs: 30_000,
    what: "npm start to say it is running",
  });
  return child;
}

function fail(output: string): never {
  throw new Error(`npm start exited: ${output}`);
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once("exit", () => resolve()));

describe("LINE exactly once across a crash after LINE accepted", () => {
  let dataDir: string;
  let qiita: FakeQiitaServer;
  let line: FakeLineServer;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "live-likes-crash-"));
    qiita = await FakeQiitaServer.start();
    qiita.addUser(writer, "qiita-token");
    line = await FakeLineServer.start({ channelAccessToken: lineToken });
    env = localRuntimeEnv({
      DATA_DIR: dataDir,
      POLL_INTERVAL_SECONDS: "0.2",
      QIITA_TOKEN: "qiita-token",
      QIITA_BASE_URL: qiita.baseUrl,
      LINE_CHANNEL_ACCESS_TOKEN: lineToken,
      LINE_TO: "U-crash-writer",
      LINE_API_BASE_URL: line.baseUrl,
      LOG_LEVEL: "SILENT",
    });
  });

  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await Promise.all(children.map(exited));
    await qiita?.close();
    await line?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("pushes the accepted like once and the later ones once after the restart", async () => {
    // Prepare: a running npm start past its baseline; LINE kills it the moment it accepts a push
    const [first, second] = qiita.addArticles(writer, 2, { likers: 1 }) as [string, string];
    const before = await startProcess(env);
    children.push(before);
    line.onAccepted = () => {
      before.kill("SIGKILL");
    };

    // Act: a like while nobody is connected → LINE accepts → killed before it hears back
    qiita.like(first, "liked-before-crash");
    await waitFor(() => (line.deliveries.length === 1 ? true : undefined), { timeoutMs: 15_000, what: "the accepted push" });
    await exited(before);
    line.onAccepted = undefined;
    qiita.like(second, "liked-while-down");
    children.push(await startProcess(env));
    await waitFor(() => (line.deliveries.some((d) => d.texts.join("\n").includes("liked-while-down")) ? true : undefined), {
      timeoutMs: 20_000,
      what: "the later like on LINE",
    });

    // Assess: the replayed push was dropped by LINE as a repeat (409), so each like shows once
    const shown = line.deliveries.map((delivery) => delivery.texts.join("\n"));
    expect(shown.filter((text) => text.includes("liked-before-crash"))).toHaveLength(1);
    expect(shown.filter((text) => text.includes("liked-while-down"))).toHaveLength(1);
    expect(line.requests.filter((request) => request.status === 409)).toHaveLength(1);
  }, 90_000);
});
