/**
 * A fast path from body text to typed columns for the body OpenSky sends: `{"time":…,"states":[…]}`
 * whose every row is 17 or 18 plain values that all type cleanly. It reads the rows straight into
 * the columns, without JSON.parse's array per row, and hands each value to the same field typers
 * as typeSnapshot. Anything else — an escape, a nested value, a row to quarantine, a different
 * `time`, a syntax error — makes it give up and return undefined: the caller then takes the
 * JSON.parse path, so its messages and quarantine decisions remain the only ones there are.
 */
import { rowTyper, type TypingResult } from "../shared/columns";
import { ROW_FIELD_COUNTS } from "../shared/stateVector";

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

/** Where the scan is in the text, and the value it read last. */
interface Cursor {
  text: string;
  at: number;
  value: unknown;
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
  cursor.value = text.slice(start, end);
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
    cursor.value = Number(text.slice(start, at));
    return true;
  }
  let mantissa = 0;
  for (let digit = integerStart; digit < at; digit++) {
    if (digit !== integerStart + integerDigits) mantissa = mantissa * 10 + (text.charCodeAt(digit) - ZERO);
  }
  const magnitude = mantissa / EXACT_POWERS_OF_TEN[fractionDigits];
  cursor.value = negative ? -magnitude : magnitude;
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
  cursor.value = Number(text.slice(start, cursor.at));
  return true;
}

/** `literal` as `value`, if the text has it here. */
function readLiteral(cursor: Cursor, literal: string, value: boolean | null): boolean {
  if (!cursor.text.startsWith(literal, cursor.at)) return false;
  cursor.at += literal.length;
  cursor.value = value;
  return true;
}

/** A string, number, true, false or null; arrays and objects are left to JSON.parse. */
function readPlainValue(cursor: Cursor): boolean {
  skipWhitespace(cursor);
  const code = cursor.text.charCodeAt(cursor.at);
  if (code === QUOTE) return readString(cursor);
  if (code === MINUS || isDigit(code)) return readNumber(cursor);
  return readLiteral(cursor, "null", null) || readLiteral(cursor, "true", true) || readLiteral(cursor, "false", false);
}

/** One row into `fields`; returns its field count, or 0 when it is not a row of plain values. */
function readRow(cursor: Cursor, fields: unknown[]): number {
  if (!consume(cursor, "[")) return 0;
  let count = 0;
  for (;;) {
    if (count === MAX_ROW_FIELDS || !readPlainValue(cursor)) return 0;
    fields[count++] = cursor.value;
    skipWhitespace(cursor);
    const code = cursor.text.charCodeAt(cursor.at++);
    if (code === CLOSE_BRACKET) return count;
    if (code !== COMMA) return 0;
  }
}

/** An upper bound on the rows: each opens a bracket, and so does `states`. */
function rowCapacity(text: string): number {
  let brackets = 0;
  for (let at = text.indexOf("["); at >= 0; at = text.indexOf("[", at + 1)) brackets++;
  return brackets;
}

/** The `states` array's rows, typed; undefined at the first thing the fast path does not take. */
function readStates(cursor: Cursor, time: number): TypingResult | undefined {
  skipWhitespace(cursor);
  if (cursor.text.charCodeAt(cursor.at) !== OPEN_BRACKET) {
    if (!consume(cursor, "null")) return undefined;
    return { snapshot: rowTyper(0).finish(time), quarantined: [], inputRowCount: 0 };
  }
  cursor.at++;
  const typer = rowTyper(rowCapacity(cursor.text));
  const fields = new Array<unknown>(MAX_ROW_FIELDS);
  let rows = 0;
  if (!consume(cursor, "]")) {
    for (;;) {
      const count = readRow(cursor, fields);
      if (!ROW_FIELD_COUNTS.includes(count) || typer.add(fields, count) !== undefined) return undefined;
      rows++;
      if (consume(cursor, "]")) break;
      if (!consume(cursor, ",")) return undefined;
    }
  }
  return { snapshot: typer.finish(time), quarantined: [], inputRowCount: rows };
}

/**
 * The typed rows of a body that is exactly `{"time": keyTime, "states": [...] | null}` with rows
 * that all type cleanly, or undefined for anything else.
 */
export function scanCleanSnapshot(text: string, keyTime: number): TypingResult | undefined {
  const cursor: Cursor = { text, at: 0, value: undefined };
  if (!consume(cursor, "{") || !consume(cursor, '"time"') || !consume(cursor, ":")) return undefined;
  skipWhitespace(cursor);
  if (!readNumber(cursor) || cursor.value !== keyTime) return undefined;
  // As parsed, not keyTime: the two differ as -0 and 0, and typeSnapshot keeps the body's.
  const time = cursor.value;
  if (!consume(cursor, ",") || !consume(cursor, '"states"') || !consume(cursor, ":")) return undefined;
  const typed = readStates(cursor, time);
  if (typed === undefined || !consume(cursor, "}")) return undefined;
  skipWhitespace(cursor);
  return cursor.at === text.length ? typed : undefined;
}
