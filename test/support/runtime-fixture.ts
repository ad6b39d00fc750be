/**
 * The vitest fixture "the local runtime with fakes": a fake Qiita holding one writer, a fake LINE,
 * the runtime wired as `npm start` wires it (loadConfig, then startLocalRuntime) on the run's
 * DynamoDB Local with tables of its own, and real `ws` clients. Whatever a test started is
 * stopped, closed or removed when the fixture's scope ends.
 *
 * `runtimeTest` keeps one per file, for tests that build on each other; `runtimePerTest` gives
 * each test its own.
 *
 * @example
 * const test = runtimePerTest;
 * test("a like reaches the writer's tab", async ({ local }) => {
 *   const [itemId] = local.qiita.addArticles(WRITER, 1) as [string];
 *   const runtime = await local.start();
 *   const tab = await local.open();
 *   local.qiita.like(itemId, "fan");
 *   await runtime.collectNow();
 *   await tab.framesAfter(1);
 * });
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "vitest";
import { type LocalConfig, loadConfig } from "#local/config.ts";
import { type LocalRuntime, type RuntimeOptions, startLocalRuntime } from "#local/runtime.ts";
import { FakeLineServer } from "#test/fakes/fake-line-server.ts";
import { FakeQiitaServer } from "#test/fakes/fake-qiita-server.ts";
import { localRuntimeEnv, testToken } from "./local-runtime.ts";
import { connect, type TestClient } from "./ws-client.ts";

/** The Qiita user whose articles the runtime watches, and the token it reads them with. */
export const WRITER = "writer";
export const QIITA_TOKEN = "qiita-token";
/** The LINE recipient every push goes to, and the channel token the fake LINE accepts. */
export const LINE_TO = "U-writer";
export const LINE_TOKEN = "line-channel-token";
/** Overrides that leave LINE unset. */
export const WITHOUT_LINE = { LINE_CHANNEL_ACCESS_TOKEN: undefined, LINE_TO: undefined, LINE_API_BASE_URL: undefined };

export type EnvOverrides = Readonly<Record<string, string | undefined>>;

export interface RuntimeWithFakes {
  readonly qiita: FakeQiitaServer;
  readonly line: FakeLineServer;
  /** Every client `open` opened, in order. */
  readonly clients: readonly TestClient[];
  /** The runtime started last; throws before the first start. */
  readonly runtime: LocalRuntime;
  /**
   * The settings `npm start` would read from an environment pointing at the fakes and at new
   * tables on the run's DynamoDB Local, with `overrides` (undefined unsets a variable).
   */
  config(overrides?: EnvOverrides): LocalConfig;
  /** Starts the runtime quietly, polling the stream every 50 ms; `config()` by default. */
  start(config?: LocalConfig, options?: RuntimeOptions): Promise<LocalRuntime>;
  /** A connected client of `userId` on the runtime started last. */
  open(userId?: string): Promise<TestClient>;
  /** Cuts every client and stops the runtime, so a test can start it again (a restart). */
  stop(): Promise<void>;
  /** A temporary directory, removed with the fixture. */
  tempDir(prefix: string): Promise<string>;
}

async function setUp(use: (local: RuntimeWithFakes) => Promise<void>): Promise<void> {
  const qiita = await FakeQiitaServer.start();
  qiita.addUser(WRITER, QIITA_TOKEN);
  const line = await FakeLineServer.start({ channelAccessToken: LINE_TOKEN });
  const clients: TestClient[] = [];
  const dirs: string[] = [];
  let current: LocalRuntime | undefined;
  let running: LocalRuntime | undefined;

  const stop = async () => {
    for (const client of clients) client.socket.terminate();
    await running?.stop();
    running = undefined;
  };
  const local: RuntimeWithFakes = {
    qiita,
    line,
    clients,
    get runtime() {
      if (!current) throw new Error("no runtime yet: call local.start() first");
      return current;
    },
    config: (overrides = {}) =>
      loadConfig({
        ...localRuntimeEnv({
          QIITA_TOKEN,
          QIITA_BASE_URL: qiita.baseUrl,
          LINE_CHANNEL_ACCESS_TOKEN: LINE_TOKEN,
          LINE_TO,
          LINE_API_BASE_URL: line.baseUrl,
        }),
        ...overrides,
      }),
    start: async (config = local.config(), options = {}) => {
      current = running = await startLocalRuntime(config, { logLevel: "SILENT", streamPollMs: 50, ...options });
      return current;
    },
    open: async (userId = WRITER) => {
      const client = await connect(`${local.runtime.websocketUrl}/?token=${testToken(userId)}`);
      clients.push(client);
      return client;
    },
    stop,
    tempDir: async (prefix) => {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
  };
  try {
    await use(local);
  } finally {
    await stop();
    await qiita.close();
    await line.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}

/** One runtime with fakes per test file: tests share it, in order. */
export const runtimeTest = test.extend<{ $file: { local: RuntimeWithFakes } }>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this destructuring.
  local: [async ({}, use) => setUp(use), { scope: "file" }],
});

/** A runtime with fakes of its own for every test. */
export const runtimePerTest = test.extend<{ local: RuntimeWithFakes }>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this destructuring.
  local: async ({}, use) => setUp(use),
});
