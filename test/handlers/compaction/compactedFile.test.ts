/**
 * The daily file, without S3: every row of the day's processed files, exactly once, in icao24 then
 * snapshot_time order, in row groups that declare that order and whose statistics let a reader
 * skip them; the same bytes every time; and the same bytes whether a file went through the
 * compaction's own decoder or through hyparquet.
 */
import { expect } from "chai";
import fc from "fast-check";
import { parquetMetadata } from "hyparquet";
import { generateDay } from "../../../fixtures/dayGenerator";
import { COMPACTED_METADATA_KEYS } from "../../../handlers/compaction/compactedFile";
import { zstdAvailable } from "../../../handlers/shared/parquetCodecs";
import type { ParquetCodecSetting } from "../../../handlers/shared/settings";
import { PARQUET_COLUMNS, type RawSnapshot } from "../../../handlers/shared/stateVector";
import { rawSnapshot, repetitiveSnapshot } from "../../support/snapshotArbitraries";
import { arrayBufferOf, compactFiles, compactionOrder, processedFile, rowsOf, type Row } from "../../support/compactionFixtures";

const CODECS: ParquetCodecSetting[] = zstdAvailable() ? ["snappy", "gzip", "zstd", "uncompressed"] : ["snappy", "gzip", "uncompressed"];

/** Up to four snapshots at distinct times, ascending, as a day's files are. */
const dayOfSnapshots = fc
  .array(fc.oneof(rawSnapshot, repetitiveSnapshot), { minLength: 1, maxLength: 4 })
  .map((snapshots) => snapshots.map((snapshot, index): RawSnapshot => ({ ...snapshot, time: 1_795_651_200 + index * 300 })));

async function inputRows(files: readonly Uint8Array[]): Promise<Row[]> {
  return (await Promise.all(files.map(rowsOf))).flat();
}

describe("compacted daily file", () => {
  it("holds every row of the day's files once, sorted by icao24 then snapshot_time, for any rows, codec and row-group size", async () => {
    await fc.assert(
      fc.asyncProperty(dayOfSnapshots, fc.constantFrom(...CODECS), fc.integer({ min: 1, max: 300 }), async (snapshots, codec, rowGroupSize) => {
        const files = snapshots.map((snapshot) => processedFile(snapshot, codec));
        const compacted = await compactFiles(files, { codec, rowGroupSize });
        expect(compacted.decoded, "files the decoder read").to.equal(files.length);
        const expected = compactionOrder(await inputRows(files));
        expect(await rowsOf(compacted.bytes)).to.deep.equal(expected);
        const footer = parquetMetadata(arrayBufferOf(compacted.bytes));
        expect(footer.row_groups).to.have.length(Math.ceil(expected.length / rowGroupSize));
        expect(footer.schema.slice(1).map((element) => element.name)).to.deep.equal(PARQUET_COLUMNS.map((field) => field.name));
      }),
      { numRuns: 60 },
    );
  });

  it("gives each row group the sort order and icao24 bounds that let a query for one aircraft skip the others", async () => {
    const day = generateDay({ seed: 3, firstTime: 1_795_651_200, snapshots: 12, statesPerSnapshot: 2_000 });
    const compacted = await compactFiles(
      day.map((snapshot) => processedFile(snapshot)),
      { rowGroupSize: 5_000 },
    );
    const footer = parquetMetadata(arrayBufferOf(compacted.bytes));
    expect(Number(footer.num_rows)).to.equal(24_000);
    expect(footer.row_groups).to.have.length(5);
    const bounds = footer.row_groups.map((group) => {
      expect(group.sorting_columns).to.deep.equal([
        { column_idx: 0, descending: false, nulls_first: false },
        { column_idx: PARQUET_COLUMNS.length - 1, descending: false, nulls_first: false },
      ]);
      const statistics = group.columns[0].meta_data?.statistics;
      return [String(statistics?.min_value), String(statistics?.max_value)];
    });
    for (let index = 1; index < bounds.length; index++) {
      expect(
        bounds[index - 1][1] <= bounds[index][0],
        `row group ${index - 1} ends at ${bounds[index - 1][1]}, ${index} starts at ${bounds[index][0]}`,
      ).to.equal(true);
    }
    const times = JSON.parse(footer.key_value_metadata?.find((entry) => entry.key === COMPACTED_METADATA_KEYS.snapshotTimes)?.value ?? "[]");
    expect(times).to.deep.equal(day.map((snapshot) => snapshot.time));
  });

  it("writes the same bytes from the same files, through its own decoder or through hyparquet, with every codec", async () => {
    const day = generateDay({
      seed: 8,
      firstTime: 1_795_651_200,
      snapshots: 6,
      statesPerSnapshot: 1_500,
      defects: { 2: { "missing-position": 0.1, "duplicate-icao24": 0.05 } },
    });
    for (const codec of CODECS) {
      const files = day.map((snapshot) => processedFile(snapshot, codec));
      const decoded = await compactFiles(files, { codec, rowGroupSize: 4_000 });
      const again = await compactFiles(files, { codec, rowGroupSize: 4_000 });
      const viaHyparquet = await compactFiles(files, { codec, rowGroupSize: 4_000, hyparquetOnly: true });
      expect(decoded.decoded).to.equal(files.length);
      expect(Buffer.compare(decoded.bytes, again.bytes), `${codec}: a second run`).to.equal(0);
      expect(Buffer.compare(decoded.bytes, viaHyparquet.bytes), `${codec}: decoder against hyparquet`).to.equal(0);
    }
  });

  it("is smaller than the files it merges, for a day in which aircraft stay in the feed", async () => {
    const day = generateDay({ seed: 4, firstTime: 1_795_651_200, snapshots: 24, statesPerSnapshot: 2_000 });
    const files = day.map((snapshot) => processedFile(snapshot));
    const compacted = await compactFiles(files);
    const inputBytes = files.reduce((sum, file) => sum + file.length, 0);
    expect(compacted.bytes.length).to.be.below(inputBytes);
  });
});
