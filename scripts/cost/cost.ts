/**
 * `npm run cost [-- --writers 1,10,100]`: synthesizes the CDK app (no bundling, no AWS account),
 * counts its priced resources and prints the monthly bill with its arithmetic for each number of
 * writers, then a summary. Prices: scripts/cost/prices.ts; usage: scripts/cost/usage.ts.
 */
import { readFileSync } from "node:fs";
import { App } from "aws-cdk-lib";
import { buildLiveLikesApp } from "../../infra/live-likes-app.ts";
import { monthlyBill } from "./bill.ts";
import { renderBill, renderSummary } from "./render.ts";
import { inventory, type CfnTemplate } from "./template-inventory.ts";
import { DEFAULT_USAGE } from "./usage.ts";

function writersFromArgs(args: readonly string[]): number[] {
  const at = args.indexOf("--writers");
  if (at === -1) return [1, 10, 100];
  const list = (args[at + 1] ?? "").split(",").map(Number);
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error("--writers takes a comma-separated list of whole numbers, e.g. --writers 1,10,100");
  }
  return list;
}

function synthesizedTemplates(): CfnTemplate[] {
  const context = JSON.parse(readFileSync(new URL("../../cdk.json", import.meta.url), "utf8")).context;
  // No bundling: only the template's resources matter here.
  const app = new App({ builtinCloudFormationValidation: false, context: { ...context, "aws:cdk:bundling-stacks": [] } });
  buildLiveLikesApp(app);
  const assembly = app.synth();
  return assembly.stacks.map((stack) => stack.template as CfnTemplate);
}

const writers = writersFromArgs(process.argv.slice(2));
const inv = inventory(synthesizedTemplates());
const bills = writers.map((count) => monthlyBill(inv, { ...DEFAULT_USAGE, writers: count }));
console.log(`Priced resources in the synthesized templates: ${JSON.stringify(inv.resourceCounts)}\n`);
for (const bill of bills) console.log(`${renderBill(bill)}\n`);
console.log(renderSummary(bills));
