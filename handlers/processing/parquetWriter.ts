/**
 * Typed snapshot columns → Parquet bytes with hyparquet-writer. Row groups are converted to the
 * writer's value arrays one at a time, so a large snapshot never holds a second full copy of its
 * numeric columns as boxed JS values. The bytes depend only on the input: no clock, no random
 * ids, so a repeated event writes an identical object.
 */
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import type { KeyValue } from "hyparquet-writer";
import { columnByName, type BooleanColumn, type NumberColumn, type StringColumn, type TypedSnapshot } from "../shared/columns";
import type { ParquetCompression } from "../shared/parquetCodecs";
import { PARQUET_SCHEMA } from "../shared/parquetSchema";
import { PARQUET_COLUMNS, SNAPSHOT_TIME_COLUMN, type StateVectorField } from "../shared/stateVector";

export interface ParquetWriteSettings extends ParquetCompression {
  /** Rows per row group. */
  rowGroupSize: number;
  /** Key-value metadata; entries are written in the order given. */
  metadata: Readonly<Record<string, string>>;
}

/** FileMetaData.created_by: readers use it to attribute files and work around writer bugs. */
const CREATED_BY = "flight-data-pipeline processing (hyparquet-writer)";

type WriterValues = unknown[] | Float64Array | Int32Array;

function nullableNumbers(values: NumberColumn, map?: (value: number) => number): (number | null)[] {
  const converted = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    converted[i] = Number.isNaN(value) ? null : map === undefined ? value : map(value);
  }
  return converted;
}

const toMillis = (seconds: number): number => Math.round(seconds * 1000);

/** The writer's input for one column over rows [start, end). */
function writerValues(snapshot: TypedSnapshot, field: StateVectorField, start: number, end: number): WriterValues {
  if (field === SNAPSHOT_TIME_COLUMN) return new Array<number>(end - start).fill(toMillis(snapshot.snapshotTime));
  const column = columnByName(snapshot.columns, field.name);
  switch (field.type) {
    case "string":
      return (column as StringColumn).slice(start, end);
    case "boolean":
      return Array.from((column as BooleanColumn).subarray(start, end), (value) => value === 1);
    case "double": {
      const numbers = (column as NumberColumn).subarray(start, end);
      return field.nullable ? nullableNumbers(numbers) : numbers;
    }
    case "int32": {
      const numbers = (column as NumberColumn).subarray(start, end);
      return field.nullable ? nullableNumbers(numbers) : Int32Array.from(numbers);
    }
    case "timestamp":
      return nullableNumbers((column as NumberColumn).subarray(start, end), toMillis);
  }
}

export function writeSnapshotParquet(snapshot: TypedSnapshot, settings: ParquetWriteSettings): Uint8Array {
  if (!Number.isSafeInteger(settings.rowGroupSize) || settings.rowGroupSize < 1) {
    throw new Error(`row group size ${settings.rowGroupSize} must be a positive integer`);
  }
  const kvMetadata: KeyValue[] = Object.entries(settings.metadata).map(([key, value]) => ({ key, value }));
  const writer = new ByteWriter();
  const parquet = new ParquetWriter({
    writer,
    schema: [...PARQUET_SCHEMA],
    codec: settings.codec,
    compressors: settings.compressors,
    kvMetadata,
    createdBy: CREATED_BY,
  });
  for (let start = 0; start < snapshot.rowCount; start += settings.rowGroupSize) {
    const end = Math.min(snapshot.rowCount, start + settings.rowGroupSize);
    const columnData = PARQUET_COLUMNS.map((field) => ({
      name: field.name,
      data: writerValues(snapshot, field, start, end) as unknown[],
    }));
    parquet.write({ columnData, rowGroupSize: end - start });
  }
  parquet.finish();
  return writer.getBytes();
}
