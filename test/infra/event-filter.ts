/**
 * Lambda event filtering's pattern semantics for the subset the stream filters use (value lists,
 * `numeric`, `exists`, as Lambda event filtering documents them), to test a FilterCriteria
 * against stream records without AWS.
 */
export type Pattern = { [key: string]: Pattern | unknown[] };

/** Whether `event` matches `pattern`: a list matches any of its values or matchers. */
export function matches(pattern: Pattern, event: unknown): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    const value = event !== null && typeof event === "object" ? (event as Record<string, unknown>)[key] : undefined;
    if (!Array.isArray(rule)) return matches(rule as Pattern, value ?? {});
    return rule.some((option) => {
      if (option !== null && typeof option === "object") {
        const matcher = option as { exists?: boolean; numeric?: [string, number] };
        if (matcher.exists !== undefined) return matcher.exists === (value !== undefined);
        if (matcher.numeric) {
          if (value === undefined) return false;
          const [op, bound] = matcher.numeric;
          const number = Number(value);
          return op === ">" ? number > bound : op === ">=" ? number >= bound : op === "=" ? number === bound : number < bound;
        }
        throw new Error(`matcher not supported by this evaluator: ${JSON.stringify(option)}`);
      }
      return value === option;
    });
  });
}
