/**
 * A taken port is named with the variable to change; on DYNAMODB_PORT, a DynamoDB Local left
 * running (here: the run's own, a real Java process) is named as such, with its pid and how to stop it.
 */
import { execFile } from "node:child_process";
import { createServer as createHttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { assertPortFree, dynamoDbLocalHolder } from "#local/ports-check.ts";
import { dynamodbEndpoint } from "#test/support/dynamodb.ts";

const run = promisify(execFile);
const dynamodbPort = () => Number(new URL(dynamodbEndpoint()).port);
const servers: Server[] = [];
const sockets: Socket[] = [];

/** A listener that accepts and never answers. */
async function listen(): Promise<number> {
  const server = createServer((socket) => sockets.push(socket));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, resolve));
  return (server.address() as { port: number }).port;
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

describe("ports check", () => {
  it("names a DynamoDB Local holding DYNAMODB_PORT with its pid and the kill that stops it, in one line", async () => {
    // Act
    const refused = await assertPortFree(dynamodbPort(), "DYNAMODB_PORT", dynamoDbLocalHolder).catch((error: Error) => error);

    // Assess
    const message = (refused as Error).message;
    const pid = /pid (\d+)/.exec(message)?.[1];
    expect(message).toMatch(
      new RegExp(
        `^DYNAMODB_PORT=${dynamodbPort()} cannot be used: the DynamoDB Local of an earlier npm start is still running there \\(pid \\d+\\), ` +
          "probably because that npm start was killed: stop it with `kill \\d+` and start again, or choose another port",
      ),
    );
    expect(message).toContain(`\`kill ${pid}\``);
    expect(message).not.toContain("\n");
    const { stdout } = await run("ps", ["-o", "args=", "-p", pid as string]);
    expect(stdout).toContain("DynamoDBLocal");
  });

  it("says only that another process listens when what holds the port is no DynamoDB", async () => {
    // Prepare
    const port = await listen();

    // Act
    const refused = await assertPortFree(port, "DYNAMODB_PORT", dynamoDbLocalHolder).catch((error: Error) => error);

    // Assess
    expect((refused as Error).message).toBe(
      `DYNAMODB_PORT=${port} cannot be used (another process listens there): stop that process or choose another port, e.g. DYNAMODB_PORT=${port + 1} npm start.`,
    );
  });

  it("names what answers ListTables as a DynamoDB when no process of it can be seen, and how to find and stop it", async () => {
    // Prepare: a DynamoDB stand-in (as one in a container, or where there is no /proc)
    const server = createHttpServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/x-amz-json-1.0" }).end('{"TableNames":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };

    // Act
    const refused = await assertPortFree(port, "DYNAMODB_PORT", dynamoDbLocalHolder)
      .catch((error: Error) => error)
      .finally(() => server.close());

    // Assess
    expect((refused as Error).message).toBe(
      `DYNAMODB_PORT=${port} cannot be used: a DynamoDB answers there, perhaps the DynamoDB Local of an npm start that was killed: ` +
        `stop it (find its pid with \`pgrep -f DynamoDBLocal\`, then \`kill PID\`), use it with DYNAMODB_ENDPOINT=http://127.0.0.1:${port}, ` +
        `or choose another port, e.g. DYNAMODB_PORT=${port + 1} npm start.`,
    );
  });

  it("refuses npm start on a DYNAMODB_PORT held by a DynamoDB Local in one line, without a stack", async () => {
    // Act: npm start with no DYNAMODB_ENDPOINT, on the run's DynamoDB Local's port
    const result = await run(process.execPath, ["--import", "tsx", "src/local/main.ts"], {
      env: { PATH: process.env.PATH ?? "", PORT: "0", DATA_DIR: "memory", DYNAMODB_PORT: String(dynamodbPort()) },
    }).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        /^Cannot start: DYNAMODB_PORT=\d+ cannot be used: the DynamoDB Local of an earlier npm start is still running there \(pid \d+/,
      ),
    ]);
  });
});
