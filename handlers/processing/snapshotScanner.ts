/**
 * A fast path from body text to typed columns for the body OpenSky sends: `{"time":…,"states":[…]}`
 * whose every row is 17 or 18 plain values that all type cleanly. It reads each value straight into
 * its column, without JSON.parse's array per row or a boxed number per field, and accepts exactly
 * what typeSnapshot's field typers accept (the same predicates from columns.ts). Anything else —
 * an escape, a nested value, a row to quarantine, a different
 * `time`, a syntax error — makes it give up and return undefined: the caller then takes the
 * JSON.parse path, so its messages and quarantine decisions remain the only ones there are.
 */
import {
  emptyColumn,
  isDoubleValue,
  isInt32Value,
  isStringValue,
  isTimestampValue,
  normalizeCallsign,
  toTimestampSeconds,
  trimColumns,
  type BooleanColumn,
  type ColumnValues,
  type NumberColumn,
  type StateColumns,
  type StringColumn,
  type TypingResult,
} from "../shared/columns";
import { ROW_FIELD_COUNTS, STATE_VECTOR_FIELDS, type ColumnType } from "../shared/stateVector";

/** Powers of ten a double holds exactly; dividing by one rounds correctly, as JSON.parse does. */
const EXACT_POWERS_OF_TEN = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];
/** Up to 15 decimal digits the mantissa is an exact integer below 2^53. */
const MAX_EXACT_DIGITS = 15;
/** The most fields a row has; reading stops at a longer one, which the JSON.parse path quarantines. */
const MAX_ROW_FIELDS = Math.max(...ROW_FIELD_COUNTS);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const PLUS = 0x2b;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/** What readPlainValue found; a string or number is left in the cursor. */
const NOT_PLAIN = 0;
const STRING = 1;
const NUMBER = 2;
const NULL = 3;
const TRUE = 4;
const FALSE = 5;
type Token = typeof NOT_PLAIN | typeof STRING | typeof NUMBER | typeof NULL | typeof TRUE | typeof FALSE;

/**
 * Where the scan is in the text, and the string or number it read last. `number` only ever holds
 * numbers, so V8 keeps it as a double updated in place rather than a new heap number per value.
 */
interface Cursor {
  text: string;
  at: number;
  string: string;
  number: number;
}

const isDigit = (code: number): boolean => code >= ZERO && code <= NINE;

function skipWhitespace(cursor: Cursor): void {
  const { text } = cursor;
  let at = cursor.at;
  for (;;) {
    const code = text.charCodeAt(at);
    // JSON's whitespace: space, line feed, carriage return, tab.
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) break;
    at++;
  }
  cursor.at = at;
}

/** Consumes `expected` after optional whitespace. */
function consume(cursor: Cursor, expected: string): boolean {
  skipWhitespace(cursor);
  if (!cursor.text.startsWith(expected, cursor.at)) return false;
  cursor.at += expected.length;
  return true;
}

/** A string without escapes or control characters; those are left to JSON.parse. */
function readString(cursor: Cursor): boolean {
  const { text } = cursor;
  const start = cursor.at + 1;
  const end = text.indexOf('"', start);
  if (end < 0) return false;
  for (let at = start; at < end; at++) {
    const code = text.charCodeAt(at);
    if (code < 0x20 || code === BACKSLASH) return false;
  }
  cursor.string = text.slice(start, end);
  cursor.at = end + 1;
  return true;
}

/** Skips a run of digits; returns how many there were. */
function skipDigits(text: string, at: number): number {
  let end = at;
  while (isDigit(text.charCodeAt(end))) end++;
  return end - at;
}

/**
 * A number in JSON's grammar. Short decimals are computed exactly here; the rest go through
 * Number(), which reads a JSON number the way JSON.parse does.
 */
