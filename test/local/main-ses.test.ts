/**
 * `npm start` and its SES emulator, as a user meets them (a real process on the run's DynamoDB
 * Local): the banner says where to read the mail, and that page answers; SES_PORT taken is one line.
 */
import { type AddressInfo, createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { localRuntimeEnv } from "#test/support/local-runtime.ts";
import { freePort, killNpmStarts, startNpmStart } from "#test/support/npm-start-process.ts";
import { waitFor } from "#test/support/wait-for.ts";

const servers: Server[] = [];

afterEach(async () => {
  killNpmStarts();
  for (const server of servers.splice(0)) server.close();
});

describe("npm start's SES emulator", () => {
  it("prints where to read the mail, and the page there lists the mails", async () => {
    // Prepare
    const sesPort = await freePort();

    // Act
    const started = startNpmStart(localRuntimeEnv({ SES_PORT: String(sesPort), EMAIL_TO: "me@example.com" }));
    const line = await waitFor(() => /^ {2}Mail \(SES v2\): +read it at (\S+)/m.exec(started.output.stdout)?.[1], {
      timeoutMs: 30_000,
      what: `the banner (stdout: ${started.output.stdout}, stderr: ${started.output.stderr})`,
    });

    // Assess
    expect(line).toBe(`http://localhost:${sesPort}`);
    expect(started.output.stdout).toMatch(/^ {2}E-mail: +fallback from live-likes@localhost to me@example\.com$/m);
    const page = await fetch(`http://127.0.0.1:${sesPort}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("aws-ses-v2-local");
  });

  it("stops in one line naming SES_PORT when the port is taken", async () => {
    // Prepare
    const taken = createServer();
    servers.push(taken);
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    const { port } = taken.address() as AddressInfo;

    // Act
    const started = startNpmStart(localRuntimeEnv({ SES_PORT: String(port) }));
    const code = await started.exited;

    // Assess
    expect(code).toBe(1);
    expect(started.output.stderr.trim().split("\n")).toEqual([
      `Cannot start: SES_PORT=${port} cannot be used (another process listens there): stop that process or choose another port, e.g. SES_PORT=${port + 1} npm start.`,
    ]);
  });
});
