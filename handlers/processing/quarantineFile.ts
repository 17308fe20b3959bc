/**
 * The quarantine object: one JSON line per row processing could not type, with the reason, the
 * problems found and the row as it arrived, so the row can be inspected or replayed. Nothing is
 * dropped silently: every input row is either in the Parquet file or here.
 */
import type { QuarantinedRow } from "../shared/columns";

export function quarantineLines(sourceKey: string, rows: readonly QuarantinedRow[]): string {
  return rows
    .map((row) =>
      JSON.stringify({
        sourceKey,
        rowIndex: row.rowIndex,
        reason: row.reason,
        details: row.details,
        icao24: row.icao24,
        row: row.row,
      }),
    )
    .map((line) => `${line}\n`)
    .join("");
}
