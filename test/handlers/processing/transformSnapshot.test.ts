import { expect } from "chai";
import { generateSnapshot } from "../../../fixtures/snapshotGenerator";
import { transformSnapshot } from "../../../handlers/processing/transformSnapshot";
import { parquetCompression } from "../../../handlers/shared/parquetCodecs";
import { rawKeyForSnapshot } from "../../../handlers/shared/s3Keys";
import { metadataFromKeyValues } from "../../../handlers/shared/snapshotMetadata";
import { readSnapshotParquet } from "../../../handlers/validation/parquetReader";

const TIME = 1_766_888_059;
const RAW_KEY = rawKeyForSnapshot(TIME);
const SETTINGS = { ...parquetCompression("snappy", 6), rowGroupSize: 100_000 };

describe("transformSnapshot", () => {
  it("writes the Parquet under the matching processed key, with the metadata validation reads", async () => {
    const { snapshot } = generateSnapshot({ seed: 1, stateCount: 300, time: TIME });
    const result = transformSnapshot(RAW_KEY, JSON.stringify(snapshot), SETTINGS);
    expect(result.parquet.key).to.equal("processed/year=2025/month=12/day=28/hour=02/states_1766888059.parquet");
    expect(result.quarantine).to.equal(undefined);
    const back = await readSnapshotParquet(result.parquet.body as Uint8Array);
    expect(back.snapshot.rowCount).to.equal(300);
    expect(metadataFromKeyValues(back.metadata)).to.deep.equal({
      sourceKey: RAW_KEY,
      snapshotTime: TIME,
      schemaVersion: "1",
      inputRows: 300,
      writtenRows: 300,
      quarantinedRowShape: 0,
      quarantinedFieldType: 0,
      sampleRowShapeIcao24: [],
      sampleFieldTypeIcao24: [],
      quarantineKey: null,
    });
  });

  it("sets untypable rows aside with their reasons; every input row is in one file or the other", async () => {
    const { snapshot, defectRows } = generateSnapshot({
      seed: 2,
      stateCount: 400,
      time: TIME,
      defects: { "wrong-field-count": 0.01, "string-latitude": 0.005 },
    });
    const result = transformSnapshot(RAW_KEY, JSON.stringify(snapshot), SETTINGS);
    expect(result.quarantine?.key).to.equal("quarantine/year=2025/month=12/day=28/hour=02/states_1766888059.jsonl");
    const lines = String(result.quarantine?.body).trimEnd().split("\n").map((line) => JSON.parse(line));
    expect(lines.map((line) => line.rowIndex)).to.deep.equal([...(defectRows["wrong-field-count"] ?? []), ...(defectRows["string-latitude"] ?? [])].sort((a, b) => a - b));
    const shapeLine = lines.find((line) => line.reason === "row-shape");
    expect(shapeLine).to.deep.include({ sourceKey: RAW_KEY, details: ["the row has 16 fields; expected 17 or 18"] });
    expect(shapeLine.row).to.have.length(16);
    expect(lines.find((line) => line.reason === "field-type").details[0]).to.match(/^latitude is the string "51.4700"/);
    expect(result.metadata).to.deep.include({ inputRows: 400, writtenRows: 394, quarantinedRowShape: 4, quarantinedFieldType: 2 });
    expect(result.metadata.sampleRowShapeIcao24).to.have.length(4);
    expect(result.metadata.quarantineKey).to.equal(result.quarantine?.key);
    expect((await readSnapshotParquet(result.parquet.body as Uint8Array)).snapshot.rowCount).to.equal(394);
  });

  it("gives identical output for the same raw object", () => {
    const body = JSON.stringify(generateSnapshot({ seed: 3, stateCount: 200, time: TIME, defects: { "not-an-array": 0.01 } }).snapshot);
    const first = transformSnapshot(RAW_KEY, body, SETTINGS);
    const second = transformSnapshot(RAW_KEY, body, SETTINGS);
    expect(Buffer.from(first.parquet.body).equals(Buffer.from(second.parquet.body))).to.equal(true);
    expect(first.quarantine?.body).to.equal(second.quarantine?.body);
  });

  it("writes an empty file for states: null", async () => {
    const result = transformSnapshot(RAW_KEY, JSON.stringify({ time: TIME, states: null }), SETTINGS);
    expect(result.metadata).to.deep.include({ inputRows: 0, writtenRows: 0 });
    expect((await readSnapshotParquet(result.parquet.body as Uint8Array)).snapshot.rowCount).to.equal(0);
  });

  it("refuses an object whose time disagrees with its key, naming both", () => {
    expect(() => transformSnapshot(RAW_KEY, JSON.stringify({ time: TIME + 5, states: [] }), SETTINGS))
      .to.throw()
      .that.includes({ name: "UnreadableSnapshotError", key: RAW_KEY })
      .and.has.property("message", `raw snapshot ${RAW_KEY} cannot be processed: the body's "time" 1766888064 differs from the key's 1766888059`);
  });

  it("refuses a key outside the raw layout, naming it", () => {
    expect(() => transformSnapshot("raw/somewhere/else.json", "{}", SETTINGS)).to.throw(
      /^raw snapshot raw\/somewhere\/else.json cannot be processed: S3 key "raw\/somewhere\/else.json" is not a pipeline key/,
    );
  });
});
