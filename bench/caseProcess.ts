/**
 * One benchmark case, alone in a fresh process so its peak RSS and first-call time are its own.
 * The parent passes the case as JSON in argv[2]; the result is the last line on stdout.
 */
import * as fs from "fs";
import { createConverter } from "./converters";
import { stageConverter, type ProcessingStage } from "./converters/pipeline";
import { loadDeployedStage } from "./deployedStages";
import type { CaseResult, Stage, Tool } from "./results";
import { peakRssMb } from "./peakRss";
import { elapsedMs, median } from "./statistics";
import type { ValidationStage } from "./validationRun";

export interface CaseSpec {
  stage: Stage;
  tool: Tool;
  dataset: string;
  rows: number;
  /** The snapshot's JSON (processing) or the Parquet processing wrote for it (validation). */
  inputPath: string;
  snapshotTime: number;
  /** The serialized stage the pipeline's own cases run (deployedStages.ts). */
  deployedStage?: string;
}

function deployedStage<T>(spec: CaseSpec): T {
  if (spec.deployedStage === undefined) throw new Error(`the ${spec.tool} ${spec.stage} case needs its serialized stage`);
  return loadDeployedStage<T>(spec.deployedStage);
}

/**
 * Warm runs: at least MIN_RUNS, then more while the budget lasts, at most MAX_RUNS. Five, because
 * on a shared VM the median of three 500,000-row runs moved by a fifth between bench runs.
 */
const MIN_RUNS = 5;
const MAX_RUNS = 15;
const BUDGET_MS = 4_000;
/** A tool whose first call alone took this long gets one warm run, to keep the whole run short. */
const SLOW_FIRST_CALL_MS = 8_000;

type Run = () => Promise<number>;

async function prepare(spec: CaseSpec): Promise<{ run: Run; close: () => Promise<void> }> {
  const bytes = new Uint8Array(fs.readFileSync(spec.inputPath));
  if (spec.stage === "validation") {
    const validate = deployedStage<ValidationStage>(spec);
    return { run: async () => (await validate(bytes, spec.snapshotTime), bytes.length), close: async () => {} };
  }
  const converter =
    spec.tool === "pipeline" || spec.tool === "hyparquet-writer" ? stageConverter(deployedStage<ProcessingStage>(spec)) : await createConverter(spec.tool);
  const input = { bytes, path: spec.inputPath, snapshotTime: spec.snapshotTime };
  return { run: () => converter.convert(input), close: () => converter.close() };
}

async function runCase(spec: CaseSpec): Promise<CaseResult> {
  const setupStart = process.hrtime.bigint();
  const { run, close } = await prepare(spec);
  const setupMs = elapsedMs(setupStart);

  const firstStart = process.hrtime.bigint();
  const bytes = await run();
  const firstMs = elapsedMs(firstStart);

  const warm: number[] = [];
  const warmStart = process.hrtime.bigint();
  const maxRuns = firstMs > SLOW_FIRST_CALL_MS ? 1 : MAX_RUNS;
  while (warm.length < maxRuns && (warm.length < MIN_RUNS || elapsedMs(warmStart) < BUDGET_MS)) {
    const start = process.hrtime.bigint();
    const runBytes = await run();
    warm.push(elapsedMs(start));
    if (runBytes !== bytes) throw new Error(`${spec.tool} wrote ${runBytes} bytes, ${bytes} the first time: the output is not deterministic`);
  }
  await close();

  const msMedian = median(warm);
  return {
    stage: spec.stage,
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

const round = (value: number, decimals: number): number => Number(value.toFixed(decimals));

if (require.main === module) {
  const spec = JSON.parse(process.argv[2] ?? "null") as CaseSpec | null;
  if (spec === null) throw new Error("usage: caseProcess.ts '<case spec JSON>'");
  runCase(spec).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    },
  );
}
