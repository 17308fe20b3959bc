/**
 * A snapshot as typed columns, built straight from the parsed `states` rows. Processing writes
 * these to Parquet, validation reads them back and checks them, and tests compare the two.
 *
 * Layout, chosen for a 500,000-row snapshot: numeric columns are Float64Arrays with NaN for null
 * (JSON has no NaN, so the sentinel cannot collide with data), booleans are Uint8Arrays of 0/1,
 * strings are plain arrays. Timestamps stay in unix seconds, as the API and the checks use them.
 */
import { describeJsonValue } from "./rawSnapshot";
import { ROW_FIELD_COUNTS, STATE_VECTOR_FIELDS, type ColumnType, type RawSnapshot, type StateVectorField } from "./stateVector";

export type StringColumn = (string | null)[];
/** NaN marks null. */
export type NumberColumn = Float64Array;
/** 1 true, 0 false; the schema has no nullable booleans. */
export type BooleanColumn = Uint8Array;

/** One property per state-vector column, named as in Parquet. */
export interface StateColumns {
  icao24: StringColumn;
  callsign: StringColumn;
  origin_country: StringColumn;
  time_position: NumberColumn;
  last_contact: NumberColumn;
  longitude: NumberColumn;
  latitude: NumberColumn;
  baro_altitude: NumberColumn;
  on_ground: BooleanColumn;
  velocity: NumberColumn;
  true_track: NumberColumn;
  vertical_rate: NumberColumn;
  geo_altitude: NumberColumn;
  squawk: StringColumn;
  spi: BooleanColumn;
  position_source: NumberColumn;
  category: NumberColumn;
}
export type ColumnName = keyof StateColumns;
export type ColumnValues = StringColumn | NumberColumn | BooleanColumn;

export interface TypedSnapshot {
  /** The response's `time`, unix seconds: the `snapshot_time` column of every row. */
  snapshotTime: number;
  rowCount: number;
  columns: StateColumns;
}

/**
 * Why a row was set aside: `row-shape` when it is not an array of 17 or 18 fields,
 * `field-type` when a field holds a value its column cannot (a string latitude, a null icao24).
 */
export type QuarantineReason = "row-shape" | "field-type";

export interface QuarantinedRow {
  /** Position in the response's `states`. */
  rowIndex: number;
  reason: QuarantineReason;
  /** One line per problem, naming the field, what it held and what was expected. */
  details: string[];
  /** The row's icao24 when it has a string there, so reports can name the aircraft. */
  icao24: string | null;
  row: unknown;
}

export interface TypingResult {
  snapshot: TypedSnapshot;
  quarantined: QuarantinedRow[];
  /** Rows in the response: typed plus quarantined. */
  inputRowCount: number;
}

/**
 * Unix seconds whose milliseconds a JS Date (and so every reader that maps INT64 millis to a
 * date) can hold: ±8.64e15 ms.
 */
export const MAX_ABS_TIMESTAMP_SECONDS = 8.64e12;

export function emptyColumn(type: ColumnType, length: number): ColumnValues {
  if (type === "string") return new Array<string | null>(length);
  if (type === "boolean") return new Uint8Array(length);
  return new Float64Array(length);
}

/** Untyped access for code that walks the schema (Parquet writer and reader, tests). */
export function columnByName(columns: StateColumns, name: string): ColumnValues {
  const column = (columns as unknown as Record<string, ColumnValues | undefined>)[name];
  if (column === undefined) throw new Error(`no column named ${name} in the state vector`);
  return column;
}

/**
 * A lone UTF-16 surrogate (JSON can carry one as an escape) has no UTF-8 form, so the Parquet
 * string would silently become U+FFFD: such a value cannot be typed as it arrived.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What each column accepts, and the form a value is stored in. */
