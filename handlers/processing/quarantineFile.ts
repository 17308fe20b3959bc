/**
 * The quarantine object: one JSON line per row processing could not type, with the reason, the
 * problems found and the row exactly as it arrived (`rowText`, the text of the raw object between
 * its commas), so it can be inspected or replayed unchanged. A row whose bytes are not UTF-8 also
 * carries them in `rowBase64`, since no JSON string can hold them; its `rowText` shows them as
 * U+FFFD. Nothing is dropped silently: every input row is either in the Parquet file or here.
 */
import { isUtf8 } from "buffer";
import type { QuarantinedRow } from "../shared/columns";
import type { RowSpan } from "./statesRowSpans";

export interface QuarantineLine {
  sourceKey: string;
  rowIndex: number;
  reason: QuarantinedRow["reason"];
  details: string[];
  icao24: string | null;
  rowText: string;
  rowBase64?: string;
}

/** `spans` holds every row's place in `body`, indexed like the response's `states`. */
export function quarantineLines(sourceKey: string, rows: readonly QuarantinedRow[], body: Buffer, spans: readonly RowSpan[]): string {
  return rows
    .map((row) => {
      const span = spans[row.rowIndex];
      if (span === undefined) throw new Error(`quarantined row ${row.rowIndex} has no place in the body`);
      const bytes = body.subarray(span.start, span.end);
      const line: QuarantineLine = {
        sourceKey,
        rowIndex: row.rowIndex,
        reason: row.reason,
        details: row.details,
        icao24: row.icao24,
        rowText: bytes.toString("utf8"),
      };
      if (!isUtf8(bytes)) line.rowBase64 = bytes.toString("base64");
      return `${JSON.stringify(line)}\n`;
    })
    .join("");
}
