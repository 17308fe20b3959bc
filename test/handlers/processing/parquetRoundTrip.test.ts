import { expect } from "chai";
import fc from "fast-check";
import { parquetMetadata } from "hyparquet";
import { generateSnapshot } from "../../../fixtures/snapshotGenerator";
import { writeSnapshotParquet } from "../../../handlers/processing/parquetWriter";
import { typeSnapshot, type StateColumns, type TypedSnapshot } from "../../../handlers/shared/columns";
import { parquetCompression, zstdAvailable } from "../../../handlers/shared/parquetCodecs";
import type { ParquetCodecSetting } from "../../../handlers/shared/settings";
import type { RawSnapshot } from "../../../handlers/shared/stateVector";
import { readSnapshotParquet } from "../../../handlers/validation/parquetReader";
import { rawSnapshot } from "../../support/snapshotArbitraries";

const CODECS: ParquetCodecSetting[] = zstdAvailable() ? ["snappy", "gzip", "zstd", "uncompressed"] : ["snappy", "gzip", "uncompressed"];

function write(snapshot: TypedSnapshot, codec: ParquetCodecSetting = "snappy", rowGroupSize = 100_000, metadata = {}): Uint8Array {
  return writeSnapshotParquet(snapshot, { ...parquetCompression(codec, 6), rowGroupSize, metadata });
}

/** The writer hands back a view into its larger working buffer; metadata readers need the file alone. */
const fileOf = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer as ArrayBuffer;

/** Column by column, value by value, with Object.is so NaN (null) matches NaN and 0 differs from -0. */
function expectSameColumns(actual: StateColumns, expected: StateColumns): void {
  for (const name of Object.keys(expected) as (keyof StateColumns)[]) {
    const want = Array.from(expected[name] as ArrayLike<unknown>);
    const got = Array.from(actual[name] as ArrayLike<unknown>);
    expect(got.length, name).to.equal(want.length);
    const differing = want.findIndex((value, index) => !Object.is(value, got[index]));
    expect(differing, `${name}[${differing}]: wrote ${String(want[differing])}, read ${String(got[differing])}`).to.equal(-1);
  }
}

describe("Parquet round trip", () => {
  it("reads back any valid snapshot exactly as typed, whatever the codec and row-group size", async () => {
    await fc.assert(
      fc.asyncProperty(rawSnapshot, fc.constantFrom(...CODECS), fc.integer({ min: 1, max: 50 }), async (raw, codec, rowGroupSize) => {
        const typed = typeSnapshot(JSON.parse(JSON.stringify(raw)) as RawSnapshot);
        expect(typed.quarantined).to.deep.equal([]);
        const back = await readSnapshotParquet(write(typed.snapshot, codec, rowGroupSize, { "flightdata.snapshot_time": String(raw.time) }));
        expect(back.snapshot.rowCount).to.equal(typed.snapshot.rowCount);
        expect(back.snapshot.snapshotTime).to.equal(raw.time);
        expectSameColumns(back.snapshot.columns, typed.snapshot.columns);
      }),
      { numRuns: 150 },
    );
  });

  it("reads back a realistic 6,500-state snapshot with every oddity, across several row groups", async () => {
    const typed = typeSnapshot(generateSnapshot({ seed: 4, stateCount: 6_500, categoryShare: 0.3 }).snapshot);
    const bytes = write(typed.snapshot, "snappy", 1_000);
    expect(parquetMetadata(fileOf(bytes)).row_groups).to.have.length(7);
    expectSameColumns((await readSnapshotParquet(bytes)).snapshot.columns, typed.snapshot.columns);
  });

  it("writes the same bytes for the same snapshot", () => {
    const { snapshot } = typeSnapshot(generateSnapshot({ seed: 4, stateCount: 800 }).snapshot);
    for (const codec of CODECS) {
      expect(Buffer.from(write(snapshot, codec)).equals(Buffer.from(write(snapshot, codec))), codec).to.equal(true);
    }
  });

  it("declares standard types readers map without help, and the codec asked for", () => {
    const { snapshot } = typeSnapshot(generateSnapshot({ seed: 4, stateCount: 50, categoryShare: 1 }).snapshot);
    const metadata = parquetMetadata(fileOf(write(snapshot, "gzip")));
    const byName = new Map(metadata.schema.map((element) => [element.name, element]));
    expect(byName.get("callsign")).to.include({ type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" });
    expect(byName.get("callsign")?.logical_type).to.deep.equal({ type: "STRING" });
    expect(byName.get("icao24")).to.include({ repetition_type: "REQUIRED" });
    expect(byName.get("latitude")).to.include({ type: "DOUBLE", repetition_type: "OPTIONAL" });
    expect(byName.get("on_ground")).to.include({ type: "BOOLEAN", repetition_type: "REQUIRED" });
    expect(byName.get("position_source")).to.include({ type: "INT32", repetition_type: "REQUIRED" });
    expect(byName.get("category")).to.include({ type: "INT32", repetition_type: "OPTIONAL" });
    for (const name of ["time_position", "last_contact", "snapshot_time"]) {
      expect(byName.get(name), name).to.include({ type: "INT64", converted_type: "TIMESTAMP_MILLIS" });
      expect(byName.get(name)?.logical_type, name).to.deep.equal({ type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" });
    }
    expect(metadata.schema.slice(1).map((element) => element.name)).to.not.include("sensors");
    const codecs = new Set(metadata.row_groups.flatMap((group) => group.columns.map((column) => column.meta_data?.codec)));
    expect([...codecs]).to.deep.equal(["GZIP"]);
  });

  it("carries the key-value metadata it was given", async () => {
    const { snapshot } = typeSnapshot({ time: 1_766_888_059, states: null });
    const back = await readSnapshotParquet(
      write(snapshot, "snappy", 1_000, { "flightdata.source_key": "raw/x.json", "flightdata.snapshot_time": "1766888059" }),
    );
    expect(back.metadata).to.deep.equal({ "flightdata.source_key": "raw/x.json", "flightdata.snapshot_time": "1766888059" });
    expect(back.snapshot.rowCount).to.equal(0);
    expect(back.snapshot.snapshotTime).to.equal(1_766_888_059);
  });

  it("refuses zstd with a clear message where zlib lacks it, and writes it where zlib has it", function () {
    if (zstdAvailable()) {
      const { snapshot } = typeSnapshot(generateSnapshot({ seed: 4, stateCount: 10 }).snapshot);
      expect(write(snapshot, "zstd").length).to.be.greaterThan(0);
    } else {
      expect(() => parquetCompression("zstd", 6)).to.throw(/PARQUET_CODEC=zstd needs zstd, which this runtime's zlib lacks \(Node v20/);
    }
  });

  it("rejects a file whose schema is not the snapshot schema, naming the column", async () => {
    const { parquetWriteBuffer } = await import("hyparquet-writer");
    const other = parquetWriteBuffer({ columnData: [{ name: "icao24", data: ["abc123"], type: "STRING" }] });
    await readSnapshotParquet(new Uint8Array(other)).then(
      () => expect.fail("a foreign file was read"),
      (error: Error) => expect(error.message).to.equal("column icao24 is OPTIONAL BYTE_ARRAY; expected REQUIRED BYTE_ARRAY"),
    );
  });
});
