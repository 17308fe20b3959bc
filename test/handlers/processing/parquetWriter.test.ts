import { expect } from "chai";
import fc from "fast-check";
import { parquetMetadata } from "hyparquet";
import { useDictionary } from "hyparquet-writer/src/dictionary.js";
import { snappyCompress } from "hyparquet-writer/src/snappy.js";
import { generateSnapshot } from "../../../fixtures/snapshotGenerator";
import { createDictionaryBuilders, type Dictionary } from "../../../handlers/processing/parquetDictionary";
import { writeSnapshotParquet, type ParquetWriteSettings } from "../../../handlers/processing/parquetWriter";
import { createSnappyCompressor } from "../../../handlers/processing/snappyCompressor";
import { typeSnapshot, type TypedSnapshot } from "../../../handlers/shared/columns";
import { parquetCompression, zstdAvailable } from "../../../handlers/shared/parquetCodecs";
import type { ParquetCodecSetting } from "../../../handlers/shared/settings";
import type { RawSnapshot } from "../../../handlers/shared/stateVector";
import { writeReferenceParquet } from "../../support/referenceParquetWriter";
import { rawSnapshot, repetitiveSnapshot } from "../../support/snapshotArbitraries";

const CODECS: ParquetCodecSetting[] = zstdAvailable() ? ["snappy", "gzip", "zstd", "uncompressed"] : ["snappy", "gzip", "uncompressed"];

const settings = (codec: ParquetCodecSetting, rowGroupSize: number): ParquetWriteSettings => ({
  ...parquetCompression(codec, 6),
  rowGroupSize,
  metadata: { "flightdata.source_key": "raw/x.json" },
});

const typed = (raw: RawSnapshot): TypedSnapshot => typeSnapshot(JSON.parse(JSON.stringify(raw)) as RawSnapshot).snapshot;

/** The first differing byte, so a failure says where the files part. */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array, label: string): void {
  const length = Math.max(actual.length, expected.length);
  let first = -1;
  for (let i = 0; i < length && first === -1; i++) if (actual[i] !== expected[i]) first = i;
  expect(first, `${label}: ${actual.length} bytes written, ${expected.length} expected; first difference at byte ${first}`).to.equal(-1);
}

describe("Parquet writer", () => {
  it("writes exactly the bytes of hyparquet-writer's generic writer for any snapshot, codec and row-group size", () => {
    fc.assert(
      fc.property(fc.oneof(rawSnapshot, repetitiveSnapshot), fc.constantFrom(...CODECS), fc.integer({ min: 1, max: 500 }), (raw, codec, rowGroupSize) => {
        const snapshot = typed(raw);
        expectSameBytes(
          writeSnapshotParquet(snapshot, settings(codec, rowGroupSize)),
          writeReferenceParquet(snapshot, settings(codec, rowGroupSize)),
          `${snapshot.rowCount} rows, ${codec}, row groups of ${rowGroupSize}`,
        );
      }),
      { numRuns: 300 },
    );
  });

  it("writes exactly the reference bytes for generated snapshots, with dictionaries, several row groups and several pages per chunk", () => {
    const cases = [
      { stateCount: 6_500, rowGroupSize: 100_000, codec: "snappy" },
      { stateCount: 6_500, rowGroupSize: 1_000, codec: "gzip" },
      { stateCount: 140_000, rowGroupSize: 140_000, codec: "snappy" },
    ] as const;
    for (const { stateCount, rowGroupSize, codec } of cases) {
      const { snapshot } = typeSnapshot(generateSnapshot({ seed: 11, stateCount, categoryShare: 0.3 }).snapshot);
      const written = writeSnapshotParquet(snapshot, settings(codec, rowGroupSize));
      expectSameBytes(written, writeReferenceParquet(snapshot, settings(codec, rowGroupSize)), `${stateCount} rows, ${codec}`);

      const columns = parquetMetadata(written.slice().buffer as ArrayBuffer).row_groups.flatMap((group) => group.columns);
      const encodings = new Set(columns.flatMap((column) => column.meta_data?.encodings ?? []));
      expect([...encodings].sort()).to.deep.equal(["PLAIN", "RLE", "RLE_DICTIONARY"]);
      if (rowGroupSize > 100_000) {
        const paged = columns.filter((column) => column.offset_index_length !== undefined).map((column) => column.meta_data?.path_in_schema[0]);
        expect(paged, "columns over a megabyte span pages and carry an offset index").to.include.members(["longitude", "velocity"]);
      }
    }
  });

  it("refuses a null in a required column and an int32 out of range, naming the column and row", () => {
    const { snapshot } = typeSnapshot(generateSnapshot({ seed: 3, stateCount: 20 }).snapshot);
    const nullIcao = { ...snapshot, columns: { ...snapshot.columns, icao24: snapshot.columns.icao24.map((value, i) => (i === 7 ? null : value)) } };
    expect(() => writeSnapshotParquet(nullIcao, settings("snappy", 100))).to.throw("column icao24 is required, but row 7 of its row group is null");
    const wide = Float64Array.from(snapshot.columns.position_source, (value, i) => (i === 12 ? 2 ** 31 : value));
    const outOfRange = { ...snapshot, columns: { ...snapshot.columns, position_source: wide } };
    expect(() => writeSnapshotParquet(outOfRange, settings("snappy", 100))).to.throw(
      "column position_source row 12 holds 2147483648, which is not a 32-bit integer",
    );
  });
});

