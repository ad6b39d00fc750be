/** What the results were measured on. */
import { cpus, loadavg, platform, release, totalmem } from "node:os";
import type { Machine } from "../report/results.ts";

export function describeMachine(): Machine {
  const cores = cpus();
  return {
    cpu: cores[0]?.model.trim() ?? "unknown",
    cores: cores.length,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${platform()} ${release()}`,
    load_average: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}