export interface ValueRules {
  /** Well-formed Unicode: no lone surrogate. */
  isString(value: string): boolean;
  /** JSON.parse turns an overflowing literal such as 1e400 into Infinity, which no column takes. */
  isDouble(value: number): boolean;
  isTimestamp(value: number): boolean;
  isInt32(value: number): boolean;
  /**
   * Timestamps are stored as INT64 milliseconds, so typing keeps them to the millisecond; whole
   * seconds, all the API sends, are unchanged. An integer has no -0, hence the + 0.
   */
  timestampSeconds(value: number): number;
  /** Callsigns arrive space-padded to 8; an all-space callsign means none. */
  callsign(value: string): string | null;
}

/**
 * The rules, in one place for typeSnapshot's field typers and the processing scanner. A factory
 * whose closures use only their own locals, as per-value code must (docs/serialization.md).
 */
export function valueRules(): ValueRules {
  const loneSurrogate = LONE_SURROGATE;
  const maxAbsTimestamp = MAX_ABS_TIMESTAMP_SECONDS;
  const round = Math.round;
  const infinity = Infinity;
  return {
    isString: (value) => !loneSurrogate.test(value),
    isDouble: (value) => value === value && value !== infinity && value !== -infinity,
    isTimestamp: (value) => value <= maxAbsTimestamp && value >= -maxAbsTimestamp,
    isInt32: (value) => value >= -2147483648 && value <= 2147483647 && round(value) === value,
    timestampSeconds: (value) => round(value * 1000) / 1000 + 0,
    callsign: (value) => {
      const trimmed = value.trim();
      return trimmed === "" ? null : trimmed;
    },
  };
}

/** Writes one field of a row at `at`, or returns what is wrong with the value. */
type FieldTyper = (value: unknown, at: number) => string | undefined;

function expectation(field: StateVectorField, what: string): string {
  return field.nullable ? `${what} or null` : `${what} (the column is required)`;
}

function problem(field: StateVectorField, value: unknown, what: string): string {
  return `${field.name} is ${describeJsonValue(value)}; expected ${expectation(field, what)}`;
}

function fieldTyper(field: StateVectorField, target: ColumnValues, rules: ValueRules): FieldTyper {
  const nan = NaN;
  switch (field.type) {
    case "string": {
      const strings = target as StringColumn;
      const normalize = field.name === "callsign" ? rules.callsign : (value: string) => value;
      return (value, at) => {
        if (typeof value === "string" && rules.isString(value)) strings[at] = normalize(value);
        else if (value === null && field.nullable) strings[at] = null;
        else return problem(field, value, "a string of well-formed Unicode");
        return undefined;
      };
    }
    case "double": {
      const numbers = target as NumberColumn;
      return (value, at) => {
        // Adding 0 turns -0 into 0: Parquet dictionaries key values like a JS Map, which cannot
        // tell them apart.
        if (typeof value === "number" && rules.isDouble(value)) numbers[at] = value + 0;
        else if (value === null && field.nullable) numbers[at] = nan;
        else return problem(field, value, "a finite number");
        return undefined;
      };
    }
    case "timestamp": {
      const numbers = target as NumberColumn;
      return (value, at) => {
        if (typeof value === "number" && rules.isTimestamp(value)) {
          numbers[at] = rules.timestampSeconds(value);
        } else if (value === null && field.nullable) numbers[at] = nan;
        else return problem(field, value, `unix seconds within ±${MAX_ABS_TIMESTAMP_SECONDS}`);
        return undefined;
      };
    }
    case "int32": {
      const numbers = target as NumberColumn;
      return (value, at) => {
        if (typeof value === "number" && rules.isInt32(value)) {
          numbers[at] = value;
        } else if (value === null && field.nullable) numbers[at] = nan;
        else return problem(field, value, "a 32-bit integer");
        return undefined;
      };
    }
    case "boolean": {
      if (field.nullable) throw new Error(`${field.name}: nullable booleans have no place in the column layout`);
      const booleans = target as BooleanColumn;
      return (value, at) => {
        if (typeof value === "boolean") booleans[at] = value ? 1 : 0;
        else return problem(field, value, "true or false");
        return undefined;
      };
    }
  }
}

