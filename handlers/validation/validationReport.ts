/**
 * The JSON validation report written for each snapshot at its report key: everything the
 * assessment found, where the data lives, and the thresholds it was judged against.
 */
import type { SnapshotFileMetadata } from "../shared/snapshotMetadata";
import type { QualityAssessment, QualityThresholds } from "./qualityAssessment";

export const REPORT_VERSION = 1;

export interface ReportInput {
  bucket: string;
  processedKey: string;
  metadata: SnapshotFileMetadata;
  assessment: QualityAssessment;
  thresholds: QualityThresholds;
  environment: string;
  validatedAt: Date;
}

export function validationReport(input: ReportInput) {
  const { assessment, metadata } = input;
  return {
    reportVersion: REPORT_VERSION,
    environment: input.environment,
    snapshotTime: metadata.snapshotTime,
    snapshotTimeIso: new Date(metadata.snapshotTime * 1000).toISOString(),
    validatedAt: input.validatedAt.toISOString(),
    objects: {
      bucket: input.bucket,
      raw: metadata.sourceKey,
      processed: input.processedKey,
      quarantine: metadata.quarantineKey,
    },
    rows: {
      input: assessment.scores.inputRows,
      written: metadata.writtenRows,
      quarantined: metadata.quarantinedRowShape + metadata.quarantinedFieldType,
      errors: assessment.scores.errorRows,
    },
    scores: {
      qualityScore: assessment.scores.qualityScore,
      completeness: assessment.scores.completeness,
      errorRate: assessment.scores.errorRate,
      softPassRatio: assessment.scores.softPassRatio,
    },
    thresholds: input.thresholds,
    passed: assessment.passed,
    breaches: assessment.breaches,
    checks: assessment.checks,
    emergencySquawks: assessment.emergencies,
    contactAges: assessment.contactAges,
  };
}

export type ValidationReport = ReturnType<typeof validationReport>;
