/**
 * npm run bench: the processing stage against DuckDB, @dsnp/parquetjs and parquet-wasm on the same
 * snapshots, the validation stage, the compaction of a generated global day against DuckDB and
 * hyparquet-writer's generic writer, and each function's cold start; writes bench/results.json and
 * prints the tables. Every case runs in a fresh process of its own.
 *
 *   npm run bench [-- --stack prod] [-- --rows 6500,50000] [-- --only compaction|cold-starts] [-- --rounds 5]
 *
 * --only compaction runs the compaction rows alone and keeps the other rows of results.json;
 * --only cold-starts measures the cold starts alone (tracing off and on, --rounds rounds, 5 by
 * default) and replaces cold_starts there.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ensureBenchDependencies } from "./benchDependencies";
import type { CaseSpec } from "./caseProcess";
import { runChild } from "./childProcess";
import { measureColdStarts } from "./coldStart";
import { serializeDeployedStages } from "./deployedStages";
import type { CompactionCaseSpec } from "./compaction/compactionCase";
import { prepareCompactionDay } from "./compaction/dayFiles";
import { GENERATED_ROW_COUNTS, prepareDatasets, REAL_SNAPSHOT_DIR } from "./datasets";
import type { BenchResults, CaseResult, Tool } from "./results";
import { formatColdStarts, formatResults } from "./resultsTable";
import { runtimeNode } from "./runtimeNode";

const TOOLS: readonly Tool[] = ["pipeline", "hyparquet-writer", "duckdb", "parquet-wasm", "parquetjs"];
const COMPACTION_TOOLS: readonly Tool[] = ["pipeline", "hyparquet-writer", "duckdb"];
/** A day's compaction reads 1.9 million rows three ways; each case may take a few minutes. */
const COMPACTION_CASE_TIMEOUT_MS = 900_000;
const RESULTS_PATH = path.join(__dirname, "results.json");

interface Options {
  stack: string;
  rows: number[];
  only?: "compaction" | "cold-starts";
  rounds: number;
}

const USAGE = "usage: npm run bench [-- --stack <dev|prod>] [-- --rows 6500,50000,500000] [-- --only compaction|cold-starts] [-- --rounds <n>]";
const FLAGS = ["--stack", "--rows", "--only", "--rounds"];

function parseOptions(args: readonly string[]): Options {
  for (let i = 0; i < args.length; i += 2) {
    if (!FLAGS.includes(args[i] as string)) throw new Error(`unknown option ${args[i]}\n${USAGE}`);
    if (args[i + 1] === undefined) throw new Error(`${args[i]} needs a value\n${USAGE}`);
  }
  const value = (flag: string): string | undefined => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const rows = value("--rows")?.split(",").map(Number) ?? [...GENERATED_ROW_COUNTS];
  if (rows.some((count) => !Number.isSafeInteger(count) || count < 1)) throw new Error(`--rows takes positive integers, got ${value("--rows")}`);
  const only = value("--only");
  if (only !== undefined && only !== "compaction" && only !== "cold-starts") throw new Error(`--only takes compaction or cold-starts, got ${only}\n${USAGE}`);
  const rounds = Number(value("--rounds") ?? (only === "cold-starts" ? 5 : 3));
  if (!Number.isSafeInteger(rounds) || rounds < 1) throw new Error(`--rounds takes a positive integer, got ${value("--rounds")}`);
  return { stack: value("--stack") ?? "prod", rows, rounds, ...(only === undefined ? {} : { only }) };
}

async function compactionCases(workDir: string, stages: { compaction: string; genericCompaction: string }): Promise<CaseResult[]> {
  console.log("preparing a generated global day: 288 processed snapshots of 6,500 states…");
  const day = prepareCompactionDay(workDir);
  console.log(`${day.files.length} files, ${day.rows.toLocaleString("en-US")} rows, ${(day.bytes / 2 ** 20).toFixed(1)} MiB`);
  const deployed: Partial<Record<Tool, string>> = { pipeline: stages.compaction, "hyparquet-writer": stages.genericCompaction };
  const cases: CaseResult[] = [];
  for (const tool of COMPACTION_TOOLS) {
    const spec: CompactionCaseSpec = { tool, dataset: day.name, rows: day.rows, dayDir: day.dir, files: day.files, deployedStage: deployed[tool] };
    const result = await runChild<CaseResult>("compaction/compactionCase.ts", spec, { timeoutMs: COMPACTION_CASE_TIMEOUT_MS });
    console.log(`compaction ${day.name} ${tool}: ${result.ms_median} ms, ${result.bytes} bytes, peak ${result.peak_rss_mb} MB`);
    cases.push(result);
  }
  return cases;
}

/** The earlier run's results, for --only to keep its other rows. */
function earlierResults(only: string): BenchResults {
  if (!fs.existsSync(RESULTS_PATH)) throw new Error(`--only ${only} keeps the other rows of ${RESULTS_PATH}, which does not exist: run the whole bench once`);
  return JSON.parse(fs.readFileSync(RESULTS_PATH, "utf8")) as BenchResults;
}

