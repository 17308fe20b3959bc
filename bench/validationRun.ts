/**
 * The validation stage without AWS: the Parquet bytes read back with hyparquet and assessed by
 * every quality check, then the report built, as the handler does between its S3 read and write.
 */
import { transformSnapshot } from "../handlers/processing/transformSnapshot";
import { parquetCompression } from "../handlers/shared/parquetCodecs";
import { processedKeyForSnapshot, rawKeyForSnapshot } from "../handlers/shared/s3Keys";
import { metadataFromKeyValues } from "../handlers/shared/snapshotMetadata";
import { readSnapshotParquet } from "../handlers/validation/parquetReader";
import { assessSnapshot, type QualityThresholds } from "../handlers/validation/qualityAssessment";
import { createQualityChecks, quarantineSummary, type QualityCheck } from "../handlers/validation/qualityChecks";
import { validationReport } from "../handlers/validation/validationReport";
import { DATA_QUALITY_DEFAULTS } from "../config/stackConfig";
import { PARQUET_DEFAULTS } from "./converters/converter";

const THRESHOLDS: QualityThresholds = {
  qualityThreshold: DATA_QUALITY_DEFAULTS.qualityThreshold,
  minCompletenessScore: DATA_QUALITY_DEFAULTS.minCompletenessScore,
  maxErrorRate: DATA_QUALITY_DEFAULTS.maxErrorRate,
};

/** The file validation would read: what processing writes for this snapshot. */
export function processedParquet(text: string, snapshotTime: number): Uint8Array {
  const transformed = transformSnapshot(rawKeyForSnapshot(snapshotTime), text, {
    ...parquetCompression(PARQUET_DEFAULTS.codec, PARQUET_DEFAULTS.gzipLevel),
    rowGroupSize: PARQUET_DEFAULTS.rowGroupSize,
  });
  return transformed.parquet.body as Uint8Array;
}

/** Parquet bytes → the report's size. */
export type ValidationStage = (bytes: Uint8Array, snapshotTime: number) => Promise<number>;

/** A stage factory, so the bench can serialize it as CallbackFunction does (deployedStages.ts). */
export function validationStage(): ValidationStage {
  const thresholds = THRESHOLDS;
  const checks = createQualityChecks();
  return (bytes, snapshotTime) => validateParquet(bytes, snapshotTime, thresholds, checks);
}

async function validateParquet(bytes: Uint8Array, snapshotTime: number, thresholds: QualityThresholds, checks: readonly QualityCheck[]): Promise<number> {
  const parquet = await readSnapshotParquet(bytes);
  const metadata = metadataFromKeyValues(parquet.metadata);
  const assessment = assessSnapshot({ snapshot: parquet.snapshot, quarantine: quarantineSummary(metadata) }, thresholds, checks);
  const report = validationReport({
    bucket: "bench",
    processedKey: processedKeyForSnapshot(snapshotTime),
    metadata,
    assessment,
    thresholds,
    environment: "bench",
    validatedAt: new Date(snapshotTime * 1000),
  });
  return JSON.stringify(report).length;
}
