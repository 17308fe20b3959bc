/**
 * The CloudWatch metrics of one validated snapshot, stamped with the snapshot's time (see
 * metricTimestamp). Fractions are published as
 * Percent (0–100); the stack's thresholds are fractions, so an alarm on DataQualityScore compares
 * against qualityThreshold × 100.
 */
import { METRIC } from "../../contract/metricNames";
import { metricTimestamp } from "../shared/metricTimestamp";
import type { Metric } from "../shared/metrics";
import type { QualityAssessment } from "./qualityAssessment";

/** One datum per check and snapshot, dimensioned by the check's name, 0 when it passed. */
export const CHECK_FAILURES_METRIC = METRIC.checkFailures;
export const CHECK_DIMENSION = "Check";

export function qualityMetrics(assessment: QualityAssessment, snapshotTime: number, now: Date): Metric[] {
  const timestamp = metricTimestamp(snapshotTime, now);
  const { scores } = assessment;
  return [
    { name: METRIC.dataQualityScore, value: scores.qualityScore * 100, unit: "Percent", timestamp },
    { name: METRIC.completenessScore, value: scores.completeness * 100, unit: "Percent", timestamp },
    { name: METRIC.errorRate, value: scores.errorRate * 100, unit: "Percent", timestamp },
    { name: METRIC.recordsProcessed, value: scores.inputRows, unit: "Count", timestamp },
    { name: METRIC.emergencySquawks, value: assessment.emergencies.length, unit: "Count", timestamp },
    { name: METRIC.contactStaleness, value: assessment.contactAges.medianSeconds, unit: "Seconds", timestamp },
    ...assessment.checks.map((check): Metric => ({
      name: CHECK_FAILURES_METRIC,
      value: check.failing,
      unit: "Count",
      dimensions: { [CHECK_DIMENSION]: check.name },
      timestamp,
    })),
  ];
}