function readNumber(cursor: Cursor): boolean {
  const { text } = cursor;
  const start = cursor.at;
  const negative = text.charCodeAt(start) === MINUS;
  const integerStart = negative ? start + 1 : start;
  const integerDigits = skipDigits(text, integerStart);
  if (integerDigits === 0 || (integerDigits > 1 && text.charCodeAt(integerStart) === ZERO)) return false;
  let at = integerStart + integerDigits;
  let fractionDigits = 0;
  if (text.charCodeAt(at) === DOT) {
    fractionDigits = skipDigits(text, at + 1);
    if (fractionDigits === 0) return false;
    at += 1 + fractionDigits;
  }
  const code = text.charCodeAt(at);
  if (code === LOWER_E || code === UPPER_E) {
    return readExponentNumber(cursor, start, at);
  }
  cursor.at = at;
  if (integerDigits + fractionDigits > MAX_EXACT_DIGITS) {
    cursor.number = Number(text.slice(start, at));
    return true;
  }
  let mantissa = 0;
  for (let digit = integerStart; digit < at; digit++) {
    if (digit !== integerStart + integerDigits) mantissa = mantissa * 10 + (text.charCodeAt(digit) - ZERO);
  }
  const magnitude = mantissa / EXACT_POWERS_OF_TEN[fractionDigits];
  cursor.number = negative ? -magnitude : magnitude;
  return true;
}

/** The exponent part of a number starting at `start`, whose `e` is at `at`. */
function readExponentNumber(cursor: Cursor, start: number, at: number): boolean {
  const { text } = cursor;
  let digitsStart = at + 1;
  const sign = text.charCodeAt(digitsStart);
  if (sign === PLUS || sign === MINUS) digitsStart++;
  const digits = skipDigits(text, digitsStart);
  if (digits === 0) return false;
  cursor.at = digitsStart + digits;
  cursor.number = Number(text.slice(start, cursor.at));
  return true;
}

/** `literal`, if the text has it here. */
function readLiteral(cursor: Cursor, literal: string): boolean {
  if (!cursor.text.startsWith(literal, cursor.at)) return false;
  cursor.at += literal.length;
  return true;
}

/** A string, number, true, false or null; arrays and objects are left to JSON.parse. */
function readPlainValue(cursor: Cursor): Token {
  skipWhitespace(cursor);
  const code = cursor.text.charCodeAt(cursor.at);
  if (code === QUOTE) return readString(cursor) ? STRING : NOT_PLAIN;
  if (code === MINUS || isDigit(code)) return readNumber(cursor) ? NUMBER : NOT_PLAIN;
  if (readLiteral(cursor, "null")) return NULL;
  if (readLiteral(cursor, "true")) return TRUE;
  return readLiteral(cursor, "false") ? FALSE : NOT_PLAIN;
}

/**
 * The column a row position is written to. Every slot has every property, so the store below sees
 * one object shape; unused columns are empty. `sensors` (index 12) is not stored: any plain value.
 */
interface Slot {
  type: ColumnType | "ignored";
  nullable: boolean;
  callsign: boolean;
  strings: StringColumn;
  numbers: NumberColumn;
  booleans: BooleanColumn;
}

function slotsFor(columns: Record<string, ColumnValues>): Slot[] {
  const slots: Slot[] = [];
  for (let position = 0; position < MAX_ROW_FIELDS; position++) {
    const field = STATE_VECTOR_FIELDS.find((candidate) => candidate.index === position);
    const column = field === undefined ? undefined : columns[field.name];
    slots.push({
      type: field?.type ?? "ignored",
      nullable: field?.nullable ?? true,
      callsign: field?.name === "callsign",
      strings: field?.type === "string" ? (column as StringColumn) : [],
      numbers: column instanceof Float64Array ? column : new Float64Array(0),
      booleans: field?.type === "boolean" ? (column as BooleanColumn) : new Uint8Array(0),
    });
  }
  return slots;
}

/** Stores the value just read into row `row` of the slot's column, if the column takes it. */
function store(slot: Slot, token: Token, cursor: Cursor, row: number): boolean {
  if (token === NULL) {
    if (!slot.nullable) return false;
    if (slot.type === "string") slot.strings[row] = null;
    else if (slot.type !== "ignored") slot.numbers[row] = Number.NaN;
    return true;
  }
  switch (slot.type) {
    case "ignored":
      return true;
    case "string": {
      if (token !== STRING || !isStringValue(cursor.string)) return false;
      slot.strings[row] = slot.callsign ? normalizeCallsign(cursor.string) : cursor.string;
      return true;
    }
    case "double":
      if (token !== NUMBER || !isDoubleValue(cursor.number)) return false;
      // Adding 0 turns -0 into 0, as typeSnapshot does.
      slot.numbers[row] = cursor.number + 0;
      return true;
    case "timestamp":
      if (token !== NUMBER || !isTimestampValue(cursor.number)) return false;
      slot.numbers[row] = toTimestampSeconds(cursor.number);
      return true;
    case "int32":
      if (token !== NUMBER || !isInt32Value(cursor.number)) return false;
      slot.numbers[row] = cursor.number;
      return true;
    case "boolean":
      if (token !== TRUE && token !== FALSE) return false;
      slot.booleans[row] = token === TRUE ? 1 : 0;
      return true;
  }
}

