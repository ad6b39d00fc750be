/**
 * `npm start` as a user runs it, in a real process: `node --import tsx src/local/main.ts` (not the
 * tsx CLI, which runs the script in a child of its own that a kill would leave running), its
 * output gathered, and every process a test started killed after it.
 *
 * @example
 *   afterEach(killNpmStarts);
 *   const started = startNpmStart(localRuntimeEnv({ DATA_DIR: dir }));
 *   await waitFor(() => started.output.stdout.includes("live-likes is running") || undefined);
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";

export interface NpmStart {
  readonly child: ChildProcess;
  readonly output: { stdout: string; stderr: string };
  /** Resolves the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
}

const started: ChildProcess[] = [];

/** Starts `npm start` with exactly `env` (and PATH): the test's settings, nothing of the shell's. */
export function startNpmStart(env: Record<string, string>): NpmStart {
  const child = spawn(process.execPath, ["--import", "tsx", "src/local/main.ts"], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  const output = { stdout: "", stderr: "" };
  child.stdout?.on("data", (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output, exited };
}

/** Kills what startNpmStart started and is still running (for afterEach). */
export function killNpmStarts(): void {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
