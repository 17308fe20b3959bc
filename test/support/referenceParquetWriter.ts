/**
 * The reference the processing handler's Parquet writer is held to: the same typed columns written
 * through hyparquet-writer's generic ParquetWriter, as processing did before it encoded the column
 * chunks itself. Tests require identical bytes from both; the benchmark times both.
 */
import type { Encoding } from "hyparquet";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import type { KeyValue } from "hyparquet-writer";
import { columnByName, type BooleanColumn, type NumberColumn, type StringColumn, type TypedSnapshot } from "../../handlers/shared/columns";
import { CREATED_BY, type ParquetWriteSettings } from "../../handlers/processing/parquetWriter";
import { PARQUET_SCHEMA } from "../../handlers/shared/parquetSchema";
import { PARQUET_COLUMNS, SNAPSHOT_TIME_COLUMN, type StateVectorField } from "../../handlers/shared/stateVector";

/**
 * Encodings known from the data, so the writer skips sampling for them. icao24 is unique within a
 * snapshot and callsigns nearly so: the sample always rejects a dictionary, and PLAIN lets their
 * values arrive as UTF-8 bytes (see utf8Values). Every other column keeps the writer's choice.
 */
const COLUMN_ENCODINGS: Readonly<Record<string, Encoding>> = {
  icao24: "PLAIN",
  callsign: "PLAIN",
};

type WriterValues = unknown[] | Float64Array | Int32Array;

/**
 * Nulls stay holes, which the writer reads as undefined and treats exactly as null. An array of
 * numbers and holes keeps its doubles unboxed (V8's holey-double elements), where one holding null
 * boxes every double value in a heap number of its own.
 */
export function nullableNumbers(values: NumberColumn): (number | undefined)[] {
  const converted = new Array<number | undefined>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (!Number.isNaN(value)) converted[i] = value;
  }
  return converted;
}

/** INT64 milliseconds as the writer stores them; handing it numbers costs it a BigInt copy of the column. */
export function nullableMillis(seconds: NumberColumn): (bigint | null)[] {
  const converted = new Array<bigint | null>(seconds.length);
  for (let i = 0; i < seconds.length; i++) {
    const value = seconds[i];
    converted[i] = Number.isNaN(value) ? null : BigInt(Math.round(value * 1000));
  }
  return converted;
}

/**
 * Strings as UTF-8 bytes, which the writer would otherwise encode one value at a time. A column of
 * ASCII (what OpenSky sends) is encoded in one call and handed out as views of that buffer; any
 * other character sends the column down the per-value path. Buffer rather than a module-level
 * TextEncoder (docs/serialization.md).
 */
export function utf8Values(strings: StringColumn): (Uint8Array | null)[] {
  const joined = strings.join("");
  const bytes = Buffer.from(joined, "utf8");
  const ascii = bytes.length === joined.length;
  const encoded = new Array<Uint8Array | null>(strings.length);
  let offset = 0;
  for (let i = 0; i < strings.length; i++) {
    const value = strings[i];
    if (value === null || value === undefined) encoded[i] = null;
    else if (!ascii) encoded[i] = Buffer.from(value, "utf8");
    else {
      encoded[i] = bytes.subarray(offset, offset + value.length);
      offset += value.length;
    }
  }
  return encoded;
}

/** The writer's input for one column over rows [start, end). */
function writerValues(snapshot: TypedSnapshot, field: StateVectorField, start: number, end: number): WriterValues {
  if (field === SNAPSHOT_TIME_COLUMN) return new Array<bigint>(end - start).fill(BigInt(Math.round(snapshot.snapshotTime * 1000)));
  const column = columnByName(snapshot.columns, field.name);
  switch (field.type) {
    case "string": {
      // The writer copies its input and neither it nor utf8Values writes to it: a row group that
      // is the whole column needs no copy of its own.
      const whole = start === 0 && end === column.length;
      const strings = whole ? (column as StringColumn) : (column as StringColumn).slice(start, end);
      return COLUMN_ENCODINGS[field.name] === "PLAIN" ? utf8Values(strings) : strings;
    }
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
      return nullableMillis((column as NumberColumn).subarray(start, end));
  }
}

export function writeReferenceParquet(snapshot: TypedSnapshot, settings: ParquetWriteSettings): Uint8Array {
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
    const columnData = PARQUET_COLUMNS.map((field) => {
      const encoding = COLUMN_ENCODINGS[field.name];
      return { name: field.name, data: writerValues(snapshot, field, start, end) as unknown[], ...(encoding ? { encoding } : {}) };
    });
    parquet.write({ columnData, rowGroupSize: end - start });
  }
  parquet.finish();
  return writer.getBytes();
}