/** One row into row `row` of the columns; returns its field count, or 0 when it is not a clean row. */
function readRow(cursor: Cursor, slots: readonly Slot[], row: number): number {
  if (!consume(cursor, "[")) return 0;
  let count = 0;
  for (;;) {
    if (count === MAX_ROW_FIELDS) return 0;
    const token = readPlainValue(cursor);
    if (token === NOT_PLAIN || !store(slots[count], token, cursor, row)) return 0;
    count++;
    skipWhitespace(cursor);
    const code = cursor.text.charCodeAt(cursor.at++);
    if (code === CLOSE_BRACKET) break;
    if (code !== COMMA) return 0;
  }
  if (!ROW_FIELD_COUNTS.includes(count)) return 0;
  // A row without the 18th field has no category, as typeSnapshot reads it.
  for (let position = count; position < MAX_ROW_FIELDS; position++) {
    if (!store(slots[position], NULL, cursor, row)) return 0;
  }
  return count;
}

/** An upper bound on the rows: each opens a bracket, and so does `states`. */
function rowCapacity(text: string): number {
  let brackets = 0;
  for (let at = text.indexOf("["); at >= 0; at = text.indexOf("[", at + 1)) brackets++;
  return brackets;
}

function snapshotOf(columns: Record<string, ColumnValues>, rows: number, time: number): TypingResult {
  return {
    snapshot: { snapshotTime: time, rowCount: rows, columns: trimColumns(columns, rows) as unknown as StateColumns },
    quarantined: [],
    inputRowCount: rows,
  };
}

/** The `states` array's rows, typed; undefined at the first thing the fast path does not take. */
function readStates(cursor: Cursor, time: number): TypingResult | undefined {
  skipWhitespace(cursor);
  const nullStates = cursor.text.charCodeAt(cursor.at) !== OPEN_BRACKET;
  const capacity = nullStates ? 0 : rowCapacity(cursor.text);
  const columns: Record<string, ColumnValues> = {};
  for (const field of STATE_VECTOR_FIELDS) columns[field.name] = emptyColumn(field.type, capacity);
  if (nullStates) return consume(cursor, "null") ? snapshotOf(columns, 0, time) : undefined;
  cursor.at++;
  const slots = slotsFor(columns);
  let rows = 0;
  if (!consume(cursor, "]")) {
    for (;;) {
      if (readRow(cursor, slots, rows) === 0) return undefined;
      rows++;
      if (consume(cursor, "]")) break;
      if (!consume(cursor, ",")) return undefined;
    }
  }
  return snapshotOf(columns, rows, time);
}

/**
 * The typed rows of a body that is exactly `{"time": keyTime, "states": [...] | null}` with rows
 * that all type cleanly, or undefined for anything else.
 */
export function scanCleanSnapshot(text: string, keyTime: number): TypingResult | undefined {
  const cursor: Cursor = { text, at: 0, string: "", number: 0 };
  if (!consume(cursor, "{") || !consume(cursor, '"time"') || !consume(cursor, ":")) return undefined;
  skipWhitespace(cursor);
  if (!readNumber(cursor) || cursor.number !== keyTime) return undefined;
  // As parsed, not keyTime: the two differ as -0 and 0, and typeSnapshot keeps the body's.
  const time = cursor.number;
  if (!consume(cursor, ",") || !consume(cursor, '"states"') || !consume(cursor, ":")) return undefined;
  const typed = readStates(cursor, time);
  if (typed === undefined || !consume(cursor, "}")) return undefined;
  skipWhitespace(cursor);
  return cursor.at === text.length ? typed : undefined;
}
