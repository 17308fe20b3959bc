/**
 * The processing handler's own transform: check and decode the bytes, scan or parse, type the
 * rows, write Parquet. A stage factory, so the bench can serialize it the way CallbackFunction
 * does and time the code as Lambda runs it (deployedStages.ts).
 */
import { createParquetEncoder, createSnapshotTransformer } from "../../handlers/processing/transformSnapshot";
import { parquetCompression } from "../../handlers/shared/parquetCodecs";
import { rawKeyForSnapshot } from "../../handlers/shared/s3Keys";
import { PARQUET_DEFAULTS, type SnapshotConverter } from "./converter";

/** Raw object bytes → the Parquet file's size. */
export type ProcessingStage = (bytes: Uint8Array, snapshotTime: number) => number;

export function pipelineProcessingStage(): ProcessingStage {
  const compression = parquetCompression(PARQUET_DEFAULTS.codec, PARQUET_DEFAULTS.gzipLevel);
  const transform = createSnapshotTransformer(createParquetEncoder({ ...compression, rowGroupSize: PARQUET_DEFAULTS.rowGroupSize }));
  return (bytes, snapshotTime) => transform(rawKeyForSnapshot(snapshotTime), bytes).parquet.body.length;
}

export function stageConverter(stage: ProcessingStage): SnapshotConverter {
  return {
    async convert({ bytes, snapshotTime }) {
      return stage(bytes, snapshotTime);
    },
    async close() {},
  };
}
