/**
 * Typed snapshot columns → Parquet bytes. The column chunks are encoded here from the typed arrays
 * (parquetColumnChunk.ts) and Snappy-compressed into one reused buffer (snappyCompressor.ts); the
 * file framing, page index and footer are hyparquet-writer's. The
 * bytes depend only on the input: no clock, no random ids, so a repeated event writes an identical
 * object.
 */
import type { CompressionCodec, FileMetaData, RowGroup } from "hyparquet";
import { ByteWriter } from "hyparquet-writer";
import type { KeyValue } from "hyparquet-writer";
import { writeIndexes } from "hyparquet-writer/src/indexes.js";
import { writeMetadata } from "hyparquet-writer/src/metadata.js";
import type { PageIndexes } from "hyparquet-writer/src/types.js";
import type { TypedSnapshot } from "../shared/columns";
import type { ParquetCompression } from "../shared/parquetCodecs";
import { PARQUET_SCHEMA } from "../shared/parquetSchema";
import { createColumnChunkWriter, type Compressor } from "./parquetColumnChunk";
import { createColumnSources } from "./parquetColumnSource";
import { createSnappyCompressor } from "./snappyCompressor";

export interface ParquetWriteSettings extends ParquetCompression {
  /** Rows per row group. */
  rowGroupSize: number;
  /** Key-value metadata; entries are written in the order given. */
  metadata: Readonly<Record<string, string>>;
}

/** FileMetaData.created_by: readers use it to attribute files and work around writer bugs. */
export const CREATED_BY = "flight-data-pipeline processing (hyparquet-writer)";

/** Parquet's magic number, "PAR1", at both ends of the file. */
const MAGIC = 0x31524150;
/** Uncompressed bytes of values per data page, as hyparquet-writer pages by default. */
const PAGE_SIZE = 1_048_576;
/** Room for a typical snapshot's file at the start, so the buffer rarely grows and copies. */
const INITIAL_BYTES_PER_ROW = 48;

export type SnapshotParquetWriter = (snapshot: TypedSnapshot, settings: ParquetWriteSettings) => Uint8Array;

/**
 * The writer, with every function its loops call built here once: processing builds one per
 * container, because in the code Lambda runs (Pulumi's serialization) a module-level function is
 * rebuilt on every call and its loops would start cold on every snapshot. One Snappy compressor is
 * kept, and its buffer reused, from snapshot to snapshot.
 */
export function createSnapshotParquetWriter(): SnapshotParquetWriter {
  const rowGroupColumns = createColumnSources();
  const writeColumnChunk = createColumnChunkWriter();
  const snappy = createSnappyCompressor();
  const toBigInt = BigInt;

  const compressorFor = (codec: CompressionCodec, compressors: ParquetCompression["compressors"]): Compressor | undefined => {
    if (codec === "UNCOMPRESSED") return undefined;
    const compress = codec === "SNAPPY" ? (compressors.SNAPPY ?? snappy) : compressors[codec];
    if (compress === undefined) throw new Error(`no compressor for Parquet codec ${codec}`);
    return compress;
  };

  return (snapshot, settings) => {
    if (!Number.isSafeInteger(settings.rowGroupSize) || settings.rowGroupSize < 1) {
      throw new Error(`row group size ${settings.rowGroupSize} must be a positive integer`);
    }
    const chunkSettings = { codec: settings.codec, compress: compressorFor(settings.codec, settings.compressors), pageSize: PAGE_SIZE };
    const writer = new ByteWriter(Math.max(1024, snapshot.rowCount * INITIAL_BYTES_PER_ROW));
    writer.appendUint32(MAGIC);

    const rowGroups: RowGroup[] = [];
    const pageIndexes: PageIndexes[] = [];
    for (let start = 0; start < snapshot.rowCount; start += settings.rowGroupSize) {
      const end = Math.min(snapshot.rowCount, start + settings.rowGroupSize);
      const groupStart = writer.offset;
      const chunks = rowGroupColumns(snapshot, start, end).map((column) => writeColumnChunk(writer, column, chunkSettings));
      pageIndexes.push(...chunks);
      rowGroups.push({
        columns: chunks.map(({ chunk }) => chunk),
        total_byte_size: chunks.reduce((sum, { chunk }) => sum + (chunk.meta_data?.total_uncompressed_size ?? 0n), 0n),
        num_rows: toBigInt(end - start),
        total_compressed_size: toBigInt(writer.offset - groupStart),
      });
    }

    writeIndexes(writer, pageIndexes);
    const kvMetadata: KeyValue[] = Object.entries(settings.metadata).map(([key, value]) => ({ key, value }));
    const footer: Omit<FileMetaData, "metadata_length"> = {
      version: 2,
      created_by: CREATED_BY,
      schema: [...PARQUET_SCHEMA],
      num_rows: toBigInt(snapshot.rowCount),
      row_groups: rowGroups,
      key_value_metadata: kvMetadata,
    };
    writeMetadata(writer, footer as FileMetaData);
    writer.appendUint32(MAGIC);
    return writer.getBytes();
  };
}

/** One file with a writer of its own; processing keeps one writer (createSnapshotParquetWriter). */
export function writeSnapshotParquet(snapshot: TypedSnapshot, settings: ParquetWriteSettings): Uint8Array {
  return createSnapshotParquetWriter()(snapshot, settings);
}
