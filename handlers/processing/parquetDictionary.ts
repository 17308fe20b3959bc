/**
 * Whether a column chunk is dictionary-encoded, and its dictionary. The rules are hyparquet-writer's
 * (0.17), so the files keep the encodings its readers were verified with: a sample of up to 1,000
 * values spread over the chunk rejects a column whose distinct values make up more than 90% of the
 * sampled bytes; otherwise the dictionary is built, and kept only when it plus the bit-packed indexes
 * at most halve the PLAIN bytes. Sizes are estimated as there: 8 or 4 bytes a number, a string's
 * length in UTF-16 units plus a 4-byte length prefix. Dictionary order is first appearance.
 * A caller may skip the sample and always weigh the whole dictionary: the compaction stage does,
 * because a day's chunk of a million rows repeats values (speeds, squawks, aircraft) that a sample
 * of a thousand sees as distinct.
 */
import type { StringColumn } from "../shared/columns";
import type { NumericType } from "./parquetColumnSource";

export interface Dictionary<T> {
  values: T[];
  /**
   * Per row, the value's position in `values`; unused where the row is null. A view of the
   * builders' working array: valid until they build the next dictionary.
   */
  indexes: Int32Array;
}

export interface DictionaryBuilders {
  /**
   * NaN is null. Keys are the numbers themselves, so 0 and -0 share an entry, the first one seen.
   * `sample` false skips the sample's rejection and weighs the whole dictionary.
   */
  numberDictionary(values: Float64Array, type: NumericType, nonNull: number, sample?: boolean): Dictionary<number> | undefined;
  stringDictionary(values: StringColumn, sample?: boolean): Dictionary<string> | undefined;
}

/**
 * The dictionary builders.
 * Functions built by a factory, once per container (docs/serialization.md).
 */
