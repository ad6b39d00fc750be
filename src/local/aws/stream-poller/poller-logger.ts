/** The few logging calls the poller makes; Powertools' Logger and `console` both fit. */
export interface PollerLogger {
  debug(message: string, ...extra: unknown[]): void;
  info(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

export const silentLogger: PollerLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
