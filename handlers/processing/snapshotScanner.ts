/**
 * A fast path from body text to typed columns for the body OpenSky sends: `{"time":…,"states":[…]}`
 * whose every row is 17 or 18 plain values that all type cleanly. It reads each value straight into
 * its column, without JSON.parse's array per row or a boxed number per field, and accepts exactly
 * what typeSnapshot's field typers accept (the same valueRules). Anything else — an escape, a
 * nested value, a row to quarantine, a different `time`, a syntax error — makes it give up and
 * return undefined: the caller then takes the JSON.parse path, so its messages and quarantine
 * decisions remain the only ones there are.
 *
 * The scanner is built by a factory, once per container, with its helpers and constants inside
 * (docs/serialization.md).
 */
import { emptyColumn, trimColumns, valueRules, type ColumnValues, type StateColumns, type TypingResult } from "../shared/columns";
import { ROW_FIELD_COUNTS, STATE_VECTOR_FIELDS, type ColumnType } from "../shared/stateVector";

/**
 * The column a row position is written to. Every slot has every property, so the store sees one
 * object shape; unused columns are empty. `sensors` (index 12) is not stored: any plain value.
 */
interface Slot {
  type: ColumnType | "ignored";
  nullable: boolean;
  callsign: boolean;
  /** How readString slices the column's strings. */
  stringMode: number;
  strings: (string | null)[];
  numbers: Float64Array;
  booleans: Uint8Array;
}

/**
 * The typed rows of a body that is exactly `{"time": keyTime, "states": [...] | null}` with rows
 * that all type cleanly, or undefined for anything else. The body is text, or bytes the caller has
 * checked to be ASCII (what OpenSky sends), which the scanner decodes a piece at a time.
 */
export type SnapshotScanner = (body: string | Buffer, keyTime: number) => TypingResult | undefined;

export interface ScannerOptions {
  /**
   * Bytes decoded at a time, rounded up to the end of a row. One string of a whole 100 MB body
   * takes V8 some 300 ms to build; 64 KiB pieces, about 10 ms in all. Tests make it small.
   */
  pieceBytes?: number;
}

