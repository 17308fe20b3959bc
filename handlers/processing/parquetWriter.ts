/**
 * Typed snapshot columns → Parquet bytes. The column chunks are encoded here from the typed arrays
 * (parquetColumnChunk.ts) and Snappy-compressed into one reused buffer (snappyCompressor.ts); the
 * file framing, page index and footer are hyparquet-writer's. The bytes depend only on the input:
 * no clock, no random ids, so a repeated event writes an identical object. The file writer is
 * shared with the compaction stage, which hands it its own row groups.
 */
import type { CompressionCodec, FileMetaData, RowGroup } from "hyparquet";
// The class's own file: the package's index loads the whole generic writer, ~30 ms of CPU per cold start.
import { ByteWriter } from "hyparquet-writer/src/bytewriter.js";
import type { KeyValue } from "hyparquet-writer";
import { writeIndexes } from "hyparquet-writer/src/indexes.js";
import { writeMetadata } from "hyparquet-writer/src/metadata.js";
import type { PageIndexes } from "hyparquet-writer/src/types.js";
import type { TypedSnapshot } from "../shared/columns";
import type { ParquetCompression } from "../shared/parquetCodecs";
import { PARQUET_SCHEMA } from "../shared/parquetSchema";
import { createColumnChunkWriter, type Compressor } from "./parquetColumnChunk";
import { createColumnSources, type ColumnSource } from "./parquetColumnSource";
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

/** What a Parquet file holds besides its row groups, and how its pages are compressed. */
export interface ParquetFileSettings extends ParquetCompression {
  rowCount: number;
  /** Key-value metadata; entries are written in the order given. */
  metadata: Readonly<Record<string, string>>;
  createdBy: string;
  /** Buffer bytes to start with: room for the whole file spares the copies of growing it. */
  initialBytes: number;
  /** Declared on every row group when its rows are sorted (RowGroup.sorting_columns). */
  sortingColumns?: NonNullable<RowGroup["sorting_columns"]>;
  /** False weighs every column's whole dictionary rather than rejecting it on a sample first; default true. */
  sampleDictionaries?: boolean;
}

/** Row group `index` as column sources, in file order; called once per group, in order. */
export type RowGroupColumns = (index: number) => ColumnSource[];

/** Writes `groups` row groups, each read from `columnsOf` just before it is encoded. */
export type ParquetFileWriter = (groups: number, columnsOf: RowGroupColumns, settings: ParquetFileSettings) => Uint8Array;

/**
 * The file writer: magic, row groups of column chunks, page indexes, footer. Built once per
 * container, with every function its loops call, for the reason createSnapshotParquetWriter gives;
 * the compaction stage writes its daily files with it too.
 */
export function createParquetFileWriter(): ParquetFileWriter {
  const writeColumnChunk = createColumnChunkWriter();
  const snappy = createSnappyCompressor();
  const toBigInt = BigInt;

  const compressorFor = (codec: CompressionCodec, compressors: ParquetCompression["compressors"]): Compressor | undefined => {
    if (codec === "UNCOMPRESSED") return undefined;
    const compress = codec === "SNAPPY" ? (compressors.SNAPPY ?? snappy) : compressors[codec];
    if (compress === undefined) throw new Error(`no compressor for Parquet codec ${codec}`);
    return compress;
  };

  return (groups, columnsOf, settings) => {
    const chunkSettings = {
      codec: settings.codec,
      compress: compressorFor(settings.codec, settings.compressors),
      pageSize: PAGE_SIZE,
      sampleDictionaries: settings.sampleDictionaries ?? true,
    };
    const writer = new ByteWriter(Math.max(1024, settings.initialBytes));
    writer.appendUint32(MAGIC);

    const rowGroups: RowGroup[] = [];
    const pageIndexes: PageIndexes[] = [];
    for (let group = 0; group < groups; group++) {
      const columns = columnsOf(group);
      const groupStart = writer.offset;
      const chunks = columns.map((column) => writeColumnChunk(writer, column, chunkSettings));
      pageIndexes.push(...chunks);
      const rowGroup: RowGroup = {
        columns: chunks.map(({ chunk }) => chunk),
        total_byte_size: chunks.reduce((sum, { chunk }) => sum + (chunk.meta_data?.total_uncompressed_size ?? 0n), 0n),
        num_rows: toBigInt(columns[0]?.rows ?? 0),
        total_compressed_size: toBigInt(writer.offset - groupStart),
      };
      if (settings.sortingColumns !== undefined) rowGroup.sorting_columns = settings.sortingColumns;
      rowGroups.push(rowGroup);
    }

    writeIndexes(writer, pageIndexes);
    const kvMetadata: KeyValue[] = Object.entries(settings.metadata).map(([key, value]) => ({ key, value }));
    const footer: Omit<FileMetaData, "metadata_length"> = {
      version: 2,
      created_by: settings.createdBy,
      schema: [...PARQUET_SCHEMA],
      num_rows: toBigInt(settings.rowCount),
      row_groups: rowGroups,
      key_value_metadata: kvMetadata,
    };
    writeMetadata(writer, footer as FileMetaData);
    writer.appendUint32(MAGIC);
    return writer.getBytes();
  };
}

/**
 * The writer, with every function its loops call built here once: processing builds one per
 * container (docs/serialization.md). One Snappy compressor is kept, and its buffer reused, from
 * snapshot to snapshot.
 */
export function createSnapshotParquetWriter(): SnapshotParquetWriter {
  const rowGroupColumns = createColumnSources();
  const writeFile = createParquetFileWriter();
  const ceil = Math.ceil;
  const min = Math.min;

  return (snapshot, settings) => {
    if (!Number.isSafeInteger(settings.rowGroupSize) || settings.rowGroupSize < 1) {
      throw new Error(`row group size ${settings.rowGroupSize} must be a positive integer`);
    }
    const size = settings.rowGroupSize;
    return writeFile(ceil(snapshot.rowCount / size), (group) => rowGroupColumns(snapshot, group * size, min(snapshot.rowCount, (group + 1) * size)), {
      codec: settings.codec,
      compressors: settings.compressors,
      rowCount: snapshot.rowCount,
      metadata: settings.metadata,
      createdBy: CREATED_BY,
      initialBytes: snapshot.rowCount * INITIAL_BYTES_PER_ROW,
    });
  };
}

/** One file with a writer of its own; processing keeps one writer (createSnapshotParquetWriter). */
export function writeSnapshotParquet(snapshot: TypedSnapshot, settings: ParquetWriteSettings): Uint8Array {
  return createSnapshotParquetWriter()(snapshot, settings);
}
