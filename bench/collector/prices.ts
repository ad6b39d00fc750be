/**
 * List prices for the monthly cost estimate: US East (N. Virginia), on-demand, as published on
 * the pages below. Taken 2026-11-21 from what we knew of those pages, not fetched (this machine
 * has no internet): they are list prices to verify before quoting them.
 */
export const PRICES = {
  source_date: "2026-11-21",
  region: "us-east-1",
  note: "List prices from memory of the pricing pages; verify before quoting.",
  dynamodb: {
    url: "https://aws.amazon.com/dynamodb/pricing/on-demand/",
    usd_per_million_write_request_units: 0.625,
    usd_per_million_read_request_units: 0.125,
  },
  lambda: {
    url: "https://aws.amazon.com/lambda/pricing/",
    usd_per_million_requests: 0.2,
    usd_per_gb_second_arm: 0.0000133334,
  },
  apigateway_websocket: {
    url: "https://aws.amazon.com/api-gateway/pricing/",
    usd_per_million_messages: 1.0,
    usd_per_million_connection_minutes: 0.25,
  },
} as const;

/** A poll every 5 minutes over AWS's 730-hour billing month. */
export const POLLS_PER_MONTH = (730 * 60) / 5;

/** DynamoDB request units plus one Lambda invocation per poll (duration left out: not measured on Lambda). */
export function monthlyPollCostUsd(perPoll: { readUnits: number; writeUnits: number }): number {
  const perMillion = (units: number, price: number) => (units / 1_000_000) * price;
  const dynamodb =
    perMillion(perPoll.readUnits, PRICES.dynamodb.usd_per_million_read_request_units) +
    perMillion(perPoll.writeUnits, PRICES.dynamodb.usd_per_million_write_request_units);
  const lambda = perMillion(1, PRICES.lambda.usd_per_million_requests);
  return Math.round((dynamodb + lambda) * POLLS_PER_MONTH * 10_000) / 10_000;
}
