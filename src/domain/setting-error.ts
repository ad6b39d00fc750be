/**
 * A setting is wrong or missing, on the laptop or deployed. The message names the setting and
 * says how to fix it, so a start can stop with that one line and no stack trace.
 */
export class SettingError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = "SettingError";
  }
}
