/** The soak's command line: `npm run soak -- --seconds 10 --connections 200 --rate 50`. */

export interface SoakOptions {
  /** How long likes are produced. */
  readonly seconds: number;
  readonly connections: number;
  /** Likes per second, over all writers. */
  readonly rate: number;
  /** Qiita writers the connections and likes are spread over. */
  readonly writers: number;
  readonly articlesPerWriter: number;
  /** Share of the clients that drop abruptly and resume. */
  readonly dropFraction: number;
  /** How long to wait after the last like for every client to have everything. */
  readonly drainSeconds: number;
  /** Seeds who drops and when, so a run that lost something can be repeated. */
  readonly seed: number;
}

export const SOAK_USAGE =
  "usage: npm run soak -- [--seconds 60] [--connections 1000] [--rate 50] [--writers 10] [--articles 3] [--drop-fraction 0.1] [--drain-seconds 600] [--seed N]";

export class SoakUsageError extends Error {
  constructor(message: string) {
    super(`${message}\n${SOAK_USAGE}`);
    this.name = "SoakUsageError";
  }
}

const flags = {
  "--seconds": "seconds",
  "--connections": "connections",
  "--rate": "rate",
  "--writers": "writers",
  "--articles": "articlesPerWriter",
  "--drop-fraction": "dropFraction",
  "--drain-seconds": "drainSeconds",
  "--seed": "seed",
} as const satisfies Record<string, keyof SoakOptions>;

export function parseSoakOptions(argv: readonly string[], random = Math.random): SoakOptions {
  const options: Record<keyof SoakOptions, number> = {
    seconds: 60,
    connections: 1_000,
    rate: 50,
    writers: 10,
    articlesPerWriter: 3,
    dropFraction: 0.1,
    drainSeconds: 600,
    seed: Math.floor(random() * 2 ** 31),
  };
  for (let index = 0; index < argv.length; index += 2) {
    const flag = argv[index] as string;
    const name = flags[flag as keyof typeof flags];
    if (!name) throw new SoakUsageError(`unknown flag "${flag}"`);
    const raw = argv[index + 1];
    const value = Number(raw);
    if (raw === undefined || !Number.isFinite(value) || value < 0) throw new SoakUsageError(`${flag} needs a number, got "${raw ?? ""}"`);
    options[name] = value;
  }
  for (const name of ["seconds", "connections", "rate", "writers", "articlesPerWriter"] as const) {
    if (options[name] <= 0) throw new SoakUsageError(`--${name} must be greater than 0`);
  }
  if (options.dropFraction > 1) throw new SoakUsageError("--drop-fraction is a share between 0 and 1");
  if (options.writers > options.connections) throw new SoakUsageError("--writers cannot exceed --connections: every writer needs a client");
  return options;
}
