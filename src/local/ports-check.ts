/** Says which variable to change when a port this machine should listen on is already taken. */
import { createServer } from "node:net";
import { SettingError } from "#domain/setting-error.ts";

export async function assertPortFree(port: number, variable: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE" || error.code === "EACCES") {
        reject(
          new SettingError(
            variable,
            `${variable}=${port} cannot be used (${error.code === "EADDRINUSE" ? "another process listens there" : "permission denied"}): ` +
              `stop that process or choose another port, e.g. ${variable}=${port + 1} npm start.`,
          ),
        );
      } else reject(error);
    });
    server.listen(port, () => server.close(() => resolve()));
  });
}
