/**
 * Parquet bytes → the typed snapshot columns processing wrote, read with hyparquet. The file's
 * schema is checked against PARQUET_COLUMNS first, so a file from elsewhere fails with the column
 * that differs instead of with wrong numbers.
 */
import type { FileMetaData } from "hyparquet";
// The functions' own files: the package's index also loads what validation never calls.
import { parquetMetadata } from "hyparquet/src/metadata.js";
import { parquetRead } from "hyparquet/src/read.js";
import { emptyColumn, type BooleanColumn, type NumberColumn, type StateColumns, type StringColumn, type TypedSnapshot } from "../shared/columns";
import { PARQUET_DECOMPRESSORS } from "../shared/parquetCodecs";
import { PARQUET_SCHEMA } from "../shared/parquetSchema";
import { METADATA_KEYS } from "../shared/snapshotMetadata";
import { STATE_VECTOR_FIELDS, SNAPSHOT_TIME_COLUMN, type StateVectorField } from "../shared/stateVector";

export interface ParquetSnapshot {
  snapshot: TypedSnapshot;
  /** The file's key-value metadata. */
  metadata: Record<string, string>;
}

/**
 * Timestamps as unix seconds rather than Date objects, the unit the checks use. Built per read, not
 * at module level, since hyparquet calls it per value (docs/serialization.md).
 */
function secondsParsers(): { timestampFromMilliseconds: (millis: bigint) => number } {
  const toNumber = Number;
  return { timestampFromMilliseconds: (millis) => toNumber(millis) / 1000 };
}

function checkSchema(metadata: FileMetaData): void {
  const leaves = new Map(metadata.schema.slice(1).map((element) => [element.name, element]));
  for (const expected of PARQUET_SCHEMA.slice(1)) {
    const actual = leaves.get(expected.name);
    if (actual === undefined) throw new Error(`the file has no column ${expected.name}`);
    if (actual.type !== expected.type || actual.repetition_type !== expected.repetition_type) {
      throw new Error(`column ${expected.name} is ${actual.repetition_type} ${actual.type}; expected ${expected.repetition_type} ${expected.type}`);
    }
  }
}

/** Copies one decoded chunk into the typed column at `offset`; hyparquet gives null slots as undefined or null. */
function fill(field: StateVectorField, target: StringColumn | NumberColumn | BooleanColumn, chunk: ArrayLike<unknown>, offset: number): void {
  if (field.type === "string") {
    const strings = target as StringColumn;
    for (let i = 0; i < chunk.length; i++) strings[offset + i] = (chunk[i] as string | undefined) ?? null;
  } else if (field.type === "boolean") {
    const booleans = target as BooleanColumn;
    for (let i = 0; i < chunk.length; i++) booleans[offset + i] = chunk[i] ? 1 : 0;
  } else {
    const numbers = target as NumberColumn;
    // Locals for the globals, and `== null` for null or undefined (docs/serialization.md).
    const toNumber = Number;
    const nan = NaN;
    for (let i = 0; i < chunk.length; i++) {
      const value = chunk[i];
      numbers[offset + i] = value == null ? nan : toNumber(value);
    }
  }
}

export async function readSnapshotParquet(bytes: Uint8Array): Promise<ParquetSnapshot> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(file);
  checkSchema(metadata);
  const rowCount = Number(metadata.num_rows);
  const columns: Record<string, StringColumn | NumberColumn | BooleanColumn> = {};
  for (const field of STATE_VECTOR_FIELDS) columns[field.name] = emptyColumn(field.type, rowCount);
  const snapshotTimes = new Float64Array(rowCount);
  const fields = new Map(STATE_VECTOR_FIELDS.map((field) => [field.name, field]));

  await parquetRead({
    file,
    metadata,
    compressors: PARQUET_DECOMPRESSORS,
    parsers: secondsParsers(),
    onChunk: ({ columnName, columnData, rowStart }) => {
      if (columnName === SNAPSHOT_TIME_COLUMN.name) fill(SNAPSHOT_TIME_COLUMN, snapshotTimes, columnData, rowStart);
      const field = fields.get(columnName);
      const column = columns[columnName];
      if (field !== undefined && column !== undefined) fill(field, column, columnData, rowStart);
    },
  });

  const keyValues: Record<string, string> = {};
  for (const { key, value } of metadata.key_value_metadata ?? []) keyValues[key] = value ?? "";
  return {
    snapshot: { snapshotTime: snapshotTimeOf(snapshotTimes, keyValues), rowCount, columns: columns as unknown as StateColumns },
    metadata: keyValues,
  };
}

/** Every row carries the same snapshot_time; an empty file has only the metadata's. */
function snapshotTimeOf(snapshotTimes: Float64Array, metadata: Record<string, string>): number {
  if (snapshotTimes.length === 0) return Number(metadata[METADATA_KEYS.snapshotTime]);
  const first = snapshotTimes[0];
  if (snapshotTimes.some((time) => time !== first)) throw new Error("snapshot_time differs between rows; a file holds one snapshot");
  return first;
}
