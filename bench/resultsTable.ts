/** The printed form of bench/results.json: one table per stage and one for cold starts. */
import type { BenchResults, CaseResult, ColdStartResult } from "./results";

const number = (value: number, decimals = 0): string => value.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(" | ")} |`;
  const rule = `|${widths.map((width, column) => (column < 2 ? `-${"-".repeat(width)}-` : `-${"-".repeat(width)}:`)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

function caseRow(result: CaseResult): string[] {
  return [
    result.dataset,
    result.tool,
    number(result.rows),
    number(result.ms_median, 1),
    number(result.rows_per_s),
    number(result.first_ms, 1),
    number(result.bytes),
    number(result.peak_rss_mb),
  ];
}

export function formatResults(results: BenchResults): string {
  const header = ["data", "tool", "rows", "ms (median)", "rows/s", "first call ms", "bytes", "peak RSS MB"];
  const processing = results.cases.filter((result) => result.stage === "processing").map(caseRow);
  const validation = results.cases.filter((result) => result.stage === "validation").map(caseRow);
  const compaction = results.cases.filter((result) => result.stage === "compaction").map(caseRow);
  return [
    `Machine: ${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.memory_gb} GB; ${results.machine.os}; Node ${results.node}; DuckDB threads ${results.duckdb_threads}`,
    "",
    "Processing (raw JSON object → Parquet, snappy):",
    table(header, processing),
    "",
    "Validation (Parquet → typed columns → every quality check → report):",
    table(header, validation),
    "",
    ...(compaction.length > 0
      ? ["Compaction (a day's processed Parquet files → one file sorted by icao24, snapshot_time):", table(header, compaction), ""]
      : []),
    formatColdStarts(results.cold_starts),
    "",
    ...results.notes.map((note) => `- ${note}`),
  ].join("\n");
}

/** The cold-start tables: each function with tracing off and on, then what tracing adds. */
export function formatColdStarts(coldStarts: readonly ColdStartResult[]): string {
  const rows = coldStarts.map((start) => [
    start.function,
    start.tracing,
    number(start.runs),
    number(start.zip_bytes),
    number(start.init_ms, 1),
    number(start.first_invoke_ms, 1),
    number(start.init_ms + start.first_invoke_ms, 1),
    number(start.init_cpu_ms, 1),
    number(start.first_invoke_cpu_ms, 1),
    number(start.segments),
    number(start.floor_init_ms + start.floor_first_invoke_ms, 1),
    `${number(start.floor_ratio, 2)}×`,
    `${number(start.floor_cpu_ratio, 2)}×`,
    start.main_thread_cpu_ms === undefined ? "n/a" : number(start.main_thread_cpu_ms, 1),
    start.floor_main_thread_cpu_ratio === undefined ? "n/a" : `${number(start.floor_main_thread_cpu_ratio, 2)}×`,
  ]);
  const cost = [...new Set(coldStarts.map((start) => start.function))].flatMap((name) => {
    const off = coldStarts.find((start) => start.function === name && start.tracing === "off");
    const on = coldStarts.find((start) => start.function === name && start.tracing === "on");
    if (off === undefined || on === undefined) return [];
    const signed = (value: number) => `${value >= 0 ? "+" : ""}${number(value, 1)}`;
    return [
      [
        name,
        "on − off",
        signed(on.init_ms - off.init_ms),
        signed(on.first_invoke_ms - off.first_invoke_ms),
        signed(on.init_ms + on.first_invoke_ms - off.init_ms - off.first_invoke_ms),
        signed(on.init_cpu_ms - off.init_cpu_ms),
        signed(on.first_invoke_cpu_ms - off.first_invoke_cpu_ms),
      ],
    ];
  });
  const failures = coldStarts
    .filter((start) => !start.outcome.startsWith("ok"))
    .map((start) => `- ${start.function} (tracing ${start.tracing}): ${start.outcome}`);
  const drift = coldStarts
    .filter((start) => start.floor_drift.length > 0)
    .map((start) => `- ${start.function} (tracing ${start.tracing}): ${start.floor_drift.join("; ")}`);
  return [
    "Cold start (fresh process per function in Lambda's environment; first invocation: a real run against the loopback emulators; medians;",
    "floor: a bare handler making the same SDK calls, run right after; × floor: (init + first invoke) / the floor's, per round, median;",
    "main-thread CPU: the CPU time less what V8's optimising compilers and garbage collector spent on their own threads):",
    table(
      [
        "function",
        "tracing",
        "runs",
        "zip bytes",
        "init ms",
        "first invoke ms",
        "total ms",
        "init CPU ms",
        "invoke CPU ms",
        "segments",
        "floor total ms",
        "× floor",
        "× floor CPU",
        "main-thread CPU ms",
        "× floor main-thread CPU",
      ],
      rows,
    ),
    "",
    "What tracing instrumentation adds to a cold start:",
    table(["function", "difference", "init ms", "first invoke ms", "total ms", "init CPU ms", "invoke CPU ms"], cost),
    ...(failures.length > 0 ? ["", "Runs that failed:", ...failures] : []),
    ...(drift.length > 0 ? ["", "Floors whose calls were not answered as their function's were:", ...drift] : []),
  ].join("\n");
}
