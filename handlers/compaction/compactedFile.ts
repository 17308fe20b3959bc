/**
 * A day's rows → the daily Parquet file, written by processing's own file writer and column
 * encoder: the same schema and codec as the per-snapshot files, row groups of the configured size,
 * each declaring its sort order (icao24, then snapshot_time), and statistics per column chunk that
 * let a query for one aircraft skip every other row group. The bytes depend only
 * on the rows and the day, so compacting the same files again writes the same object.
 */
import type { ParquetCompression } from "../shared/parquetCodecs";
import { PARQUET_COLUMNS, SCHEMA_VERSION } from "../shared/stateVector";
import type { UtcDay } from "../shared/s3Keys";
import { createParquetFileWriter } from "../processing/parquetWriter";
import { SORT_COLUMNS, type DayRows } from "./dayRows";

/** FileMetaData.created_by of the daily files. */
export const COMPACTED_CREATED_BY = "flight-data-pipeline compaction (hyparquet-writer)";

/** Key-value metadata of the daily file; values depend only on its inputs. */
export const COMPACTED_METADATA_KEYS = {
  schemaVersion: "flightdata.schema_version",
  day: "flightdata.compaction.day",
  /** JSON array of the unix-second times of the snapshots merged, ascending. */
  snapshotTimes: "flightdata.compaction.snapshot_times",
  sortOrder: "flightdata.compaction.sort_order",
} as const;

/** Compressed bytes per row to start the buffer with: about what the daily files come to. */
const INITIAL_BYTES_PER_ROW = 40;

export interface CompactedFileInput {
  day: UtcDay;
  rows: DayRows;
  /** The snapshots whose rows these are, ascending. */
  snapshotTimes: readonly number[];
  compression: ParquetCompression;
  rowGroupSize: number;
}

export interface CompactedFile {
  bytes: Uint8Array;
  rowGroups: number;
}

export type CompactedFileWriter = (input: CompactedFileInput) => CompactedFile;

/** Built once per container, with its column encoder and Snappy buffer (see createDayRows for why). */
export function createCompactedFileWriter(): CompactedFileWriter {
  const writeFile = createParquetFileWriter();
  const sortingColumns = SORT_COLUMNS.map((name) => ({
    column_idx: PARQUET_COLUMNS.findIndex((field) => field.name === name),
    descending: false,
    nulls_first: false,
  }));

  return ({ day, rows, snapshotTimes, compression, rowGroupSize }) => {
    const sorted = rows.sorted(rowGroupSize);
    const bytes = writeFile(sorted.groups, (group) => sorted.columnsOf(group), {
      ...compression,
      rowCount: rows.rowCount,
      metadata: {
        [COMPACTED_METADATA_KEYS.schemaVersion]: SCHEMA_VERSION,
        [COMPACTED_METADATA_KEYS.day]: day,
        [COMPACTED_METADATA_KEYS.snapshotTimes]: JSON.stringify(snapshotTimes),
        [COMPACTED_METADATA_KEYS.sortOrder]: SORT_COLUMNS.join(","),
      },
      createdBy: COMPACTED_CREATED_BY,
      initialBytes: rows.rowCount * INITIAL_BYTES_PER_ROW,
      sortingColumns,
      // A day's chunks repeat values (speeds, squawks, aircraft) a sample of a thousand sees as
      // distinct, so every dictionary is weighed whole (docs/performance.md, compaction).
      sampleDictionaries: false,
    });
    return { bytes, rowGroups: sorted.groups };
  };
}
