/**
 * The words of the three alerts validation sends. Plain text, because the topic's usual subscriber
 * is an e-mail address; each names the snapshot, its objects and what failed, with counts and
 * sample aircraft, so the reader can start looking without opening the report.
 */
import type { Alert } from "../shared/alerts";
import type { QualityAssessment } from "./qualityAssessment";
import type { ValidationReport } from "./validationReport";

const percent = (fraction: number): string => `${(fraction * 100).toFixed(2)}%`;

function failedChecksText(assessment: QualityAssessment): string[] {
  const failed = assessment.checks.filter((check) => check.failing > 0);
  if (failed.length === 0) return ["No check failed a row; the scores alone broke the thresholds."];
  return failed.map(
    (check) =>
      `- ${check.name} (${check.severity}): ${check.failing} of ${check.applicable} rows failed ` +
      `(pass ratio ${percent(check.passRatio)}); ${check.rule}` +
      (check.sampleIcao24.length > 0 ? `; e.g. icao24 ${check.sampleIcao24.join(", ")}` : ""),
  );
}

function snapshotText(report: ValidationReport): string[] {
  return [
    `Snapshot: ${report.snapshotTimeIso} (time ${report.snapshotTime})`,
    `Processed: s3://${report.objects.bucket}/${report.objects.processed}`,
    `Raw: ${report.objects.raw}`,
    ...(report.objects.quarantine === null ? [] : [`Quarantine: ${report.objects.quarantine}`]),
    `Rows: ${report.rows.input} in the response, ${report.rows.quarantined} quarantined, ${report.rows.errors} in error`,
    `Quality score ${percent(report.scores.qualityScore)}, completeness ${percent(report.scores.completeness)}, ` +
      `error rate ${percent(report.scores.errorRate)}`,
  ];
}

/** What broke, on which snapshot, which checks failed and where the full report is. */
function failingSnapshotText(report: ValidationReport, assessment: QualityAssessment, reportKey: string): string[] {
  return [
    ...assessment.breaches.map((breach) => `- ${breach}`),
    "",
    ...snapshotText(report),
    "",
    "Failed checks:",
    ...failedChecksText(assessment),
    "",
    `Full report: ${reportKey}`,
  ];
}

export function qualityAlert(report: ValidationReport, assessment: QualityAssessment, reportKey: string): Alert {
  return {
    kind: "data-quality",
    subject: `Flight data quality below threshold for snapshot ${report.snapshotTimeIso}`,
    message: ["A flight-data snapshot broke the stack's data-quality thresholds:", ...failingSnapshotText(report, assessment, reportKey)].join("\n"),
  };
}

export function circuitOpenAlert(report: ValidationReport, assessment: QualityAssessment, reportKey: string, consecutiveFailures: number): Alert {
  return {
    kind: "circuit-open",
    subject: `Flight data quality circuit open: ${consecutiveFailures} failing snapshots in a row`,
    message: [
      `${consecutiveFailures} consecutive snapshots broke the data-quality thresholds. The alert circuit is now open:`,
      'no further per-snapshot alerts will be sent until a snapshot passes, which will send one "circuit closed" notice.',
      "",
      "The latest failing snapshot:",
      ...failingSnapshotText(report, assessment, reportKey),
    ].join("\n"),
  };
}

export function circuitClosedAlert(report: ValidationReport, reportKey: string, failuresWhileOpen: number): Alert {
  return {
    kind: "circuit-closed",
    subject: `Flight data quality recovered: snapshot ${report.snapshotTimeIso} passed`,
    message: [
      `Snapshot ${report.snapshotTimeIso} passed the data-quality thresholds after ${failuresWhileOpen} failing snapshots in a row.`,
      "The alert circuit is closed: the next failing snapshot will alert again.",
      "",
      ...snapshotText(report),
      "",
      `Full report: ${reportKey}`,
    ].join("\n"),
  };
}
