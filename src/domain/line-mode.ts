/** When a like also goes to LINE (LINE_MODE). */
export type LineMode = "fallback" | "always" | "off";

export const LINE_MODES: readonly LineMode[] = ["fallback", "always", "off"];

export function isLineMode(value: string): value is LineMode {
  return (LINE_MODES as readonly string[]).includes(value);
}

/** fallback: only likes no live connection received; always: every like; off: never. */
export function needsLine(mode: LineMode, deliveredTo: number): boolean {
  return mode === "always" || (mode === "fallback" && deliveredTo === 0);
}
