/** Prints a bill as a Markdown table with its arithmetic, and a summary over several usages. Pure. */
import type { Bill } from "./bill.ts";
import { PRICES_AS_OF, PRICES_REGION } from "./prices.ts";
import { BEHAVIOUR } from "./usage.ts";

export function usd(value: number): string {
  return value >= 0.995 ? `$${value.toFixed(2)}` : value >= 0.0005 ? `$${value.toFixed(3)}` : value === 0 ? "$0" : "< $0.001";
}

export function renderBill(bill: Bill): string {
  const { usage, counts } = bill;
  const header = [
    `### ${usage.writers.toLocaleString("en-US")} writer${usage.writers === 1 ? "" : "s"}: ${usage.articlesPerWriter} articles each, a poll every ${usage.pollIntervalMinutes} min, ${usage.tabsPerWriter} tab ${usage.hoursOpenPerDay} h a day, ${usage.likesPerWriterPerDay} likes a day, ${usage.scheduledPerWriterPerMonth} scheduled notifications a month, ${usage.daysPerMonth} days`,
    "",
    `Collector: ${counts.collectorRuns.toLocaleString("en-US")} runs of ${counts.collectorSeconds.toFixed(1)} s; Qiita ${counts.qiitaRequestsPerHourPerToken.toFixed(0)} requests/hour per token (limit 1,000). Likes: ${counts.likes.toLocaleString("en-US")}; stream invocations: ${counts.streamInvocations.toLocaleString("en-US")}.`,
    ...(counts.collectorSeconds > BEHAVIOUR.collectorTimeoutSeconds
      ? [
          "",
          `Past one collector function: a run of ${counts.collectorSeconds.toFixed(0)} s exceeds its ${BEHAVIOUR.collectorTimeoutSeconds} s timeout, so the writers must be split over several invocations per poll (docs/SCALE.md); the compute below is the same either way.`,
        ]
      : []),
    "",
    "| Service | Item | Arithmetic | Monthly |",
    "|---|---|---|---|",
  ];
  const rows = bill.lines.map((line) => `| ${line.service} | ${line.item} | ${line.arithmetic} | ${usd(line.usd)} |`);
  return [...header, ...rows, `| **Total** | | | **${usd(bill.totalUsd)}** |`].join("\n");
}

export function renderSummary(bills: readonly Bill[]): string {
  return [
    `| Writers | Monthly (${PRICES_REGION} list prices of ${PRICES_AS_OF}, no free tier) | Per writer |`,
    "|---|---|---|",
    ...bills.map(
      (bill) => `| ${bill.usage.writers.toLocaleString("en-US")} | ${usd(bill.totalUsd)} | ${usd(bill.totalUsd / bill.usage.writers)} |`,
    ),
  ].join("\n");
}