export function createSnapshotScanner(options: ScannerOptions = {}): SnapshotScanner {
  const pieceBytes = options.pieceBytes ?? 65_536;
  const QUOTE = 0x22;
  const BACKSLASH = 0x5c;
  const COMMA = 0x2c;
  const MINUS = 0x2d;
  const PLUS = 0x2b;
  const DOT = 0x2e;
  const ZERO = 0x30;
  const NINE = 0x39;
  const OPEN_BRACKET = 0x5b;
  const CLOSE_BRACKET = 0x5d;
  const LOWER_E = 0x65;
  const UPPER_E = 0x45;
  // What readValue found; a string or number is left in `string` or `number`.
  const NOT_PLAIN = 0;
  const STRING = 1;
  const NUMBER = 2;
  const NULL = 3;
  const TRUE = 4;
  const FALSE = 5;
  // Powers of ten a double holds exactly; dividing by one rounds correctly, as JSON.parse does.
  const exactPowersOfTen = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
  // Up to 15 decimal digits the mantissa is an exact integer below 2^53.
  const maxExactDigits = 15;
  const rowFieldCounts = ROW_FIELD_COUNTS;
  // Reading stops at a longer row, which the JSON.parse path quarantines.
  const maxRowFields = Math.max(...rowFieldCounts);
  const rules = valueRules();
  const toNumber = Number;
  const nan = NaN;

  // The piece of the body being scanned; the helpers below read it and move `at` through it.
  let text = "";
  let at = 0;
  // An ASCII body as bytes, and where its next piece starts (bytes.length once all are read).
  const noBytes = Buffer.alloc(0);
  let bytes: Buffer = noBytes;
  let nextPiece = 0;
  let string = "";
  let number = 0;

  const skipWhitespace = (): void => {
    for (;;) {
      const code = text.charCodeAt(at);
      // JSON's whitespace: space, line feed, carriage return, tab.
      if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) return;
      at++;
    }
  };
  /** Consumes `expected` after optional whitespace. */
  const consume = (expected: string): boolean => {
    skipWhitespace();
    if (!text.startsWith(expected, at)) return false;
    at += expected.length;
    return true;
  };
  const skipDigits = (from: number): number => {
    let end = from;
    for (let code = text.charCodeAt(end); code >= ZERO && code <= NINE; code = text.charCodeAt(++end));
    return end - from;
  };
  /**
   * Repeated strings of the low-cardinality columns (countries, squawks), kept for the scan: a
   * repeat is recognised in the text and the earlier string reused, instead of a new string per
   * row that the garbage collector then copies twice. Direct-mapped, so a collision only costs a
   * new string. Emptied after each scan: a kept string may be a slice that holds the whole body.
   */
  const INTERN_SLOTS = 4096;
  const KEEP = 0;
  const INTERN = 1;
  const TRIM_SPACES = 2;
  let interned: string[] = [];
  const imul = Math.imul;

  /**
   * A string without escapes or control characters; those are left to JSON.parse. `mode` is the
   * column's: KEEP as it is, INTERN (see above), or TRIM_SPACES for callsigns, which arrive padded
   * with spaces: the slice leaves out ASCII spaces at either end, saving a second string per row,
   * and rules.callsign (String.prototype.trim) still decides, finding nothing more to trim unless
   * the value ends in a non-ASCII space.
   */
  const readString = (mode: number): boolean => {
    const start = at + 1;
    const end = text.indexOf('"', start);
    if (end < 0) return false;
    let hash = 0;
    for (let i = start; i < end; i++) {
      const code = text.charCodeAt(i);
      if (code < 0x20 || code === BACKSLASH) return false;
      hash = imul(hash, 31) + code;
    }
    at = end + 1;
    if (mode === TRIM_SPACES) {
      let first = start;
      let last = end;
      while (first < last && text.charCodeAt(first) === 0x20) first++;
      while (last > first && text.charCodeAt(last - 1) === 0x20) last--;
      string = text.slice(first, last);
      return true;
    }
    if (mode !== INTERN) {
      string = text.slice(start, end);
      return true;
    }
    const slot = hash & (INTERN_SLOTS - 1);
    const candidate = interned[slot];
    if (candidate.length === end - start && text.startsWith(candidate, start)) string = candidate;
    else string = interned[slot] = text.slice(start, end);
    return true;
  };
  /**
   * A number in JSON's grammar. Short decimals are computed exactly here; the rest go through
   * Number(), which reads a JSON number the way JSON.parse does.
   */
  const readNumber = (): boolean => {
    const start = at;
    const negative = text.charCodeAt(start) === MINUS;
    const integerStart = negative ? start + 1 : start;
    const integerDigits = skipDigits(integerStart);
    if (integerDigits === 0 || (integerDigits > 1 && text.charCodeAt(integerStart) === ZERO)) return false;
    let end = integerStart + integerDigits;
    let fractionDigits = 0;
    if (text.charCodeAt(end) === DOT) {
      fractionDigits = skipDigits(end + 1);
      if (fractionDigits === 0) return false;
      end += 1 + fractionDigits;
    }
    const code = text.charCodeAt(end);
    if (code === LOWER_E || code === UPPER_E) {
      let digitsStart = end + 1;
      const sign = text.charCodeAt(digitsStart);
      if (sign === PLUS || sign === MINUS) digitsStart++;
      const digits = skipDigits(digitsStart);
      if (digits === 0) return false;
      at = digitsStart + digits;
      number = toNumber(text.slice(start, at));
      return true;
    }
    at = end;
    if (integerDigits + fractionDigits > maxExactDigits) {
      number = toNumber(text.slice(start, end));
      return true;
    }
    let mantissa = 0;
    const point = integerStart + integerDigits;
    for (let digit = integerStart; digit < end; digit++) {
      if (digit !== point) mantissa = mantissa * 10 + (text.charCodeAt(digit) - ZERO);
    }
    const magnitude = mantissa / exactPowersOfTen[fractionDigits];
    number = negative ? -magnitude : magnitude;
    return true;
  };
  const readLiteral = (literal: string): boolean => {
    if (!text.startsWith(literal, at)) return false;
    at += literal.length;
    return true;
  };
  /** A string, number, true, false or null; arrays and objects are left to JSON.parse. */
  const readValue = (stringMode: number): number => {
    skipWhitespace();
    const code = text.charCodeAt(at);
    if (code === QUOTE) return readString(stringMode) ? STRING : NOT_PLAIN;
    if (code === MINUS || (code >= ZERO && code <= NINE)) return readNumber() ? NUMBER : NOT_PLAIN;
    if (readLiteral("null")) return NULL;
    if (readLiteral("true")) return TRUE;
    return readLiteral("false") ? FALSE : NOT_PLAIN;
  };

  /** Stores the value just read into row `row` of the slot's column, if the column takes it. */
  const store = (slot: Slot, token: number, row: number): boolean => {
    if (token === NULL) {
      if (!slot.nullable) return false;
      if (slot.type === "string") slot.strings[row] = null;
      else if (slot.type !== "ignored") slot.numbers[row] = nan;
      return true;
    }
    switch (slot.type) {
      case "ignored":
        return true;
      case "string":
        // An ASCII body (read from bytes) cannot hold a lone surrogate: no need to look for one.
        if (token !== STRING || (bytes === noBytes && !rules.isString(string))) return false;
        slot.strings[row] = slot.callsign ? rules.callsign(string) : string;
        return true;
      case "double":
        if (token !== NUMBER || !rules.isDouble(number)) return false;
        // Adding 0 turns -0 into 0, as typeSnapshot does.
        slot.numbers[row] = number + 0;
        return true;
      case "timestamp":
        if (token !== NUMBER || !rules.isTimestamp(number)) return false;
        slot.numbers[row] = rules.timestampSeconds(number);
        return true;
      case "int32":
        if (token !== NUMBER || !rules.isInt32(number)) return false;
        slot.numbers[row] = number;
        return true;
      case "boolean":
        if (token !== TRUE && token !== FALSE) return false;
        slot.booleans[row] = token === TRUE ? 1 : 0;
        return true;
    }
  };

  /** One row into row `row` of the columns; false when it is not a clean row. */
  const readRow = (slots: readonly Slot[], row: number): boolean => {
    if (!consume("[")) return false;
    let count = 0;
    for (;;) {
      if (count === maxRowFields) return false;
      const slot = slots[count];
      const token = readValue(slot.stringMode);
      if (token === NOT_PLAIN || !store(slot, token, row)) return false;
      count++;
      skipWhitespace();
      const code = text.charCodeAt(at++);
      if (code === CLOSE_BRACKET) break;
      if (code !== COMMA) return false;
    }
    if (!rowFieldCounts.includes(count)) return false;
    // A row without the 18th field has no category, as typeSnapshot reads it.
    for (let position = count; position < maxRowFields; position++) {
      if (!store(slots[position], NULL, row)) return false;
    }
    return true;
  };

  const slotsFor = (columns: Record<string, ColumnValues>): Slot[] => {
    const slots: Slot[] = [];
    for (let position = 0; position < maxRowFields; position++) {
      const field = STATE_VECTOR_FIELDS.find((candidate) => candidate.index === position);
      const column = field === undefined ? undefined : columns[field.name];
      slots.push({
        type: field?.type ?? "ignored",
        nullable: field?.nullable ?? true,
        callsign: field?.name === "callsign",
        stringMode: field?.name === "callsign" ? TRIM_SPACES : field?.name === "origin_country" || field?.name === "squawk" ? INTERN : KEEP,
        strings: field?.type === "string" ? (column as (string | null)[]) : [],
        numbers: column instanceof Float64Array ? column : new Float64Array(0),
        booleans: field?.type === "boolean" ? (column as Uint8Array) : new Uint8Array(0),
      });
    }
    return slots;
  };

  /**
   * The next piece of a byte body: from `nextPiece` to just after the "]," of the first "],[" at
   * least pieceBytes on, so a piece ends between rows. Such a sequence inside a string value would
   * end a piece inside a row; the row then does not read and the JSON.parse path decides.
   */
  const readNextPiece = (): boolean => {
    if (nextPiece >= bytes.length) return false;
    const separator = bytes.indexOf("],[", nextPiece + pieceBytes, "latin1");
    const end = separator < 0 ? bytes.length : separator + 2;
    text = bytes.toString("latin1", nextPiece, end);
    nextPiece = end;
    at = 0;
    return true;
  };

  /** An upper bound on the rows: each opens a bracket, and so does `states`. */
  const rowCapacity = (): number => {
    let brackets = 0;
    if (bytes.length > 0) {
      for (let i = bytes.indexOf(OPEN_BRACKET); i >= 0; i = bytes.indexOf(OPEN_BRACKET, i + 1)) brackets++;
    } else {
      for (let i = text.indexOf("["); i >= 0; i = text.indexOf("[", i + 1)) brackets++;
    }
    return brackets;
  };

  /** The `states` array's rows, typed; undefined at the first thing the fast path does not take. */
  const readStates = (time: number): TypingResult | undefined => {
    skipWhitespace();
    const nullStates = text.charCodeAt(at) !== OPEN_BRACKET;
    const capacity = nullStates ? 0 : rowCapacity();
    const columns: Record<string, ColumnValues> = {};
    for (const field of STATE_VECTOR_FIELDS) columns[field.name] = emptyColumn(field.type, capacity);
    let rows = 0;
    if (nullStates) {
      if (!consume("null")) return undefined;
    } else {
      at++;
      const slots = slotsFor(columns);
      if (!consume("]")) {
        for (;;) {
          if (!readRow(slots, rows)) return undefined;
          rows++;
          if (consume("]")) break;
          if (!consume(",")) return undefined;
          if (at === text.length && !readNextPiece()) return undefined;
        }
      }
    }
    return {
      snapshot: { snapshotTime: time, rowCount: rows, columns: trimColumns(columns, rows) as unknown as StateColumns },
      quarantined: [],
      inputRowCount: rows,
    };
  };

  const scan = (keyTime: number): TypingResult | undefined => {
    if (!consume("{") || !consume('"time"') || !consume(":")) return undefined;
    skipWhitespace();
    if (!readNumber() || number !== keyTime) return undefined;
    // As parsed, not keyTime: the two differ as -0 and 0, and typeSnapshot keeps the body's.
    const time = number;
    if (!consume(",") || !consume('"states"') || !consume(":")) return undefined;
    const typed = readStates(time);
    if (typed === undefined || !consume("}")) return undefined;
    skipWhitespace();
    return at === text.length && nextPiece >= bytes.length ? typed : undefined;
  };

  return (body, keyTime) => {
    if (typeof body === "string") {
      text = body;
      at = 0;
    } else {
      bytes = body;
      nextPiece = 0;
      if (!readNextPiece()) return undefined;
    }
    interned = new Array<string>(INTERN_SLOTS).fill("");
    try {
      return scan(keyTime);
    } finally {
      // Not kept until the next snapshot: a large body is hundreds of megabytes.
      bytes = noBytes;
      nextPiece = 0;
      text = "";
      string = "";
      interned = [];
    }
  };
}
