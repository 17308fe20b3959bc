/**
 * One column of one row group in the form the Parquet encoder writes: the physical values, straight
 * from the typed snapshot columns, with no per-value JS objects. Numbers stay in a Float64Array
 * with NaN for null (INT64 timestamps as whole milliseconds, which a double holds exactly up to
 * ±2^53); booleans stay 0/1 bytes; strings stay JS strings until their page is written.
 */
import type { SchemaElement } from "hyparquet-writer";
import { columnByName, valueRules, type BooleanColumn, type NumberColumn, type StringColumn, type TypedSnapshot } from "../shared/columns";
import { PARQUET_SCHEMA } from "../shared/parquetSchema";
import { PARQUET_COLUMNS, SNAPSHOT_TIME_COLUMN, type StateVectorField } from "../shared/stateVector";

export type NumericType = "DOUBLE" | "INT32" | "INT64";

export type ColumnValues =
  | { kind: "number"; type: NumericType; values: Float64Array }
  | { kind: "boolean"; values: Uint8Array }
  /** `dictionary: false` for columns known never to win one, so they skip the sampling too. */
  | { kind: "string"; values: StringColumn; dictionary: boolean };

export interface ColumnSource {
  name: string;
  element: SchemaElement;
  nullable: boolean;
  rows: number;
  data: ColumnValues;
}

/**
 * Rows [start, end) of every Parquet column, in file order.
 * Built by a factory, once per container (docs/serialization.md).
 */
export function createColumnSources(): (snapshot: TypedSnapshot, start: number, end: number) => ColumnSource[] {
  /**
   * icao24 is unique within a snapshot and callsigns nearly so: a dictionary never pays for them,
   * and writing them PLAIN straight away saves building one to throw it away.
   */
  const PLAIN_ONLY_STRING_COLUMNS: readonly string[] = ["icao24", "callsign"];

  const round = Math.round;
  const rules = valueRules();

  /** Unix seconds → whole milliseconds, rounded as every reader of the file expects. */
  function millisOf(seconds: NumberColumn): Float64Array {
    const millis = new Float64Array(seconds.length);
    for (let i = 0; i < seconds.length; i++) millis[i] = round(seconds[i] * 1000);
    return millis;
  }

  /** The typer only lets integers in range through; a bug upstream must not write a wrapped value. */
  function checkedInt32(name: string, values: NumberColumn, firstRow: number): NumberColumn {
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value !== value) continue;
      if (!rules.isInt32(value)) {
        throw new Error(`column ${name} row ${firstRow + i} holds ${value}, which is not a 32-bit integer`);
      }
    }
    return values;
  }

  function columnValues(snapshot: TypedSnapshot, field: StateVectorField, start: number, end: number): ColumnValues {
    if (field === SNAPSHOT_TIME_COLUMN) {
      return { kind: "number", type: "INT64", values: new Float64Array(end - start).fill(Math.round(snapshot.snapshotTime * 1000)) };
    }
    const column = columnByName(snapshot.columns, field.name);
    switch (field.type) {
      case "string": {
        const strings = column as StringColumn;
        const values = start === 0 && end === strings.length ? strings : strings.slice(start, end);
        return { kind: "string", values, dictionary: !PLAIN_ONLY_STRING_COLUMNS.includes(field.name) };
      }
      case "boolean":
        return { kind: "boolean", values: (column as BooleanColumn).subarray(start, end) };
      case "double":
        return { kind: "number", type: "DOUBLE", values: (column as NumberColumn).subarray(start, end) };
      case "int32":
        return { kind: "number", type: "INT32", values: checkedInt32(field.name, (column as NumberColumn).subarray(start, end), start) };
      case "timestamp":
        return { kind: "number", type: "INT64", values: millisOf((column as NumberColumn).subarray(start, end)) };
    }
  }

  function rowGroupColumns(snapshot: TypedSnapshot, start: number, end: number): ColumnSource[] {
    return PARQUET_COLUMNS.map((field, index) => ({
      name: field.name,
      element: PARQUET_SCHEMA[index + 1],
      nullable: field.nullable,
      rows: end - start,
      data: columnValues(snapshot, field, start, end),
    }));
  }

  return rowGroupColumns;
}
