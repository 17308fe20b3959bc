/**
 * PLAIN-encoded value bytes, written straight from the typed columns: little-endian numbers, and
 * byte arrays as a 4-byte length followed by the UTF-8 bytes. Nulls are skipped (the definition
 * levels carry them). Buffer rather than a module-level TextEncoder (docs/serialization.md).
 */
import type { StringColumn } from "../shared/columns";
import type { NumericType } from "./parquetColumnSource";

export interface PlainEncoders {
  /** Values [start, end) that are not NaN. */
  plainNumbers(values: Float64Array | readonly number[], type: NumericType, start: number, end: number, count: number): Uint8Array;
  /**
   * UTF-8 byte length of each value (0 for null), and whether the whole column is ASCII, which lets
   * the page writer copy characters without encoding them and statistics compare code units.
   */
  utf8Lengths(values: StringColumn): { lengths: Int32Array; ascii: boolean };
  /** Values [start, end) that are not null; `byteCount` is the sum of their UTF-8 lengths. */
  plainStrings(values: StringColumn, ascii: boolean, start: number, end: number, count: number, byteCount: number): Uint8Array;
  /** Booleans bit-packed, least significant bit first, the last byte padded with zeros. */
  plainBooleans(values: Uint8Array): Uint8Array;
}

/**
 * The PLAIN encoders.
 * Built by a factory, once per container (docs/serialization.md).
 */
export function createPlainEncoders(): PlainEncoders {
  const TWO_TO_32 = 2 ** 32;
  const allocate = Buffer.allocUnsafe;
  // Null checks below are `== null`, not `=== undefined` (docs/serialization.md).
  const byteLength = Buffer.byteLength;

  /** Values [start, end) that are not NaN. */
  function plainNumbers(values: Float64Array | readonly number[], type: NumericType, start: number, end: number, count: number): Uint8Array {
    const bytes = new Uint8Array(count * (type === "INT32" ? 4 : 8));
    const view = new DataView(bytes.buffer);
    let offset = 0;
    for (let i = start; i < end; i++) {
      const value = values[i];
      if (value !== value) continue;
      if (type === "DOUBLE") {
        view.setFloat64(offset, value, true);
        offset += 8;
      } else if (type === "INT32") {
        view.setInt32(offset, value, true);
        offset += 4;
      } else {
        // A whole number of milliseconds within ±2^53, split into two's-complement halves without BigInt.
        let low = value % TWO_TO_32;
        if (low < 0) low += TWO_TO_32;
        view.setUint32(offset, low, true);
        view.setInt32(offset + 4, (value - low) / TWO_TO_32, true);
        offset += 8;
      }
    }
    return bytes;
  }

  /**
   * UTF-8 byte length of each value (0 for null), and whether the whole column is ASCII, which lets
   * the page writer copy characters without encoding them and statistics compare code units.
   */
  function utf8Lengths(values: StringColumn): { lengths: Int32Array; ascii: boolean } {
    const lengths = new Int32Array(values.length);
    let ascii = true;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value == null) continue;
      let length = value.length;
      for (let c = 0; c < value.length; c++) {
        if (value.charCodeAt(c) > 0x7f) {
          ascii = false;
          length = byteLength(value, "utf8");
          break;
        }
      }
      lengths[i] = length;
    }
    return { lengths, ascii };
  }

  /** Values [start, end) that are not null; `byteCount` is the sum of their UTF-8 lengths. */
  function plainStrings(values: StringColumn, ascii: boolean, start: number, end: number, count: number, byteCount: number): Uint8Array {
    const bytes = allocate(count * 4 + byteCount);
    let offset = 0;
    for (let i = start; i < end; i++) {
      const value = values[i];
      if (value == null) continue;
      if (ascii) {
        const length = value.length;
        bytes.writeUInt32LE(length, offset);
        offset += 4;
        for (let c = 0; c < length; c++) bytes[offset + c] = value.charCodeAt(c);
        offset += length;
      } else {
        const written = bytes.write(value, offset + 4, "utf8");
        bytes.writeUInt32LE(written, offset);
        offset += 4 + written;
      }
    }
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  /** Booleans bit-packed, least significant bit first, the last byte padded with zeros. */
  function plainBooleans(values: Uint8Array): Uint8Array {
    const bytes = new Uint8Array((values.length + 7) >> 3);
    for (let i = 0; i < values.length; i++) if (values[i] === 1) bytes[i >> 3] |= 1 << (i & 7);
    return bytes;
  }

  return { plainNumbers, utf8Lengths, plainStrings, plainBooleans };
}
