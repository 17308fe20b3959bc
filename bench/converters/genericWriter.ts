/**
 * Processing as it was before it encoded its own column chunks: the same decode and scan, then
 * hyparquet-writer's generic ParquetWriter (test/support/referenceParquetWriter.ts). It writes the same
 * bytes as the pipeline, so the two rows of the table differ only in time and memory.
 */
import { createSnapshotTransformer } from "../../handlers/processing/transformSnapshot";
import { parquetCompression } from "../../handlers/shared/parquetCodecs";
import { rawKeyForSnapshot } from "../../handlers/shared/s3Keys";
import { writeReferenceParquet } from "../../test/support/referenceParquetWriter";
import { PARQUET_DEFAULTS } from "./converter";
import type { ProcessingStage } from "./pipeline";

export function genericWriterProcessingStage(): ProcessingStage {
  const compression = parquetCompression(PARQUET_DEFAULTS.codec, PARQUET_DEFAULTS.gzipLevel);
  const rowGroupSize = PARQUET_DEFAULTS.rowGroupSize;
  const transform = createSnapshotTransformer((snapshot, metadata) => writeReferenceParquet(snapshot, { ...compression, rowGroupSize, metadata }));
  return (bytes, snapshotTime) => transform(rawKeyForSnapshot(snapshotTime), bytes).parquet.body.length;
}
