/**
 * npm run cost -- --stack <dev|prod> [--prices file.json]
 *
 * Monthly cost of a stack from its configuration, the resources its program creates (built under
 * Pulumi's mocks) and the benchmarked durations in bench/results.json when present.
 */
import * as fs from "fs";
import * as path from "path";
import { CONFIG_NAMESPACE, parseStackConfig } from "../config/stackConfig";
import { buildMockedProgram, stackConfiguration } from "../mocked-program/mockedProgram";
import { monthlyCost, type MonthlyCost } from "./monthlyCost";
import { DEFAULT_PRICES_PATH, loadPriceTable, type PriceTable } from "./priceTable";
import { stackUsage, type MeasuredDurations, type ResourceCounts } from "./stackUsage";
import type { StackUsage } from "./usage";

const BENCH_RESULTS = path.resolve(__dirname, "..", "bench", "results.json");
const BENCH_DATASET = "generated-6500";

interface BenchCase {
  stage: string;
  dataset: string;
  tool: string;
  ms_median: number;
  bytes: number;
}

function measuredDurations(): MeasuredDurations {
  if (!fs.existsSync(BENCH_RESULTS)) return { source: "no bench/results.json: stated defaults (run npm run bench)" };
  const { cases } = JSON.parse(fs.readFileSync(BENCH_RESULTS, "utf8")) as { cases: BenchCase[] };
  const find = (stage: string) => cases.find((c) => c.stage === stage && c.tool === "pipeline" && c.dataset === BENCH_DATASET);
  const processing = find("processing");
  const validation = find("validation");
  const compaction = cases.find((c) => c.stage === "compaction" && c.tool === "pipeline");
  return {
    ...(processing ? { processingMs: processing.ms_median, parquetBytes: processing.bytes } : {}),
    ...(validation ? { validationMs: validation.ms_median } : {}),
    ...(compaction ? { compactionDayMs: compaction.ms_median, compactedDayBytes: compaction.bytes } : {}),
    source:
      `bench/results.json (${BENCH_DATASET}: processing ${processing?.ms_median ?? "?"} ms, validation ${validation?.ms_median ?? "?"} ms on one bench core; ` +
      `a global day's compaction ${compaction?.ms_median ?? "?"} ms)`,
  };
}

async function resourceCounts(stack: string): Promise<ResourceCounts> {
  const program = await buildMockedProgram({ stack });
  const countOf = (type: string) => program.resources.filter((resource) => resource.type === type).length;
  return {
    alarms: countOf("aws:cloudwatch/metricAlarm:MetricAlarm"),
    dashboards: countOf("aws:cloudwatch/dashboard:Dashboard"),
    kmsKeys: countOf("aws:kms/key:Key"),
    secrets: countOf("aws:secretsmanager/secret:Secret"),
  };
}

const usd = (value: number): string => `$${value.toFixed(2)}`;

export function formatEstimate(usage: StackUsage, cost: MonthlyCost, prices: PriceTable, pricesPath: string): string {
  const rows = cost.lines.map((line) => [line.service, line.item, line.basis, usd(line.usd)]);
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column]!.length), 8));
  const format = (row: string[]) =>
    `| ${row.map((cell, column) => (column === 3 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join(" | ")} |`;
  const functionTotals = usage.functions.map(
    (fn) =>
      `  ${fn.function}: ${usd(cost.byFunction[fn.function] ?? 0)} (${fn.memoryMb} MB ${fn.architecture}, ${Math.round(fn.invocationsPerMonth).toLocaleString("en-US")} invocations × ${fn.durationMs} ms [${fn.durationSource}]${fn.provisionedConcurrency > 0 ? `, provisioned concurrency ${fn.provisionedConcurrency}` : ""})`,
  );
  return [
    `Monthly cost estimate for stack "${usage.stack}" — ${prices.region} list prices as of ${prices.asOf} (${path.relative(process.cwd(), pricesPath)}: ${prices.source})`,
    "",
    format(["service", "item", "basis", "USD/month"]),
    `|${widths.map((width, column) => "-".repeat(width + 1) + (column === 3 ? ":" : "-")).join("|")}|`,
    ...rows.map(format),
    format(["", "total", "", usd(cost.totalUsd)]),
    "",
    "Lambda by function:",
    ...functionTotals,
    "",
    "Assumptions:",
    ...usage.assumptions.map((assumption) => `  - ${assumption}`),
  ].join("\n");
}

function option(args: readonly string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith("--")) throw new Error(`${flag} needs a value`);
  return value;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const stack = option(args, "--stack");
  if (stack === undefined) throw new Error("usage: npm run cost -- --stack <dev|prod> [--prices file.json]");
  const pricesPath = path.resolve(option(args, "--prices") ?? DEFAULT_PRICES_PATH);
  const prices = loadPriceTable(pricesPath);

  const prefix = `${CONFIG_NAMESPACE}:`;
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stackConfiguration(stack).config)) {
    if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = value;
  }
  const usage = stackUsage(stack, parseStackConfig(raw), await resourceCounts(stack), measuredDurations());
  console.log(formatEstimate(usage, monthlyCost(usage, prices), prices, pricesPath));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
