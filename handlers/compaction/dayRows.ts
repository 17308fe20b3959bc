/**
 * One UTC day's rows between reading the processed files and writing the daily file, held row by
 * row: each row's numbers side by side in one Float64Array (NaN for null, timestamps as whole
 * milliseconds), its strings as ids into the day's distinct values (-1 for null) in one Int32Array,
 * its booleans as bits. Ordering the day by aircraft reads the rows in an order unrelated to the
 * one they were stored in; kept together, a row costs two or three cache misses to gather rather
 * than one per column (docs/performance.md, compaction).
 * The rows are ordered by icao24 and, within an aircraft, by snapshot_time, and handed to the
 * Parquet file writer one row group at a time, each gathered just before it is encoded.
 */
import type { BooleanColumn, NumberColumn, StringColumn, TypedSnapshot } from "../shared/columns";
import { columnByName } from "../shared/columns";
import { PARQUET_SCHEMA } from "../shared/parquetSchema";
import { PARQUET_COLUMNS, SNAPSHOT_TIME_COLUMN } from "../shared/stateVector";
import type { ColumnSource, ColumnValues, NumericType } from "../processing/parquetColumnSource";
import type { DecodedColumn, DecodedFile } from "./processedFileDecoder";
import { createStringInterners, type StringInterner } from "./stringInterner";

export interface SortedRowGroups {
  groups: number;
  /** Row group `index` as the file writer takes it; call in order, each once. */
  columnsOf(index: number): ColumnSource[];
}

export interface DayRows {
  readonly rowCount: number;
  /** One per string column, in PARQUET_COLUMNS order: the ids a DecodedFile's strings carry. */
  readonly interners: readonly StringInterner[];
  /**
   * Appends a processed snapshot's rows, decoded by processedFileDecoder.ts or, for a file it
   * declines, read as typed columns by hyparquet. Snapshots go in ascending snapshot time.
   */
  addDecoded(file: DecodedFile): void;
  add(snapshot: TypedSnapshot): void;
  /** The rows in icao24, snapshot_time order, cut into row groups of at most `rowGroupSize` rows. */
  sorted(rowGroupSize: number): SortedRowGroups;
}

/** Room for exactly `capacity` rows, known beforehand from the files' footers. */
export type DayRowsFactory = (capacity: number) => DayRows;

/** The columns the daily file is sorted by, in order. */
export const SORT_COLUMNS = ["icao24", SNAPSHOT_TIME_COLUMN.name] as const;

/** Where a Parquet column lives in a stored row: its slot among the numbers, strings or booleans. */
type Slot = { kind: "number"; slot: number; type: NumericType; timestamp: boolean } | { kind: "string"; slot: number } | { kind: "boolean"; slot: number };

function slotsOfColumns(): Slot[] {
  let numbers = 0;
  let strings = 0;
  let booleans = 0;
  return PARQUET_COLUMNS.map((field): Slot => {
    switch (field.type) {
      case "string":
        return { kind: "string", slot: strings++ };
      case "boolean":
        return { kind: "boolean", slot: booleans++ };
      case "int32":
        return { kind: "number", slot: numbers++, type: "INT32", timestamp: false };
      case "timestamp":
        return { kind: "number", slot: numbers++, type: "INT64", timestamp: true };
      case "double":
        return { kind: "number", slot: numbers++, type: "DOUBLE", timestamp: false };
    }
  });
}

/**
 * Built once per container, with the globals its per-row loops use taken into locals
 * (docs/serialization.md).
 */
