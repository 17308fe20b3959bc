/**
 * One function's cold start, alone in a fresh plain-Node process (no ts-node: it imports nothing
 * of the project's) whose environment is the function's: load
 * its package's __index.js (the serialized callbackFactory runs here, as in Lambda's init phase),
 * then invoke the handler once. Prints the timings as JSON.
 */
import * as path from "path";

export interface ColdStartSpec {
  packageDir: string;
  event: unknown;
  timeoutSeconds: number;
}

export interface ColdStartTiming {
  init_ms: number;
  first_invoke_ms: number;
  /** CPU time (user + system) of this process in each phase: what a busy machine disturbs least. */
  init_cpu_ms: number;
  first_invoke_cpu_ms: number;
  /**
   * The main thread's share of that CPU time, where the handler runs; the rest is V8's helper
   * threads (the optimising compilers, the garbage collector's) and libuv's. Absent on a Node
   * without process.threadCpuUsage (before 23.9).
   */
  init_main_cpu_ms?: number;
  first_invoke_main_cpu_ms?: number;
  outcome: string;
}

const since = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

const cpuMs = (used: NodeJS.CpuUsage): number => (used.user + used.system) / 1000;
const cpuSince = (start: NodeJS.CpuUsage): number => cpuMs(process.cpuUsage(start));

type ThreadCpuUsage = (previous?: NodeJS.CpuUsage) => NodeJS.CpuUsage;
const threadCpuUsage = (process as { threadCpuUsage?: ThreadCpuUsage }).threadCpuUsage?.bind(process);

/** The main thread's CPU time since `start`, in ms, where Node can tell. */
const mainCpuSince = (start: NodeJS.CpuUsage | undefined): number | undefined => {
  return threadCpuUsage === undefined || start === undefined ? undefined : cpuMs(threadCpuUsage(start));
};

async function coldStart(spec: ColdStartSpec): Promise<ColdStartTiming> {
  const initStart = process.hrtime.bigint();
  const initCpu = process.cpuUsage();
  const initMainCpu = threadCpuUsage?.();
  const loaded = require(path.join(spec.packageDir, "__index.js")) as { handler: (event: unknown, context: unknown) => Promise<unknown> };
  const initMs = since(initStart);
  const initCpuMs = cpuSince(initCpu);
  const initMainCpuMs = mainCpuSince(initMainCpu);
  const deadline = Date.now() + spec.timeoutSeconds * 1000;
  const context = {
    awsRequestId: "bench-cold-start",
    functionName: path.basename(spec.packageDir),
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  const invokeStart = process.hrtime.bigint();
  const invokeCpu = process.cpuUsage();
  const invokeMainCpu = threadCpuUsage?.();
  let outcome: string;
  try {
    const result = await loaded.handler(spec.event, context);
    outcome = `ok ${JSON.stringify(result).slice(0, 160)}`;
  } catch (error) {
    outcome = `error ${error instanceof Error ? error.message : String(error)}`;
  }
  const firstInvokeMs = since(invokeStart);
  const firstInvokeCpuMs = cpuSince(invokeCpu);
  const firstInvokeMainCpuMs = mainCpuSince(invokeMainCpu);
  return {
    init_ms: Number(initMs.toFixed(2)),
    first_invoke_ms: Number(firstInvokeMs.toFixed(2)),
    init_cpu_ms: Number(initCpuMs.toFixed(2)),
    first_invoke_cpu_ms: Number(firstInvokeCpuMs.toFixed(2)),
    ...(initMainCpuMs === undefined ? {} : { init_main_cpu_ms: Number(initMainCpuMs.toFixed(2)) }),
    ...(firstInvokeMainCpuMs === undefined ? {} : { first_invoke_main_cpu_ms: Number(firstInvokeMainCpuMs.toFixed(2)) }),
    outcome,
  };
}

if (require.main === module) {
  const spec = JSON.parse(process.argv[2] ?? "null") as ColdStartSpec | null;
  if (spec === null) throw new Error("usage: coldStartProcess.ts '<spec JSON>'");
  coldStart(spec).then((timing) => process.stdout.write(`\n${JSON.stringify(timing)}\n`));
}
