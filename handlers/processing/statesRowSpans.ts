/**
 * Where each row of a body's `states` array lies, in bytes, so a quarantined row can be kept as
 * the text OpenSky sent: re-serialising the parsed row would change it (JSON.parse turns 1e309 into
 * Infinity, which JSON.stringify writes as null) and cannot hold bytes that are not UTF-8.
 *
 * A structural pass over the bytes: strings (with their escapes) are skipped, brackets and braces
 * counted, and the elements of the top-level object's last "states" array (the one JSON.parse
 * keeps) are cut at the commas between them. Bytes outside ASCII only ever occur inside strings,
 * so text that is not UTF-8 does not disturb it. Only the quarantine path calls it, for the few
 * bodies that have rows to set aside.
 */

/** Byte offsets of one row: `start` inclusive, `end` exclusive, surrounding whitespace left out. */
export interface RowSpan {
  start: number;
  end: number;
}

/**
 * The spans of the rows of the body's `states`, in order; an empty list when `states` is null or
 * absent; undefined when the bytes are not one JSON object.
 */
export function statesRowSpans(body: Uint8Array): RowSpan[] | undefined {
  const QUOTE = 0x22;
  const BACKSLASH = 0x5c;
  const COMMA = 0x2c;
  const COLON = 0x3a;
  const OPEN_BRACE = 0x7b;
  const CLOSE_BRACE = 0x7d;
  const OPEN_BRACKET = 0x5b;
  const CLOSE_BRACKET = 0x5d;
  const isWhitespace = (byte: number): boolean => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

  let depth = 0;
  let expectKey = false;
  let lastKey: string | undefined;
  let spans: RowSpan[] = [];
  // While inside the states array: where the current row began, -1 between rows.
  let collecting = false;
  let rowStart = -1;
  let sawObject = false;

  const endOfRow = (before: number): number => {
    let end = before;
    while (end > rowStart && isWhitespace(body[end - 1] as number)) end--;
    return end;
  };

  for (let i = 0; i < body.length; i++) {
    const byte = body[i] as number;
    if (isWhitespace(byte)) continue;
    if (collecting && depth === 2 && rowStart === -1 && byte !== CLOSE_BRACKET) rowStart = i;
    if (byte === QUOTE) {
      const start = i;
      for (i++; i < body.length && body[i] !== QUOTE; i++) {
        if (body[i] === BACKSLASH) i++;
      }
      if (i >= body.length) return undefined;
      if (depth === 1 && expectKey) {
        try {
          lastKey = JSON.parse(Buffer.from(body.subarray(start, i + 1)).toString("utf8")) as string;
        } catch {
          return undefined;
        }
      }
      continue;
    }
    switch (byte) {
      case OPEN_BRACE:
      case OPEN_BRACKET:
        if (depth === 0) {
          if (byte !== OPEN_BRACE || sawObject) return undefined;
          sawObject = true;
          expectKey = true;
        } else if (depth === 1 && byte === OPEN_BRACKET && lastKey === "states") {
          collecting = true;
          spans = [];
          rowStart = -1;
        }
        depth++;
        break;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        if (depth === 0) return undefined;
        if (collecting && depth === 2 && byte === CLOSE_BRACKET) {
          if (rowStart !== -1) spans.push({ start: rowStart, end: endOfRow(i) });
          collecting = false;
          rowStart = -1;
        }
        depth--;
        break;
      case COMMA:
        if (collecting && depth === 2) {
          if (rowStart === -1) return undefined;
          spans.push({ start: rowStart, end: endOfRow(i) });
          rowStart = -1;
        }
        if (depth === 1) expectKey = true;
        break;
      case COLON:
        if (depth === 1) {
          expectKey = false;
          // A later "states" whose value is not an array (null) replaces an earlier array.
          if (lastKey === "states") spans = [];
        }
        break;
      default:
        break;
    }
  }
  return sawObject && depth === 0 ? spans : undefined;
}
