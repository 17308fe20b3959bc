/**
 * The X-Ray trace header Lambda gives each invocation in `_X_AMZN_TRACE_ID`:
 * `Root=1-<epoch seconds, 8 hex>-<96 random bits, 24 hex>;Parent=<64 bits, 16 hex>;Sampled=<0|1>`.
 * Sampled is 1 when the function traces (Active) and something collects the segments.
 */
import { randomBytes } from "crypto";

export function newTraceHeader(sampled: boolean, now = Date.now()): string {
  const epoch = Math.floor(now / 1000)
    .toString(16)
    .padStart(8, "0");
  return `Root=1-${epoch}-${randomBytes(12).toString("hex")};Parent=${randomBytes(8).toString("hex")};Sampled=${sampled ? 1 : 0}`;
}
