/** Powertools' Logger, keeping what it is asked to log instead of printing it. */
import { Logger } from "@aws-lambda-powertools/logger";

export interface LoggedLine {
  readonly level: "info" | "warn" | "error";
  readonly message: string;
  readonly attributes: unknown;
}

export class RecordingLogger extends Logger {
  readonly lines: LoggedLine[] = [];
  override info(...[message, attributes]: Parameters<Logger["info"]>): void {
    this.lines.push({ level: "info", message: String(message), attributes });
  }
  override warn(...[message, attributes]: Parameters<Logger["warn"]>): void {
    this.lines.push({ level: "warn", message: String(message), attributes });
  }
  override error(...[message, attributes]: Parameters<Logger["error"]>): void {
    this.lines.push({ level: "error", message: String(message), attributes });
  }
}
