/**
 * Starts `aws-ses-v2-local` (npm), an SES v2 emulator, in this process: the SDK's `SendEmail` at
 * its endpoint, the mails it received on a page at the same address and as JSON at `/store`.
 * Mails are kept in memory only (the emulator's store is one per process).
 *
 * @example
 *   const ses = await startSesLocal({ port: 8005 });
 *   const client = new SESv2Client({ endpoint: ses.endpoint, region: ses.region, credentials: ses.credentials });
 *   // …send; read them back: await (await fetch(`${ses.endpoint}/store`)).json()
 *   await ses.stop();
 */
import type { Server } from "node:http";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import startServer from "aws-ses-v2-local";

export interface SesLocal {
  /** http://127.0.0.1:PORT: the SDK's endpoint and, in a browser, the page listing the mails. */
  readonly endpoint: string;
  /** The emulator accepts any signature; these keep the SDK from looking for real credentials. */
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  stop(): Promise<void>;
}

/** The port is taken: the emulator would crash the process on its listen error, so it is checked first. */
export class SesLocalPortError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is in use: stop what listens there or choose another port for the SES emulator`);
    this.name = "SesLocalPortError";
  }
}

const HOST = "127.0.0.1";

export async function startSesLocal(options: { readonly port: number }): Promise<SesLocal> {
  if (options.port !== 0 && !(await portFree(options.port))) throw new SesLocalPortError(options.port);
  // The package is CommonJS with `exports.default`: loaded from ESM, the function may sit one level down.
  const start = ((startServer as unknown as { default?: typeof startServer }).default ?? startServer) as typeof startServer;
  const server: Server = await start({ host: HOST, port: options.port });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${HOST}:${port}`,
    region: "aws-ses-v2-local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, HOST, () => probe.close(() => resolve(true)));
  });
}
