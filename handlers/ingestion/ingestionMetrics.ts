/**
 * The ingestion stage's CloudWatch metrics (namespace FlightDataPipeline, Environment dimension
 * added by the publisher); the names live in the contract (contract/publishedMetrics.ts).
 */
import { INGESTION_METRICS } from "../../contract/publishedMetrics";
import type { Metric } from "../shared/metrics";

export { INGESTION_METRICS };

export function countMetric(name: string, value: number): Metric {
  return { name, value, unit: "Count" };
}
