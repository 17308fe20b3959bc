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
    const lines = String(result.quarantine?.body)
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.rowIndex)).to.deep.equal(
      [...(defectRows["wrong-field-count"] ?? []), ...(defectRows["string-latitude"] ?? [])].sort((a, b) => a - b),
    );
    const shapeLine = lines.find((line) => line.reason === "row-shape");
    expect(shapeLine).to.deep.include({ sourceKey: RAW_KEY, details: ["the row has 16 fields; expected 17 or 18"] });
    expect(JSON.parse(shapeLine.rowText)).to.have.length(16);
    expect(JSON.stringify(snapshot), "the row's text is the raw object's, unchanged").to.contain(shapeLine.rowText);
    expect(lines.find((line) => line.reason === "field-type").details[0]).to.match(/^latitude is the string "51.4700"/);
    expect(result.metadata).to.deep.include({ inputRows: 400, writtenRows: 394, quarantinedRowShape: 4, quarantinedFieldType: 2 });
    expect(result.metadata.sampleRowShapeIcao24).to.have.length(4);
    expect(result.metadata.quarantineKey).to.equal(result.quarantine?.key);
    expect((await readSnapshotParquet(result.parquet.body as Uint8Array)).snapshot.rowCount).to.equal(394);
  });

  it("keeps each quarantined row as the text it arrived as, bytes that are not UTF-8 included", () => {
    const good = (icao24: string) => `["${icao24}","DLH4AB  ","Germany",${TIME},${TIME},8.5,50.1,1000.5,false,200.25,90,0,null,1010.3,"1000",false,0]`;
    const odd = {
      overflow: '["3c6444","DLH9  ","Germany",1766888050,1766888055,8.5,50.1,1000,false,1e309,90,0,null,1010,"1000",false,0]',
      nineteen: `["3c6445",${Array(18).fill("null").join(",")}]`,
      nullRow: "null",
      stringRow: '"3c6446"',
      spaced: '[ "3c6447" ,\n "x" ]',
    };
    const rows = [good("3c6440"), odd.overflow, good("3c6441"), odd.nineteen, odd.nullRow, odd.stringRow, odd.spaced, good("3c6442")];
    const text = `{ "time" : ${TIME} ,\n  "states" : [\n ${rows.join(" ,\n ")}\n ] }`;
    const notUtf8 = Buffer.from(good("3c6443").replace("DLH4AB  ", "DLH\u00ff    "), "latin1");
    const body = Buffer.concat([Buffer.from(text.slice(0, -4)), Buffer.from(", "), notUtf8, Buffer.from("\n ] }")]);

    const result = transformSnapshot(RAW_KEY, new Uint8Array(body), SETTINGS);

    expect(result.metadata).to.deep.include({ inputRows: 9, writtenRows: 3 });
    const lines = String(result.quarantine?.body)
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.rowIndex, line.rowText])).to.deep.equal([
      [1, odd.overflow],
      [3, odd.nineteen],
      [4, odd.nullRow],
      [5, odd.stringRow],
      [6, odd.spaced],
      [8, notUtf8.toString("utf8")],
    ]);
    expect(lines[0].details[0]).to.match(/velocity is number Infinity; expected a finite number/);
    const encoding = lines[5];
    expect(encoding).to.deep.include({ reason: "field-type", icao24: "3c6443" });
    expect(encoding.details[0]).to.match(/not valid UTF-8/);
    expect(Buffer.from(encoding.rowBase64, "base64").equals(notUtf8), "the exact bytes, kept").to.equal(true);
    expect(lines.slice(0, 5).every((line) => line.rowBase64 === undefined)).to.equal(true);
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