describe("Snappy compressor", () => {
  /** Bytes with runs, repeats at every distance and stretches of noise, as pages have. */
  const pageLike = fc
    .array(
      fc.oneof(
        fc.uint8Array({ maxLength: 300 }),
        fc
          .record({ byte: fc.integer({ min: 0, max: 255 }), count: fc.integer({ min: 1, max: 5_000 }) })
          .map(({ byte, count }) => new Uint8Array(count).fill(byte)),
        fc.integer({ min: 1, max: 70_000 }).map((distance) => ({ distance })),
      ),
      { maxLength: 40 },
    )
    .map((parts) => {
      const bytes: number[] = [];
      for (const part of parts) {
        if (part instanceof Uint8Array) bytes.push(...part);
        else for (let i = 0; i < 90 && bytes.length >= part.distance; i++) bytes.push(bytes[bytes.length - part.distance]);
      }
      return Uint8Array.from(bytes);
    });

  it("writes exactly what hyparquet-writer's snappyCompress writes, reusing its buffer from call to call", () => {
    const compress = createSnappyCompressor();
    fc.assert(
      fc.property(pageLike, (input) => {
        expectSameBytes(Uint8Array.from(compress(input)), snappyCompress(input), `${input.length} bytes`);
      }),
      { numRuns: 400 },
    );
  });
});

describe("Parquet dictionary choice", () => {
  const { numberDictionary, stringDictionary } = createDictionaryBuilders();
  /**
   * Columns of every distinct share, so samples land on both sides of the 90% rejection and full
   * dictionaries on both sides of the halving rule.
   */
  const column = <T>(value: fc.Arbitrary<T>): fc.Arbitrary<(T | null)[]> =>
    fc
      .record({
        pool: fc.array(value, { minLength: 1, maxLength: 1_500 }),
        length: fc.integer({ min: 1, max: 3_000 }),
        nullShare: fc.double({ min: 0, max: 0.5, noNaN: true }),
      })
      .chain(({ pool, length, nullShare }) =>
        fc
          .array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...pool)), { minLength: length, maxLength: length })
          .map((cells) => cells.map(([draw, picked]) => (draw < nullShare ? null : picked))),
      );

  const sameChoice = (actual: Dictionary<unknown> | undefined, reference: { dictionary?: unknown[]; indexes?: number[] }, present: boolean[]): void => {
    expect(actual === undefined, "dictionary taken").to.equal(reference.dictionary === undefined);
    if (actual === undefined || reference.indexes === undefined) return;
    expect(actual.values).to.deep.equal(reference.dictionary);
    const indexes = reference.indexes;
    expect(Array.from(actual.indexes).filter((_, i) => present[i])).to.deep.equal(indexes.filter((_, i) => present[i]));
  };

  it("takes a number dictionary exactly when hyparquet-writer would, with the same entries in the same order", () => {
    const types = ["DOUBLE", "INT32", "INT64"] as const;
    fc.assert(
      fc.property(column(fc.integer({ min: -50, max: 5_000 })), fc.constantFrom(...types), (cells, type) => {
        const values = Float64Array.from(cells, (cell) => (cell === null ? NaN : cell));
        const present = cells.map((cell) => cell !== null);
        const holes = cells.map((cell) => (cell === null ? undefined : type === "INT64" ? BigInt(cell) : cell));
        const reference = useDictionary(holes, type, undefined, undefined, undefined, false);
        const asNumbers = reference.dictionary && { ...reference, dictionary: reference.dictionary.map(Number) };
        sameChoice(numberDictionary(values, type, present.filter(Boolean).length), asNumbers ?? {}, present);
      }),
      { numRuns: 200 },
    );
  });

  it("takes a string dictionary exactly when hyparquet-writer would, with the same entries in the same order", () => {
    fc.assert(
      fc.property(column(fc.string({ unit: "grapheme", maxLength: 8 })), (cells) => {
        const reference = useDictionary(cells, "BYTE_ARRAY", undefined, undefined, undefined, false);
        sameChoice(
          stringDictionary(cells),
          reference,
          cells.map((cell) => cell !== null),
        );
      }),
      { numRuns: 200 },
    );
  });
});
