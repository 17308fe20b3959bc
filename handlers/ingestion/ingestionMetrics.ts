/**
 * The ingestion stage's CloudWatch metrics (namespace FlightDataPipeline, Environment dimension
 * added by the publisher); the names live in contract/metricNames.ts with the dashboard's.
 */
import { METRIC } from "../../contract/metricNames";
import type { Metric } from "../shared/metrics";

export const INGESTION_METRICS = {
  statesIngested: METRIC.statesIngested,
  snapshotsStored: METRIC.snapshotsStored,
  duplicateSnapshots: METRIC.duplicateSnapshots,
  rateLimited: METRIC.rateLimited,
  rateLimitRemaining: METRIC.rateLimitRemaining,
  openSkyAttempts: METRIC.openSkyAttempts,
  failures: METRIC.ingestionFailures,
  rejectedSnapshots: METRIC.rejectedSnapshots,
  duration: METRIC.ingestionDuration,
} as const;

export function countMetric(name: string, value: number): Metric {
  return { name, value, unit: "Count" };
}
