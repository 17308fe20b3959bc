/**
 * The Node.js binary the cases run on: the one the local Lambda harness uses, Lambda's major
 * version (local/lambda-runtime), so the figures are those of the runtime the functions deploy to.
 */
import { locateNodeRuntime } from "../local/runtime/nodeRuntime";

export function runtimeNode(): string {
  return locateNodeRuntime("nodejs22.x");
}

/** Loads TypeScript in the child without type-checking: the parent's tsc run covers that. */
export const TS_NODE_REGISTER = require.resolve("ts-node/register/transpile-only");
