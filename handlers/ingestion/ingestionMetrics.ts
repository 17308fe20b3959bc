/**
 * The ingestion stage's CloudWatch metrics (namespace FlightDataPipeline, Environment dimension
 * added by the publisher). Alarms and the dashboard refer to these names.
 */
import type { Metric } from "../shared/metrics";

export const INGESTION_METRICS = {
  /** States in the snapshot stored (0 for `states: null`). */
  statesIngested: "IngestionStatesIngested",
  /** 1 per snapshot written to the raw bucket. */
  snapshotsStored: "IngestionSnapshotsStored",
  /** 1 per fire whose snapshot was already stored. */
  duplicateSnapshots: "IngestionDuplicateSnapshots",
  /** 1 per run that ended because OpenSky's credits were exhausted. */
  rateLimited: "IngestionRateLimited",
  /** OpenSky's X-Rate-Limit-Remaining after the run's last call. */
  rateLimitRemaining: "OpenSkyRateLimitRemaining",
  /** HTTP attempts the run made. */
  openSkyAttempts: "OpenSkyRequestAttempts",
  /** 1 per failed run (the error goes on to Lambda's retry and the DLQ). */
  failures: "IngestionFailures",
  /** Wall time of the run. */
  duration: "IngestionDuration",
} as const;

export function countMetric(name: string, value: number): Metric {
  return { name, value, unit: "Count" };
}
