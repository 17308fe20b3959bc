/**
 * The plain mapping the comparison tools get from a parsed snapshot: one value per column, null
 * for null, callsigns trimmed, timestamps in milliseconds. It leaves out the pipeline's per-value
 * checks and quarantine, so the alternatives do less work than the handler, not more.
 */
import { parseRawSnapshot } from "../../handlers/shared/rawSnapshot";
import { STATE_VECTOR_FIELDS, type StateVectorField } from "../../handlers/shared/stateVector";

export type CellValue = string | number | boolean | null;

export function cellValue(field: StateVectorField, row: readonly unknown[]): CellValue {
  const value = (row[field.index] ?? null) as CellValue;
  if (value === null) return null;
  if (field.name === "callsign") return (value as string).trim() || null;
  if (field.type === "timestamp") return (value as number) * 1000;
  return value;
}

export interface ParsedStates {
  time: number;
  rows: readonly (readonly unknown[])[];
}

/** The object's bytes → rows, decoding them as UTF-8 the way any Node.js consumer would. */
export function parseStates(bytes: Uint8Array): ParsedStates {
  const raw = parseRawSnapshot(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
  return { time: raw.time, rows: raw.states ?? [] };
}

export { STATE_VECTOR_FIELDS };
