/**
 * The OpenSky state vector: what each position of a `states` row holds, and the typed column it
 * becomes in Parquet. Ingestion checks row shapes against it, processing builds columns from it,
 * validation reads the columns back by these names, and the Glue table is declared from it.
 */

export type ColumnType = "string" | "double" | "boolean" | "int32" | "timestamp";

export interface StateVectorField {
  /** Position in the API's row array. */
  readonly index: number;
  /** Column name in Parquet and in the Glue table, as the API's documentation names it. */
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
}

/** The row positions the API sends. `sensors` (12) is not stored: /states/all always sends null. */
export const STATE_VECTOR_FIELDS: readonly StateVectorField[] = [
  { index: 0, name: "icao24", type: "string", nullable: false },
  { index: 1, name: "callsign", type: "string", nullable: true },
  { index: 2, name: "origin_country", type: "string", nullable: true },
  { index: 3, name: "time_position", type: "timestamp", nullable: true },
  { index: 4, name: "last_contact", type: "timestamp", nullable: false },
  { index: 5, name: "longitude", type: "double", nullable: true },
  { index: 6, name: "latitude", type: "double", nullable: true },
  { index: 7, name: "baro_altitude", type: "double", nullable: true },
  { index: 8, name: "on_ground", type: "boolean", nullable: false },
  { index: 9, name: "velocity", type: "double", nullable: true },
  { index: 10, name: "true_track", type: "double", nullable: true },
  { index: 11, name: "vertical_rate", type: "double", nullable: true },
  { index: 13, name: "geo_altitude", type: "double", nullable: true },
  { index: 14, name: "squawk", type: "string", nullable: true },
  { index: 15, name: "spi", type: "boolean", nullable: false },
  { index: 16, name: "position_source", type: "int32", nullable: false },
  { index: 17, name: "category", type: "int32", nullable: true },
];

/** Index of the `sensors` array, which is dropped. */
export const SENSORS_INDEX = 12;

/** A row has 17 fields, or 18 when the API adds `category` (extended=1, and sometimes unasked). */
export const ROW_FIELD_COUNTS: readonly number[] = [17, 18];

/** The column every Parquet file adds: the snapshot's `time`, the same for every row. */
export const SNAPSHOT_TIME_COLUMN: StateVectorField = {
  index: -1,
  name: "snapshot_time",
  type: "timestamp",
  nullable: false,
};

/** Every Parquet column, in file order. */
export const PARQUET_COLUMNS: readonly StateVectorField[] = [...STATE_VECTOR_FIELDS, SNAPSHOT_TIME_COLUMN];

/** Bumped whenever PARQUET_COLUMNS changes; written into each file's key-value metadata. */
export const SCHEMA_VERSION = "1";

/** position_source values the API documents. */
export const POSITION_SOURCES = { adsb: 0, asterix: 1, mlat: 2, flarm: 3 } as const;

/** The raw API response: `states` is null when nothing matched. */
export interface RawSnapshot {
  time: number;
  states: unknown[][] | null;
}