export function createDictionaryBuilders(): DictionaryBuilders {
  const SAMPLE_SIZE = 1000;
  const SAMPLE_REJECTION_RATIO = 0.9;
  const BYTE_ARRAY_PREFIX = 4;

  const floor = Math.floor;
  const imul = Math.imul;
  // Working arrays kept from chunk to chunk and grown as needed: allocated per chunk, at about a
  // megabyte each, they were much of the garbage of a 500,000-row snapshot.
  let slotScratch = new Int32Array(0);
  let entryScratch = new Float64Array(0);
  let indexScratch = new Int32Array(0);
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);

  function indexesFor(length: number): Int32Array {
    if (indexScratch.length < length) indexScratch = new Int32Array(length);
    return indexScratch.subarray(0, length);
  }

  function sampleIndex(i: number, sampleSize: number, length: number): number {
    return sampleSize === 1 ? 0 : floor((i * (length - 1)) / (sampleSize - 1));
  }

  function sampleRejects(distinctBytes: number, totalBytes: number): boolean {
    return totalBytes === 0 || distinctBytes / totalBytes > SAMPLE_REJECTION_RATIO;
  }

  function dictionaryWins(entries: number, distinctBytes: number, nonNull: number, totalBytes: number, prefix: number): boolean {
    const bitWidth = Math.ceil(Math.log2(entries));
    const indexBytes = Math.ceil((nonNull * bitWidth) / 8);
    return 2 * (distinctBytes + entries * prefix + indexBytes) <= totalBytes + nonNull * prefix;
  }

  /**
   * The most entries a dictionary of `nonNull` values of `size` bytes can have and still win: with
   * more, its entries and bit-packed indexes together exceed half the PLAIN bytes (dictionaryWins).
   */
  function maxWinningEntries(nonNull: number, size: number): number {
    let most = 0;
    for (let bitWidth = 0; bitWidth <= 31; bitWidth++) {
      const indexBytes = Math.ceil((nonNull * bitWidth) / 8);
      const fitting = Math.min(Math.floor((nonNull * size - 2 * indexBytes) / (2 * size)), 2 ** bitWidth);
      const fewest = bitWidth === 0 ? 1 : 2 ** (bitWidth - 1) + 1;
      if (fitting >= fewest) most = fitting;
    }
    return most;
  }

  /**
   * An open-addressing table of the column's distinct numbers (the dictionary in first-appearance
   * order, and per row its position), abandoned as soon as the dictionary can no longer win, so a
   * column of nearly unique values (positions) stops after a fraction of its rows. A Map keyed by
   * doubles would box every distinct value; this keeps them in typed arrays.
   */
  function buildNumberDictionary(values: Float64Array, nonNull: number, valueBytes: number): Dictionary<number> | undefined {
    const maxEntries = maxWinningEntries(nonNull, valueBytes);
    let capacity = 16;
    while (capacity < 2 * (maxEntries + 1)) capacity *= 2;
    const mask = capacity - 1;
    if (slotScratch.length < capacity) slotScratch = new Int32Array(capacity);
    if (entryScratch.length < maxEntries + 1) entryScratch = new Float64Array(maxEntries + 1);
    const slots = slotScratch.subarray(0, capacity).fill(-1);
    const entries = entryScratch;
    const indexes = indexesFor(values.length);
    let size = 0;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value !== value) continue;
      // 0 and -0 are one entry (the first seen), so they must hash alike.
      bits[0] = value === 0 ? 0 : value;
      let hash = imul(words[0] ^ imul(words[1], 0x85ebca6b), 0x9e3779b1);
      hash ^= hash >>> 15;
      let slot = hash & mask;
      let position = slots[slot];
      while (position !== -1 && entries[position] !== value) {
        slot = (slot + 1) & mask;
        position = slots[slot];
      }
      if (position === -1) {
        if (size === maxEntries) return undefined;
        position = size++;
        entries[position] = value;
        slots[slot] = position;
      }
      indexes[i] = position;
    }
    return { values: Array.from(entries.subarray(0, size)), indexes };
  }

  function numberDictionary(values: Float64Array, type: NumericType, nonNull: number, sample = true): Dictionary<number> | undefined {
    const size = type === "INT32" ? 4 : 8;
    const sampleSize = sample ? Math.min(values.length, SAMPLE_SIZE) : 0;
    const sampled = new Set<number>();
    let sampledBytes = 0;
    for (let i = 0; i < sampleSize; i++) {
      const value = values[sampleIndex(i, sampleSize, values.length)];
      if (value !== value) continue;
      sampledBytes += size;
      sampled.add(value);
    }
    if (sample && sampleRejects(sampled.size * size, sampledBytes)) return undefined;
    const dictionary = buildNumberDictionary(values, nonNull, size);
    if (dictionary === undefined) return undefined;
    const entries = dictionary.values.length;
    return dictionaryWins(entries, entries * size, nonNull, nonNull * size, 0) ? dictionary : undefined;
  }

  function stringDictionary(values: StringColumn, sample = true): Dictionary<string> | undefined {
    const sampleSize = sample ? Math.min(values.length, SAMPLE_SIZE) : 0;
    const sampled = new Set<string>();
    let sampledBytes = 0;
    let distinctSampledBytes = 0;
    for (let i = 0; i < sampleSize; i++) {
      const value = values[sampleIndex(i, sampleSize, values.length)];
      // `== null`, not `=== undefined`: docs/serialization.md.
      if (value == null) continue;
      sampledBytes += value.length + BYTE_ARRAY_PREFIX;
      if (!sampled.has(value)) {
        sampled.add(value);
        distinctSampledBytes += value.length + BYTE_ARRAY_PREFIX;
      }
    }
    if (sample && sampleRejects(distinctSampledBytes, sampledBytes)) return undefined;

    const positions = new Map<string, number>();
    const dictionary: string[] = [];
    const indexes = indexesFor(values.length);
    let nonNull = 0;
    let totalBytes = 0;
    let distinctBytes = 0;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value == null) continue;
      nonNull++;
      totalBytes += value.length;
      let position = positions.get(value);
      if (position == null) {
        position = dictionary.length;
        dictionary.push(value);
        positions.set(value, position);
        distinctBytes += value.length;
      }
      indexes[i] = position;
    }
    if (!dictionaryWins(dictionary.length, distinctBytes, nonNull, totalBytes, BYTE_ARRAY_PREFIX)) return undefined;
    return { values: dictionary, indexes };
  }

  return { numberDictionary, stringDictionary };
}
