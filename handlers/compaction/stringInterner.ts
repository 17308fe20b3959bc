/**
 * Turns a day's strings into small ids, one per distinct value in order of first appearance. The
 * icao24 and callsign of every row of every file (processing writes them PLAIN) make 3.7 million
 * values in a global day: as strings in a Map they cost two seconds of decoding, hashing and
 * garbage. A short value (what icao24, squawk and callsign hold) is instead packed into a number
 * straight from its UTF-8 bytes and looked up in an open-addressing table of doubles, so a string
 * is made only for a value not seen before that day. Longer values, such as country names (read
 * once per file, from its dictionary), go through a Map.
 */
import { PARQUET_COLUMNS } from "../shared/stateVector";

export interface StringInterner {
  /** The value's id: its position in `distinct`. */
  id(value: string): number;
  /** The id of the UTF-8 string in bytes [start, start + length). */
  idOfBytes(bytes: Buffer, start: number, length: number): number;
  readonly distinct: string[];
  /** Each distinct value's rank in UTF-8 byte order, the order of Parquet statistics and of DuckDB. */
  ranks(): Int32Array;
}

/**
 * A number ≥ 0 that identifies a string among strings of its shape, or -1 for another shape,
 * computed from the string or from its bytes (the shapes are ASCII, so both agree).
 */
interface KeyOf {
  ofString(value: string): number;
  ofBytes(bytes: Buffer, start: number, length: number): number;
}

/**
 * Factories of one interner per string column of PARQUET_COLUMNS, in order. Built once per
 * container, as per-value code must be (docs/serialization.md).
 */
export function createStringInterners(): () => StringInterner[] {
  const imul = Math.imul;
  const compareBytes = Buffer.compare;
  const fromString = Buffer.from;
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);

  /** Short ASCII strings (icao24, squawk, short callsigns): bytes + 1 as digits base 129. */
  const SHORT_LIMIT = 7;
  const SHORT_KEYS = 129 ** SHORT_LIMIT;
  /** Eight-character callsigns of A–Z, 0–9 and space: digits 1–37 base 38, above the short keys. */
  const callsignDigit = (code: number): number => (code >= 65 && code <= 90 ? code - 64 : code >= 48 && code <= 57 ? code - 21 : code === 32 ? 37 : -1);

  const keyOf: KeyOf = {
    ofString(value) {
      const length = value.length;
      let key = 0;
      if (length <= SHORT_LIMIT) {
        for (let i = 0; i < length; i++) {
          const code = value.charCodeAt(i);
          if (code > 0x7f) return -1;
          key = key * 129 + code + 1;
        }
        return key;
      }
      if (length !== 8) return -1;
      for (let i = 0; i < 8; i++) {
        const digit = callsignDigit(value.charCodeAt(i));
        if (digit < 0) return -1;
        key = key * 38 + digit;
      }
      return SHORT_KEYS + key;
    },
    ofBytes(bytes, start, length) {
      let key = 0;
      if (length <= SHORT_LIMIT) {
        for (let i = start; i < start + length; i++) {
          const code = bytes[i];
          if (code > 0x7f) return -1;
          key = key * 129 + code + 1;
        }
        return key;
      }
      if (length !== 8) return -1;
      for (let i = start; i < start + 8; i++) {
        const digit = callsignDigit(bytes[i]);
        if (digit < 0) return -1;
        key = key * 38 + digit;
      }
      return SHORT_KEYS + key;
    },
  };

  function interner(): StringInterner {
    const distinct: string[] = [];
    const others = new Map<string, number>();
    let capacity = 1 << 14;
    let mask = capacity - 1;
    let keys = new Float64Array(capacity);
    let slots = new Int32Array(capacity).fill(-1);
    let lastValue = "";
    let lastId = -1;

    function slotOf(key: number): number {
      bits[0] = key;
      let hash = imul(words[0] ^ imul(words[1], 0x85ebca6b), 0x9e3779b1);
      hash ^= hash >>> 15;
      let slot = hash & mask;
      while (slots[slot] !== -1 && keys[slot] !== key) slot = (slot + 1) & mask;
      return slot;
    }

    function grow(): void {
      const oldKeys = keys;
      const oldSlots = slots;
      capacity *= 2;
      mask = capacity - 1;
      keys = new Float64Array(capacity);
      slots = new Int32Array(capacity).fill(-1);
      for (let i = 0; i < oldSlots.length; i++) {
        if (oldSlots[i] === -1) continue;
        const slot = slotOf(oldKeys[i]);
        keys[slot] = oldKeys[i];
        slots[slot] = oldSlots[i];
      }
    }

    function add(value: string): number {
      distinct.push(value);
      return distinct.length - 1;
    }

    function idOfOther(value: string): number {
      const known = others.get(value);
      if (known != null) return known;
      const added = add(value);
      others.set(value, added);
      return added;
    }

    /** Adds a value whose key was not found at `slot`. */
    function addKeyed(slot: number, key: number, value: string): number {
      const added = add(value);
      keys[slot] = key;
      slots[slot] = added;
      if (distinct.length * 2 > capacity) grow();
      return added;
    }

    function id(value: string): number {
      if (value === lastValue && lastId >= 0) return lastId;
      const key = keyOf.ofString(value);
      let found: number;
      if (key < 0) found = idOfOther(value);
      else {
        const slot = slotOf(key);
        found = slots[slot] !== -1 ? slots[slot] : addKeyed(slot, key, value);
      }
      lastValue = value;
      lastId = found;
      return found;
    }

    function idOfBytes(bytes: Buffer, start: number, length: number): number {
      const key = keyOf.ofBytes(bytes, start, length);
      if (key < 0) return idOfOther(bytes.toString("utf8", start, start + length));
      const slot = slotOf(key);
      // Values with a key are ASCII, which latin1 decodes fastest.
      return slots[slot] !== -1 ? slots[slot] : addKeyed(slot, key, bytes.toString("latin1", start, start + length));
    }

    function ranks(): Int32Array {
      const bytes = distinct.map((value) => fromString(value, "utf8"));
      const order = Array.from(distinct, (_, index) => index).sort((a, b) => compareBytes(bytes[a], bytes[b]));
      const rank = new Int32Array(distinct.length);
      for (let position = 0; position < order.length; position++) rank[order[position]] = position;
      return rank;
    }

    return { id, idOfBytes, distinct, ranks };
  }

  const stringColumns = PARQUET_COLUMNS.filter((field) => field.type === "string").length;
  return () => Array.from({ length: stringColumns }, () => interner());
}
