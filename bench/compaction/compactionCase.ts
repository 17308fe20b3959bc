/**
 * One compaction case, alone in a fresh process so its peak RSS is its own: the day's files loaded
 * (the JavaScript tools get their bytes, as the handler gets them from S3; DuckDB reads the folder),
 * a first run, then warm runs. The parent passes the case as JSON in argv[2]; the result is the
 * last line on stdout.
 */
import * as fs from "fs";
import type { CaseResult, Tool } from "../results";
import { loadDeployedStage } from "../deployedStages";
import { peakRssMb } from "../peakRss";
import { elapsedMs, median } from "../statistics";
import type { CompactionStage, LoadedFile } from "./compactionStages";
import type { DayFile } from "./dayFiles";

export interface CompactionCaseSpec {
  tool: Tool;
  dataset: string;
  rows: number;
  dayDir: string;
  files: DayFile[];
  /** The serialized stage the JavaScript tools run (deployedStages.ts). */
  deployedStage?: string;
}

/** A day takes seconds: three warm runs give the median without a run of minutes. */
const WARM_RUNS = 3;

async function prepare(spec: CompactionCaseSpec): Promise<{ run: () => Promise<number>; close: () => Promise<void> }> {
  if (spec.tool === "duckdb") {
    const { createDuckDbCompaction } = await import("./duckdbCompaction");
    const duckdb = await createDuckDbCompaction(spec.dayDir);
    return { run: () => duckdb.compact(), close: () => duckdb.close() };
  }
  if (spec.deployedStage === undefined) throw new Error(`the ${spec.tool} compaction case needs its serialized stage`);
  const stage = loadDeployedStage<CompactionStage>(spec.deployedStage);
  const files: LoadedFile[] = spec.files.map((file) => ({ bytes: new Uint8Array(fs.readFileSync(file.path)), key: file.key, snapshotTime: file.snapshotTime }));
  return { run: () => stage(files), close: async () => {} };
}

async function runCase(spec: CompactionCaseSpec): Promise<CaseResult> {
  const setupStart = process.hrtime.bigint();
  const { run, close } = await prepare(spec);
  const setupMs = elapsedMs(setupStart);
  const firstStart = process.hrtime.bigint();
  const bytes = await run();
  const firstMs = elapsedMs(firstStart);
  const warm: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) {
    const start = process.hrtime.bigint();
    const runBytes = await run();
    warm.push(elapsedMs(start));
    if (runBytes !== bytes) throw new Error(`${spec.tool} wrote ${runBytes} bytes, ${bytes} the first time: the output is not deterministic`);
  }
  await close();
  const msMedian = median(warm);
  const round = (value: number, decimals: number): number => Number(value.toFixed(decimals));
  return {
    stage: "compaction",
    dataset: spec.dataset,
    rows: spec.rows,
    tool: spec.tool,
    ms_median: round(msMedian, 2),
    rows_per_s: Math.round((spec.rows / msMedian) * 1000),
    bytes,
    peak_rss_mb: round(peakRssMb(), 1),
    first_ms: round(firstMs, 2),
    setup_ms: round(setupMs, 2),
    warm_runs: warm.length,
  };
}

if (require.main === module) {
  const spec = JSON.parse(process.argv[2] ?? "null") as CompactionCaseSpec | null;
  if (spec === null) throw new Error("usage: compactionCase.ts '<case spec JSON>'");
  runCase(spec).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    },
  );
}