const childNodeVersion = (): string => execFileSync(runtimeNode(), ["--version"], { encoding: "utf8" }).trim();

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  ensureBenchDependencies();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "flight-bench-"));
  try {
    if (options.only === "cold-starts") {
      const earlier = earlierResults(options.only);
      console.log(`cold starts of the ${options.stack} stack's packages, tracing off and on, ${options.rounds} rounds…`);
      const coldStarts = await measureColdStarts(options.stack, workDir, { rounds: options.rounds });
      const results: BenchResults = {
        ...earlier,
        cold_starts: coldStarts,
        cold_starts_measured_at: new Date().toISOString(),
        cold_starts_node: childNodeVersion(),
      };
      fs.writeFileSync(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
      console.log(`\n${formatColdStarts(coldStarts)}\n\nwritten to ${path.relative(process.cwd(), RESULTS_PATH)} (cold_starts)`);
      return;
    }
    if (options.only === "compaction") {
      const earlier = earlierResults(options.only);
      console.log("serializing the stages as CallbackFunction does…");
      const stages = await serializeDeployedStages();
      const compaction = await compactionCases(workDir, stages);
      const results: BenchResults = {
        ...earlier,
        compaction_generated_at: new Date().toISOString(),
        cases: [...earlier.cases.filter((result) => result.stage !== "compaction"), ...compaction],
      };
      fs.writeFileSync(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
      console.log(`\n${formatResults(results)}\n\nwritten to ${path.relative(process.cwd(), RESULTS_PATH)}`);
      return;
    }
    console.log("preparing snapshots…");
    const datasets = prepareDatasets(workDir, options.rows);
    console.log("serializing the stages as CallbackFunction does…");
    const stages = await serializeDeployedStages();
    const deployedStage: Partial<Record<Tool, string>> = { pipeline: stages.processing, "hyparquet-writer": stages.genericProcessing };
    const cases: CaseResult[] = [];
    for (const dataset of datasets) {
      const base = { dataset: dataset.name, rows: dataset.rows, snapshotTime: dataset.snapshotTime };
      for (const tool of TOOLS) {
        const spec: CaseSpec = { ...base, stage: "processing", tool, inputPath: dataset.jsonPath, deployedStage: deployedStage[tool] };
        cases.push(await runChild<CaseResult>("caseProcess.ts", spec));
        console.log(`processing ${dataset.name} ${tool}: ${cases[cases.length - 1]!.ms_median} ms`);
      }
      const validation: CaseSpec = { ...base, stage: "validation", tool: "pipeline", inputPath: dataset.parquetPath, deployedStage: stages.validation };
      cases.push(await runChild<CaseResult>("caseProcess.ts", validation));
    }
    cases.push(...(await compactionCases(workDir, stages)));
    console.log(`cold starts of the ${options.stack} stack's packages…`);
    const coldStarts = await measureColdStarts(options.stack, workDir, { rounds: options.rounds });
    const { duckDbThreads } = await import("./converters/duckdb");

    const results: BenchResults = {
      generated_at: new Date().toISOString(),
      machine: {
        cpu: os.cpus()[0]?.model ?? "unknown",
        cores: os.cpus().length,
        memory_gb: Math.round(os.totalmem() / 2 ** 30),
        os: `${os.type()} ${os.release()} ${os.arch()}`,
      },
      node: childNodeVersion(),
      duckdb_threads: await duckDbThreads(),
      notes: [
        "ms (median): warm runs in the case's own process; first call: the first conversion there, after loading the tool.",
        "pipeline and hyparquet-writer (processing before its own encoder), and validation, run as Lambda runs them: serialized by Pulumi's serializeFunction, as aws.lambda.CallbackFunction does, and loaded from that file.",
        "Every tool writes snappy pages, 100,000-row groups and the pipeline's 18 columns. The JavaScript tools start from the object's bytes in memory (as the handler gets them from S3) and decode them; DuckDB reads the JSON file itself, from the page cache.",
        "Compaction: one generated global day, 288 processed files of 6,500 rows, merged into one file sorted by icao24 then snapshot_time, snappy, 1,000,000-row groups. The JavaScript tools start from the files' bytes in memory (held for the whole case, which the handler does not do) and run as Lambda runs them (serialized); DuckDB reads the files itself with read_parquet and writes with COPY … ORDER BY icao24, snapshot_time. Median of three warm runs.",
        "DuckDB runs with its default thread count (all cores); the JavaScript tools use one thread.",
        "Peak RSS is the case process's own high-water mark (VmHWM), Node and ts-node included.",
        "Cold start: the package is loaded (init: the serialized callbackFactory builds the SDK clients) and invoked once in a fresh process with only the AWS SDK on NODE_PATH, as Lambda's runtime provides it, and Lambda's environment (a sampled trace header, an X-Ray daemon stand-in); with the stack's tracing instrumentation off and on, alternating, medians of --rounds rounds.",
        fs.existsSync(REAL_SNAPSHOT_DIR) ? `Real snapshots read from ${REAL_SNAPSHOT_DIR}.` : "No real snapshots found; generated data only.",
      ],
      cases,
      cold_starts: coldStarts,
      cold_starts_measured_at: new Date().toISOString(),
      cold_starts_node: childNodeVersion(),
    };
    fs.writeFileSync(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\n${formatResults(results)}\n\nwritten to ${path.relative(process.cwd(), RESULTS_PATH)}`);
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
