/**
 * Column chunk statistics (min, max, null count; NaN count for doubles), from the physical values
 * in one pass. Readers prune row groups with them, so the order is Parquet's: numbers by value, a
 * zero minimum written as -0 and a zero maximum as +0, strings by UTF-8 bytes (code points, with a
 * lone surrogate counting as U+FFFD, which is how it is written).
 */
import type { ChunkStatistics } from "hyparquet-writer/src/types.js";
import type { StringColumn } from "../shared/columns";
import type { ColumnValues } from "./parquetColumnSource";

export type ChunkStatisticsOf = (
  data: ColumnValues,
  values: Float64Array | readonly number[] | StringColumn,
  nullCount: number,
  ascii: boolean,
) => ChunkStatistics;

/**
 * Statistics of one column chunk, given its values or, for a dictionary-encoded chunk, its distinct
 * values (the same bounds at a fraction of the work).
 * Built by a factory, once per container (docs/serialization.md).
 */
export function createChunkStatistics(): ChunkStatisticsOf {
  const toBigInt = BigInt;
  const infinity = Infinity;

  function codePointAt(text: string, index: number): number {
    const code = text.codePointAt(index) ?? 0xfffd;
    return code >= 0xd800 && code <= 0xdfff ? 0xfffd : code;
  }

  /** Negative, zero or positive as `left` sorts before, with or after `right` in UTF-8 byte order. */
  function compareUtf8Order(left: string, right: string): number {
    if (left === right) return 0;
    const length = Math.min(left.length, right.length);
    let i = 0;
    while (i < length && left.charCodeAt(i) === right.charCodeAt(i)) i++;
    if (i > 0) {
      const previous = left.charCodeAt(i - 1);
      if (previous >= 0xd800 && previous <= 0xdbff) i--;
    }
    while (i < left.length && i < right.length) {
      const a = codePointAt(left, i);
      const b = codePointAt(right, i);
      if (a !== b) return a - b;
      i += a > 0xffff ? 2 : 1;
    }
    return left.length - right.length;
  }

  function numberStatistics(values: ArrayLike<number>, nullCount: number, withNanCount: boolean): ChunkStatistics {
    let min = infinity;
    let max = -infinity;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value < min) min = value;
      if (value > max) max = value;
    }
    const present = min <= max;
    return {
      min_value: present ? (min === 0 ? -0 : min) : undefined,
      max_value: present ? (max === 0 ? 0 : max) : undefined,
      null_count: toBigInt(nullCount),
      nan_count: withNanCount ? 0n : undefined,
    };
  }

  /** An all-ASCII column compares by code units, which for ASCII is byte order. */
  function stringStatistics(values: StringColumn, nullCount: number, ascii: boolean): ChunkStatistics {
    let min = "";
    let max = "";
    let found = false;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      // `== null` and a flag, not comparisons with `undefined`: docs/serialization.md.
      if (value == null) continue;
      if (!found) {
        min = max = value;
        found = true;
      } else if (ascii ? value < min : compareUtf8Order(value, min) < 0) min = value;
      else if (ascii ? value > max : compareUtf8Order(value, max) > 0) max = value;
    }
    return found
      ? { min_value: min, max_value: max, null_count: toBigInt(nullCount), nan_count: undefined }
      : { min_value: undefined, max_value: undefined, null_count: toBigInt(nullCount), nan_count: undefined };
  }

  function booleanStatistics(values: Uint8Array): ChunkStatistics {
    if (values.length === 0) return { min_value: undefined, max_value: undefined, null_count: 0n, nan_count: undefined };
    return { min_value: !values.includes(0), max_value: values.includes(1), null_count: 0n, nan_count: undefined };
  }

  /**
   * `values` are the chunk's values or, for a dictionary-encoded chunk, its distinct values, which
   * have the same bounds at a fraction of the work. NaN (null) never reaches a number's min or max,
   * since every comparison with it is false.
   */
  function chunkStatistics(data: ColumnValues, values: Float64Array | readonly number[] | StringColumn, nullCount: number, ascii: boolean): ChunkStatistics {
    switch (data.kind) {
      case "number":
        return numberStatistics(values as ArrayLike<number>, nullCount, data.type === "DOUBLE");
      case "string":
        return stringStatistics(values as StringColumn, nullCount, ascii);
      case "boolean":
        return booleanStatistics(data.values);
    }
  }

  return chunkStatistics;
}
