/** Fresh, uniquely named tables on the bench's DynamoDB Local, signed with the bench's key (local-env.ts). */
import { createTables, type Tables } from "#test/support/tables.ts";

export type BenchTables = Tables;

export const BENCH_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;

export function createBenchTables(endpoint: string, prefix: string): Promise<BenchTables> {
  return createTables({ endpoint, region: "local", credentials: BENCH_CREDENTIALS }, prefix);
}