function rowShapeProblem(row: unknown): string | undefined {
  if (!Array.isArray(row)) return `the row is ${describeJsonValue(row)}, not an array`;
  if (!ROW_FIELD_COUNTS.includes(row.length)) {
    return `the row has ${row.length} fields; expected ${ROW_FIELD_COUNTS.join(" or ")}`;
  }
  return undefined;
}

/** Typed columns being filled row by row, shared by typeSnapshot and the processing scanner. */
export interface RowTyper {
  /**
   * Types `fields[0..fieldCount)` (17 or 18 of them) as the next row. Returns the problems, and
   * keeps nothing of the row, when a field cannot be typed.
   */
  add(fields: readonly unknown[], fieldCount: number): string[] | undefined;
  /** The rows added so far, as a snapshot of `time`. */
  finish(time: number): TypedSnapshot;
}

/** Room for `capacity` rows; more rows than that are not checked for. */
export function rowTyper(capacity: number): RowTyper {
  const built: Record<string, ColumnValues> = {};
  const typers: { index: number; type: FieldTyper }[] = [];
  const rules = valueRules();
  for (const field of STATE_VECTOR_FIELDS) {
    const column = emptyColumn(field.type, capacity);
    built[field.name] = column;
    typers.push({ index: field.index, type: fieldTyper(field, column, rules) });
  }
  let typed = 0;
  return {
    add(fields, fieldCount) {
      let details: string[] | undefined;
      for (const { index, type } of typers) {
        // Positions past the end exist only for category, which 17-field rows lack.
        const detail = type(index < fieldCount ? fields[index] : null, typed);
        if (detail !== undefined) (details ??= []).push(detail);
      }
      // A rejected row's partial values sit at `typed` and are overwritten by the next good row.
      if (details === undefined) typed++;
      return details;
    },
    finish(time) {
      return { snapshotTime: time, rowCount: typed, columns: trimColumns(built, typed) as unknown as StateColumns };
    },
  };
}

/**
 * Types every row of a snapshot. A row that cannot be typed is quarantined with its reasons and
 * the rest carry on; `sensors` is not stored; a 17-field row has a null category. `unusable` names
 * rows known to be bad before their values are looked at (bytes that are not UTF-8, whose parsed
 * strings hold replacement characters instead of what was sent): they are quarantined as
 * field-type with that reason.
 */
export function typeSnapshot(raw: RawSnapshot, unusable: ReadonlyMap<number, string> = new Map()): TypingResult {
  const rows: readonly unknown[] = raw.states ?? [];
  const typer = rowTyper(rows.length);
  const quarantined: QuarantinedRow[] = [];
  for (let rowIndex = 0; rowIndex < rows.length; rowIndex++) {
    const row = rows[rowIndex];
    const unusableReason = unusable.get(rowIndex);
    if (unusableReason !== undefined) {
      quarantined.push({ rowIndex, reason: "field-type", details: [unusableReason], icao24: icao24Of(row), row });
      continue;
    }
    const shapeProblem = rowShapeProblem(row);
    if (shapeProblem !== undefined) {
      quarantined.push({ rowIndex, reason: "row-shape", details: [shapeProblem], icao24: icao24Of(row), row });
      continue;
    }
    const fields = row as unknown[];
    const details = typer.add(fields, fields.length);
    if (details !== undefined) quarantined.push({ rowIndex, reason: "field-type", details, icao24: icao24Of(row), row });
  }
  return { snapshot: typer.finish(raw.time), quarantined, inputRowCount: rows.length };
}

function icao24Of(row: unknown): string | null {
  return Array.isArray(row) && typeof row[0] === "string" ? row[0] : null;
}

/** Columns allocated for more rows than were typed, cut to `length` rows. */
export function trimColumns(columns: Record<string, ColumnValues>, length: number): Record<string, ColumnValues> {
  const trimmed: Record<string, ColumnValues> = {};
  for (const [name, column] of Object.entries(columns)) {
    if (Array.isArray(column)) {
      column.length = length;
      trimmed[name] = column;
    } else {
      trimmed[name] = column.subarray(0, length);
    }
  }
  return trimmed;
}
