/**
 * Processing as it was before it encoded its own column chunks: the same decode and scan, then
 * hyparquet-writer's generic ParquetWriter (harness/referenceParquetWriter.ts). It writes the same
 * bytes as the pipeline, so the two rows of the table differ only in time and memory.
 */
import { transformSnapshotWith } from "../../handlers/processing/transformSnapshot";
import { parquetCompression } from "../../handlers/shared/parquetCodecs";
import { rawKeyForSnapshot } from "../../handlers/shared/s3Keys";
import { writeReferenceParquet } from "../../harness/referenceParquetWriter";
import { PARQUET_DEFAULTS, type SnapshotConverter } from "./converter";

export async function createGenericWriterConverter(): Promise<SnapshotConverter> {
  const compression = parquetCompression(PARQUET_DEFAULTS.codec, PARQUET_DEFAULTS.gzipLevel);
  return {
    async convert({ bytes, snapshotTime }) {
      const transformed = transformSnapshotWith(rawKeyForSnapshot(snapshotTime), bytes, (snapshot, metadata) =>
        writeReferenceParquet(snapshot, { ...compression, rowGroupSize: PARQUET_DEFAULTS.rowGroupSize, metadata }),
      );
      return transformed.parquet.body.length;
    },
    async close() {},
  };
}
