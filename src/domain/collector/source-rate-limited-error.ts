/**
 * The article source refused because its request budget is spent. The domain only needs to know
 * when to try again; adapters (QiitaRateLimitError) extend this with their own wording.
 */
export class SourceRateLimitedError extends Error {
  constructor(
    /** Epoch ms from which the source accepts requests again. */
    readonly resetAt: number,
    message = `The article source is rate limited until ${new Date(resetAt).toISOString()}; polls resume then.`,
  ) {
    super(message);
    this.name = "SourceRateLimitedError";
  }
}
