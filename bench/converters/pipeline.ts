/** The processing handler's own transform: check and decode the bytes, parse, type the rows, write Parquet with hyparquet-writer. */
import { transformSnapshot } from "../../handlers/processing/transformSnapshot";
import { parquetCompression } from "../../handlers/shared/parquetCodecs";
import { rawKeyForSnapshot } from "../../handlers/shared/s3Keys";
import { PARQUET_DEFAULTS, type SnapshotConverter } from "./converter";

export async function createPipelineConverter(): Promise<SnapshotConverter> {
  const compression = parquetCompression(PARQUET_DEFAULTS.codec, PARQUET_DEFAULTS.gzipLevel);
  return {
    async convert({ bytes, snapshotTime }) {
      const transformed = transformSnapshot(rawKeyForSnapshot(snapshotTime), bytes, {
        ...compression,
        rowGroupSize: PARQUET_DEFAULTS.rowGroupSize,
      });
      return transformed.parquet.body.length;
    },
    async close() {},
  };
}
