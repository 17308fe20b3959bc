/**
 * What `npm run bench` records in bench/results.json. The cost estimate reads the processing and
 * validation durations from here, so the field names are a contract with cost/.
 */

export type Stage = "processing" | "validation" | "compaction";
export type Tool = "pipeline" | "hyparquet-writer" | "duckdb" | "parquetjs" | "parquet-wasm";

export interface CaseResult {
  stage: Stage;
  /** Which data: a generated row count ("generated-6500"), a real snapshot's file name, or a generated day ("generated-day-288x6500"). */
  dataset: string;
  rows: number;
  tool: Tool;
  /** Median of the warm runs, milliseconds per snapshot. */
  ms_median: number;
  rows_per_s: number;
  /** Parquet bytes written (processing, compaction); the file read (validation). */
  bytes: number;
  /** Peak resident set of the case's own process, which ran nothing else. */
  peak_rss_mb: number;
  /** The first conversion in the fresh process, after the tool was loaded. */
  first_ms: number;
  /** Loading the tool (modules, DuckDB instance, WebAssembly) before the first conversion. */
  setup_ms: number;
  warm_runs: number;
}

/** Whether the function ran with the stack's tracing instrumentation (TRACING_INSTRUMENTATION). */
export type TracingMode = "off" | "on";

export interface ColdStartResult {
  function: string;
  tracing: TracingMode;
  zip_bytes: number;
  /** Cold starts measured; the times are their medians. */
  runs: number;
  /** Requiring the package's __index.js, which runs the callbackFactory (clients, settings). */
  init_ms: number;
  first_invoke_ms: number;
  /** CPU time of the function's process in each phase (median): steadier than wall time on a shared machine. */
  init_cpu_ms: number;
  first_invoke_cpu_ms: number;
  /** Segment documents the X-Ray daemon stand-in received from one cold start (median). */
  segments: number;
  /**
   * The floor, run right after the function in each round (bench/coldStartFloor.ts): a bare
   * handler that creates the SDK clients the function's first invocation called and makes the
   * same calls, nothing else. Medians, as for the function.
   */
  floor_init_ms: number;
  floor_first_invoke_ms: number;
  floor_init_cpu_ms: number;
  floor_first_invoke_cpu_ms: number;
  /** (init + first invocation) of the function / of its floor, per round, median. */
  floor_ratio: number;
  /** The same ratio in CPU time. */
  floor_cpu_ratio: number;
  /**
   * The main thread's CPU time (init + first invocation, median), the function's and its
   * floor's, and their ratio: the CPU time less V8's helper threads (optimising compilers,
   * garbage collector) and libuv's. Absent where the runtime's Node cannot tell threads apart.
   */
  main_thread_cpu_ms?: number;
  floor_main_thread_cpu_ms?: number;
  floor_main_thread_cpu_ratio?: number;
  /** The floor's calls, `client operation` in order, from the last round. */
  floor_calls: string[];
  /** Where a floor's answers differed from its function's (status per call), or it made other calls; empty when none did. */
  floor_drift: string[];
  /** What the first invocation was given. */
  invocation: string;
  /** How it ended: "ok <result>" or "error <message>". */
  outcome: string;
}

export interface BenchResults {
  generated_at: string;
  /** When the compaction rows were last run on their own (npm run bench -- --only compaction). */
  compaction_generated_at?: string;
  machine: { cpu: string; cores: number; memory_gb: number; os: string };
  /** Node.js binary the cases ran on. */
  node: string;
  duckdb_threads: number;
  notes: string[];
  cases: CaseResult[];
  cold_starts: ColdStartResult[];
  /** When the cold starts were measured (`--cold-starts` measures them alone), on which Node. */
  cold_starts_measured_at: string;
  cold_starts_node: string;
}
