/** The local side's name for the one settings error type (src/domain/setting-error.ts). */
export { SettingError as ConfigError } from "#domain/setting-error.ts";
