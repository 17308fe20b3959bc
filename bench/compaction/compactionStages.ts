/**
 * A day's processed files → the daily file, two ways, each a stage factory the bench serializes as
 * CallbackFunction does (deployedStages.ts), so it times the code as Lambda runs it:
 *
 * - the compaction stage's own: its decoder, the day's rows, its counting sort and processing's
 *   column encoder, exactly what the handler does between reading the files and writing the result;
 * - the same merge with general-purpose pieces: hyparquet to read each file, a comparison sort, and
 *   hyparquet-writer's generic ParquetWriter to write.
 *
 * Both take the files' bytes as S3 returns them and return the size of the file written.
 */
import { parquetMetadata } from "hyparquet";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import { COMPACTED_CREATED_BY, createCompactedFileWriter } from "../../handlers/compaction/compactedFile";
import { DEFAULT_COMPACTION_ROW_GROUP_SIZE } from "../../handlers/compaction/compactionSettings";
import { createDayRows } from "../../handlers/compaction/dayRows";
import { createProcessedFileDecoder } from "../../handlers/compaction/processedFileDecoder";
import { addProcessedFile } from "../../handlers/compaction/processedFileReader";
import { columnByName, type BooleanColumn, type NumberColumn, type StringColumn, type TypedSnapshot } from "../../handlers/shared/columns";
import { parquetCompression } from "../../handlers/shared/parquetCodecs";
import { PARQUET_SCHEMA } from "../../handlers/shared/parquetSchema";
import { PARQUET_COLUMNS, SNAPSHOT_TIME_COLUMN } from "../../handlers/shared/stateVector";
import { readSnapshotParquet } from "../../handlers/validation/parquetReader";
import { nullableMillis, nullableNumbers, utf8Values } from "../../test/support/referenceParquetWriter";

export interface LoadedFile {
  bytes: Uint8Array;
  key: string;
  snapshotTime: number;
}

/** The day's files, in snapshot order → bytes of the daily file. */
export type CompactionStage = (files: readonly LoadedFile[]) => Promise<number>;

export function pipelineCompactionStage(): CompactionStage {
  const newDayRows = createDayRows();
  const decode = createProcessedFileDecoder();
  const write = createCompactedFileWriter();
  const compression = parquetCompression("snappy", 6);
  const rowGroupSize = DEFAULT_COMPACTION_ROW_GROUP_SIZE;
  return async (files) => {
    // The handler reads these row counts from the footers by ranged GETs before fetching the files.
    let rowCount = 0;
    for (const file of files)
      rowCount += Number(
        parquetMetadata(file.bytes.buffer.slice(file.bytes.byteOffset, file.bytes.byteOffset + file.bytes.byteLength) as ArrayBuffer).num_rows,
      );
    const rows = newDayRows(rowCount);
    for (const file of files) await addProcessedFile(rows, decode, file.bytes, file.key, file.snapshotTime);
    const written = write({ day: "2026-11-26", rows, snapshotTimes: files.map((file) => file.snapshotTime), compression, rowGroupSize });
    return written.bytes.length;
  };
}

export function genericCompactionStage(): CompactionStage {
  const compression = parquetCompression("snappy", 6);
  const rowGroupSize = DEFAULT_COMPACTION_ROW_GROUP_SIZE;

  /** Every column of every snapshot end to end, with each row's snapshot time. */
  function concatenate(snapshots: readonly TypedSnapshot[]): {
    columns: Record<string, StringColumn | NumberColumn | BooleanColumn>;
    times: Float64Array;
    rows: number;
  } {
    const rows = snapshots.reduce((sum, snapshot) => sum + snapshot.rowCount, 0);
    const columns: Record<string, StringColumn | NumberColumn | BooleanColumn> = {};
    for (const field of PARQUET_COLUMNS) {
      if (field === SNAPSHOT_TIME_COLUMN) continue;
      if (field.type === "string") columns[field.name] = snapshots.flatMap((snapshot) => columnByName(snapshot.columns, field.name) as StringColumn);
      else {
        const target = field.type === "boolean" ? new Uint8Array(rows) : new Float64Array(rows);
        let at = 0;
        for (const snapshot of snapshots) {
          target.set(columnByName(snapshot.columns, field.name) as NumberColumn & BooleanColumn, at);
          at += snapshot.rowCount;
        }
        columns[field.name] = target;
      }
    }
    const times = new Float64Array(rows);
    let at = 0;
    for (const snapshot of snapshots) {
      times.fill(snapshot.snapshotTime, at, at + snapshot.rowCount);
      at += snapshot.rowCount;
    }
    return { columns, times, rows };
  }

  return async (files) => {
    const snapshots: TypedSnapshot[] = [];
    for (const file of files) snapshots.push((await readSnapshotParquet(file.bytes)).snapshot);
    const { columns, times, rows } = concatenate(snapshots);
    const icao24 = columns.icao24 as StringColumn;
    const order = Array.from({ length: rows }, (_, index) => index).sort((a, b) => {
      const left = icao24[a] as string;
      const right = icao24[b] as string;
      return left < right ? -1 : left > right ? 1 : times[a] - times[b] || a - b;
    });
    const writer = new ByteWriter();
    const parquet = new ParquetWriter({
      writer,
      schema: [...PARQUET_SCHEMA],
      codec: compression.codec,
      compressors: compression.compressors,
      kvMetadata: [],
      createdBy: COMPACTED_CREATED_BY,
    });
    for (let start = 0; start < rows; start += rowGroupSize) {
      const slice = order.slice(start, Math.min(rows, start + rowGroupSize));
      const columnData = PARQUET_COLUMNS.map((field) => {
        if (field === SNAPSHOT_TIME_COLUMN) return { name: field.name, data: nullableMillis(Float64Array.from(slice, (row) => times[row])) as unknown[] };
        const column = columns[field.name];
        if (field.type === "string") return { name: field.name, data: utf8Values(slice.map((row) => (column as StringColumn)[row])) as unknown[] };
        if (field.type === "boolean") return { name: field.name, data: slice.map((row) => column[row] === 1) };
        const numbers = Float64Array.from(slice, (row) => (column as NumberColumn)[row]);
        if (field.type === "timestamp") return { name: field.name, data: nullableMillis(numbers) as unknown[] };
        if (field.type === "int32" && !field.nullable) return { name: field.name, data: Int32Array.from(numbers) as unknown as unknown[] };
        return { name: field.name, data: nullableNumbers(numbers) as unknown[] };
      });
      parquet.write({ columnData, rowGroupSize: slice.length });
    }
    parquet.finish();
    return writer.getBytes().length;
  };
}
