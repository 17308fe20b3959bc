/**
 * npm run bench: the processing stage against DuckDB, @dsnp/parquetjs and parquet-wasm on the same
 * snapshots, the validation stage, and each function's cold start; writes bench/results.json and
 * prints the tables. Every case runs in a fresh process of its own.
 *
 *   npm run bench [-- --stack prod] [-- --rows 6500,50000]
 *   npm run bench -- --cold-starts [--rounds 5]   # only the cold starts, tracing off and on;
 *                                                 # replaces cold_starts in bench/results.json
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
import { GENERATED_ROW_COUNTS, prepareDatasets, REAL_SNAPSHOT_DIR } from "./datasets";
import type { BenchResults, CaseResult, Tool } from "./results";
import { formatColdStarts, formatResults } from "./resultsTable";
import { runtimeNode } from "./runtimeNode";

const TOOLS: readonly Tool[] = ["pipeline", "hyparquet-writer", "duckdb", "parquet-wasm", "parquetjs"];
const RESULTS_PATH = path.join(__dirname, "results.json");

interface Options {
  stack: string;
  rows: number[];
  coldStartsOnly: boolean;
  rounds: number;
}

const USAGE = "usage: npm run bench [-- --stack <dev|prod>] [-- --rows 6500,50000,500000] [-- --cold-starts] [-- --rounds <n>]";
const VALUE_FLAGS = ["--stack", "--rows", "--rounds"];

function parseOptions(args: readonly string[]): Options {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--cold-starts") continue;
    if (!VALUE_FLAGS.includes(args[i]!)) throw new Error(`unknown option ${args[i]}\n${USAGE}`);
    if (args[i + 1] === undefined) throw new Error(`${args[i]} needs a value\n${USAGE}`);
    i += 1;
  }
  const value = (flag: string): string | undefined => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const rows = value("--rows")?.split(",").map(Number) ?? [...GENERATED_ROW_COUNTS];
  if (rows.some((count) => !Number.isSafeInteger(count) || count < 1)) throw new Error(`--rows takes positive integers, got ${value("--rows")}`);
  const coldStartsOnly = args.includes("--cold-starts");
  const rounds = Number(value("--rounds") ?? (coldStartsOnly ? 5 : 3));
  if (!Number.isSafeInteger(rounds) || rounds < 1) throw new Error(`--rounds takes a positive integer, got ${value("--rounds")}`);
  return { stack: value("--stack") ?? "prod", rows, coldStartsOnly, rounds };
}

/** --cold-starts: only the cold starts, written over those of the last full run. */
async function coldStartsOnly(options: Options): Promise<void> {
  if (!fs.existsSync(RESULTS_PATH)) throw new Error(`--cold-starts updates ${RESULTS_PATH}, which a full npm run bench writes first`);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "flight-bench-"));
  try {
    console.log(`cold starts of the ${options.stack} stack's packages, tracing off and on, ${options.rounds} rounds…`);
    const coldStarts = await measureColdStarts(options.stack, workDir, { rounds: options.rounds });
    const results = JSON.parse(fs.readFileSync(RESULTS_PATH, "utf8")) as BenchResults;
    results.cold_starts = coldStarts;
    results.cold_starts_measured_at = new Date().toISOString();
    results.cold_starts_node = childNodeVersion();
    fs.writeFileSync(RESULTS_PATH, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\n${formatColdStarts(coldStarts)}\n\nwritten to ${path.relative(process.cwd(), RESULTS_PATH)} (cold_starts)`);
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

const childNodeVersion = (): string => execFileSync(runtimeNode(), ["--version"], { encoding: "utf8" }).trim();

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.coldStartsOnly) {
    await coldStartsOnly(options);
    return;
  }
  ensureBenchDependencies();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "flight-bench-"));
  try {
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
