/**
 * Small, exact statistics for the bench's report and the soak's tally: nearest-rank percentiles
 * and the median.
 */

/** The nearest-rank percentile (p in 0..100) of `values`; undefined for none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  return rank(sortedCopy(values), p);
}

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** p50, p95, p99 and max in one sort (a soak tallies hundreds of thousands); all zero for none. */
export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = sortedCopy(values);
  return { p50: rank(sorted, 50), p95: rank(sorted, 95), p99: rank(sorted, 99), max: rank(sorted, 100) };
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = sortedCopy(values);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Rounds to 0.1 ms, enough for a table and stable in JSON. */
export const round1 = (value: number): number => Math.round(value * 10) / 10;

/** A typed array sorts numbers numerically, and fast. */
const sortedCopy = (values: readonly number[]): Float64Array => Float64Array.from(values).sort();

function rank(sorted: Float64Array, p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1] as number;
}