export function createDayRows(): DayRowsFactory {
  const round = Math.round;
  const nan = NaN;
  const min = Math.min;
  const ceil = Math.ceil;
  const fields = PARQUET_COLUMNS;
  const schema = PARQUET_SCHEMA;
  const slots = slotsOfColumns();
  const widthOf = (kind: Slot["kind"]): number => slots.filter((slot) => slot.kind === kind).length;
  const numberWidth = widthOf("number");
  const stringWidth = widthOf("string");
  const booleanCount = widthOf("boolean");
  const snapshotTimeIndex = fields.findIndex((field) => field.name === SNAPSHOT_TIME_COLUMN.name);
  const icao24Slot = (slots[fields.findIndex((field) => field.name === "icao24")] as Slot & { kind: "string" }).slot;
  const newInterners = createStringInterners();
  const byName = columnByName;

  function storeNumbers(numbers: Float64Array, column: NumberColumn, slot: Slot & { kind: "number" }, at: number): void {
    let position = at * numberWidth + slot.slot;
    if (slot.timestamp) {
      // The reader gives unix seconds; the file holds whole milliseconds, as processing writes them.
      for (let i = 0; i < column.length; i++, position += numberWidth) numbers[position] = round(column[i] * 1000);
    } else {
      for (let i = 0; i < column.length; i++, position += numberWidth) numbers[position] = column[i];
    }
  }

  function storeStrings(ids: Int32Array, column: StringColumn, interner: StringInterner, slot: number, at: number): void {
    let position = at * stringWidth + slot;
    for (let i = 0; i < column.length; i++, position += stringWidth) {
      const value = column[i];
      // `== null`, not `=== undefined`: docs/serialization.md.
      ids[position] = value == null ? -1 : interner.id(value);
    }
  }

  function storeBooleans(flags: Uint8Array, column: BooleanColumn, slot: number, at: number): void {
    for (let i = 0; i < column.length; i++) flags[at + i] |= column[i] << slot;
  }

  /** Non-null values are packed at the front of `values`; `present` says which rows they go to. */
  function storeDecodedNumbers(numbers: Float64Array, column: DecodedColumn & { kind: "number" }, slot: number, at: number, rows: number): void {
    const { present, values } = column;
    let position = at * numberWidth + slot;
    if (present == null) {
      for (let i = 0; i < rows; i++, position += numberWidth) numbers[position] = values[i];
      return;
    }
    let next = 0;
    for (let i = 0; i < rows; i++, position += numberWidth) numbers[position] = present[i] === 1 ? values[next++] : nan;
  }

  function storeDecodedStrings(ids: Int32Array, column: DecodedColumn & { kind: "string" }, slot: number, at: number, rows: number): void {
    const { present, ids: values } = column;
    let position = at * stringWidth + slot;
    // Tested once, outside the loop (docs/serialization.md).
    if (present == null) {
      for (let i = 0; i < rows; i++, position += stringWidth) ids[position] = values[i];
      return;
    }
    let next = 0;
    for (let i = 0; i < rows; i++, position += stringWidth) ids[position] = present[i] === 1 ? values[next++] : -1;
  }

  /**
   * A counting sort on the icao24 rank. It is stable, and rows arrive in snapshot-time order (file
   * by file, each file's rows in its own order), so within an aircraft they stay in snapshot_time
   * order and ties keep the input order: the same files always give the same order.
   */
  function sortOrder(ids: Int32Array, rank: Int32Array, rows: number): Int32Array {
    const starts = new Int32Array(rank.length + 1);
    for (let row = 0, position = icao24Slot; row < rows; row++, position += stringWidth) starts[rank[ids[position]] + 1]++;
    for (let i = 1; i < starts.length; i++) starts[i] += starts[i - 1];
    const order = new Int32Array(rows);
    for (let row = 0, position = icao24Slot; row < rows; row++, position += stringWidth) order[starts[rank[ids[position]]]++] = row;
    return order;
  }

  function gather(
    stored: { numbers: Float64Array; ids: Int32Array; flags: Uint8Array; distinct: readonly (readonly string[])[] },
    order: Int32Array,
    start: number,
    end: number,
  ): { numbers: Float64Array[]; strings: StringColumn[]; booleans: Uint8Array[] } {
    const count = end - start;
    const numbers = Array.from({ length: numberWidth }, () => new Float64Array(count));
    const strings = Array.from({ length: stringWidth }, (): StringColumn => new Array<string | null>(count));
    const booleans = Array.from({ length: booleanCount }, () => new Uint8Array(count));
    const { numbers: storedNumbers, ids, flags, distinct } = stored;
    for (let i = 0; i < count; i++) {
      const row = order[start + i];
      const numberBase = row * numberWidth;
      for (let slot = 0; slot < numberWidth; slot++) numbers[slot][i] = storedNumbers[numberBase + slot];
      const stringBase = row * stringWidth;
      for (let slot = 0; slot < stringWidth; slot++) {
        const id = ids[stringBase + slot];
        strings[slot][i] = id < 0 ? null : distinct[slot][id];
      }
      const bits = flags[row];
      for (let slot = 0; slot < booleanCount; slot++) booleans[slot][i] = (bits >> slot) & 1;
    }
    return { numbers, strings, booleans };
  }

  function columnValues(slot: Slot, gathered: ReturnType<typeof gather>): ColumnValues {
    switch (slot.kind) {
      case "number":
        return { kind: "number", type: slot.type, values: gathered.numbers[slot.slot] };
      case "string":
        return { kind: "string", values: gathered.strings[slot.slot], dictionary: true };
      case "boolean":
        return { kind: "boolean", values: gathered.booleans[slot.slot] };
    }
  }

  return (capacity) => {
    const numbers = new Float64Array(capacity * numberWidth);
    const ids = new Int32Array(capacity * stringWidth);
    const flags = new Uint8Array(capacity);
    const interners = newInterners();
    let rowCount = 0;

    const reserve = (rows: number): number => {
      const at = rowCount;
      if (at + rows > capacity) {
        throw new Error(`the day's files hold more rows than their footers declared (${capacity}): a file changed while the day was compacted`);
      }
      flags.fill(0, at, at + rows);
      return at;
    };

    return {
      get rowCount() {
        return rowCount;
      },
      interners,
      addDecoded(file) {
        const rows = file.rows;
        const at = reserve(rows);
        for (let index = 0; index < fields.length; index++) {
          const slot = slots[index];
          const column = file.columns[index];
          if (slot.kind === "number" && column.kind === "number") storeDecodedNumbers(numbers, column, slot.slot, at, rows);
          else if (slot.kind === "string" && column.kind === "string") storeDecodedStrings(ids, column, slot.slot, at, rows);
          else if (slot.kind === "boolean" && column.kind === "boolean") storeBooleans(flags, column.values, slot.slot, at);
          else throw new Error(`column ${fields[index].name} was decoded as ${column.kind}, but is stored as ${slot.kind}`);
        }
        rowCount += rows;
      },
      add(snapshot) {
        const rows = snapshot.rowCount;
        const at = reserve(rows);
        for (let index = 0; index < fields.length; index++) {
          const slot = slots[index];
          if (index === snapshotTimeIndex) {
            const millis = round(snapshot.snapshotTime * 1000);
            for (let row = 0, position = at * numberWidth + slot.slot; row < rows; row++, position += numberWidth) numbers[position] = millis;
            continue;
          }
          const column = byName(snapshot.columns, fields[index].name);
          if (slot.kind === "number") storeNumbers(numbers, column as NumberColumn, slot, at);
          else if (slot.kind === "string") storeStrings(ids, column as StringColumn, interners[slot.slot], slot.slot, at);
          else storeBooleans(flags, column as BooleanColumn, slot.slot, at);
        }
        rowCount += rows;
      },
      sorted(rowGroupSize) {
        const rows = rowCount;
        const stored = { numbers, ids, flags, distinct: interners.map((interner) => interner.distinct) };
        const order = sortOrder(ids, interners[icao24Slot].ranks(), rows);
        return {
          groups: ceil(rows / rowGroupSize),
          columnsOf(group) {
            const start = group * rowGroupSize;
            const end = min(rows, start + rowGroupSize);
            const gathered = gather(stored, order, start, end);
            return fields.map((field, index) => ({
              name: field.name,
              element: schema[index + 1],
              nullable: field.nullable,
              rows: end - start,
              data: columnValues(slots[index], gathered),
            }));
          },
        };
      },
    };
  };
}
