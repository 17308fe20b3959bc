/**
 * The Node.js binary the cases run on: the one the local Lambda harness uses for the Lambda
 * runtime (local/function-runner/nodeRuntime.ts), so the figures are those of the runtime the functions
 * deploy to. BENCH_LAMBDA_RUNTIME=nodejs22.x measures the other runtime a stack may choose.
 */
import { DEFAULT_LAMBDA_RUNTIME, LAMBDA_RUNTIMES } from "../config/stackConfig";
import { locateNodeRuntime } from "../local/function-runner/nodeRuntime";

export function benchLambdaRuntime(): string {
  const chosen = process.env.BENCH_LAMBDA_RUNTIME ?? DEFAULT_LAMBDA_RUNTIME;
  if (!(LAMBDA_RUNTIMES as readonly string[]).includes(chosen)) {
    throw new Error(`BENCH_LAMBDA_RUNTIME=${chosen}: must be one of ${LAMBDA_RUNTIMES.join(", ")}`);
  }
  return chosen;
}

export function runtimeNode(): string {
  return locateNodeRuntime(benchLambdaRuntime());
}

/** Loads TypeScript in the child without type-checking: the parent's tsc run covers that. */
export const TS_NODE_REGISTER = require.resolve("ts-node/register/transpile-only");
