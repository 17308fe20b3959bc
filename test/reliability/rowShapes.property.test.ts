/**
 * Raw is the source of truth, whatever single rows look like. For arbitrary OpenSky answers mixing
 * good rows with odd ones (16, 19 or 20 fields, null rows, rows that are not arrays, wrong types,
 * overflowing numbers, bytes that are not UTF-8), served byte for byte by the OpenSky stand-in:
 * ingestion stores exactly those bytes, and processing quarantines exactly the odd rows, each with
 * its text as sent, and writes every other row to Parquet unchanged.
 */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { expect } from "chai";
import fc from "fast-check";
import { createTrackingTable, openSkyFailures, type RunningEmulators, startEmulators } from "../../emulators";
import { createIngestionHandler } from "../../handlers/ingestion";
import { createProcessingHandler } from "../../handlers/processing";
import { createLogger } from "../../handlers/shared/logger";
import { quarantineKeyForSnapshot, processedKeyForSnapshot, rawKeyForSnapshot } from "../../handlers/shared/s3Keys";
import { readProcessingSettings } from "../../handlers/shared/settings";
import { readSnapshotParquet } from "../../handlers/validation/parquetReader";
import { eventOf } from "../support/stageEvents";

const RAW = "raw-bucket";
const PROCESSED = "processed-bucket";
const TABLE = "tracking";
const quiet = createLogger({ level: "ERROR", write: () => undefined });

/** A good row: values typing keeps as they are (no -0, callsigns without padding). */
interface GoodRow {
  kind: "good";
  icao24: string;
  velocity: number | null;
  latitude: number | null;
  onGround: boolean;
  fields: number;
  text: Buffer;
}
interface OddRow {
  kind: "odd";
  what: string;
  text: Buffer;
}
type Row = GoodRow | OddRow;

const hex6 = fc.stringMatching(/^[0-9a-f]{6}$/);
const noMinusZero = (value: number): number => (Object.is(value, -0) ? 0 : value);
const double = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map(noMinusZero);
const json = (value: unknown): string => JSON.stringify(value);

function goodFields(icao24: string, velocity: number | null, latitude: number | null, onGround: boolean): string[] {
  return [
    json(icao24),
    json("DLH4AB  "),
    json("Germany"),
    "1766888050",
    "1766888055",
    "8.5",
    json(latitude),
    "1000.5",
    json(onGround),
    json(velocity),
    "90",
    "0",
    "null",
    "1010.3",
    json("1000"),
    "false",
    "0",
  ];
}

const goodRow: fc.Arbitrary<Row> = fc
  .record({
    icao24: hex6,
    velocity: fc.option(double, { nil: null }),
    latitude: fc.option(double, { nil: null }),
    onGround: fc.boolean(),
    category: fc.boolean(),
  })
  .map(({ icao24, velocity, latitude, onGround, category }) => {
    const fields = goodFields(icao24, velocity, latitude, onGround);
    if (category) fields.push("3");
    return { kind: "good", icao24, velocity, latitude, onGround, fields: fields.length, text: Buffer.from(`[${fields.join(",")}]`) };
  });

const oddRow: fc.Arbitrary<Row> = fc.tuple(hex6, fc.integer({ min: 0, max: 8 })).map(([icao24, variant]): Row => {
  const fields = goodFields(icao24, 200, 50, false);
  const odd = (what: string, text: string | Buffer): Row => ({ kind: "odd", what, text: typeof text === "string" ? Buffer.from(text) : text });
  switch (variant) {
    case 0:
      return odd("16 fields", `[${fields.slice(0, 16).join(",")}]`);
    case 1:
      return odd("19 fields", `[${[...fields, "3", "null"].join(",")}]`);
    case 2:
      return odd("20 fields", `[${[...fields, "3", "null", "null"].join(",")}]`);
    case 3:
      return odd("a null row", "null");
    case 4:
      return odd("a row that is a string", json(icao24));
    case 5:
      return odd("a string latitude", `[${fields.map((field, index) => (index === 6 ? json("50.1") : field)).join(",")}]`);
    case 6:
      return odd("a null on_ground", `[${fields.map((field, index) => (index === 8 ? "null" : field)).join(",")}]`);
    case 7:
      return odd("an overflowing velocity", `[${fields.map((field, index) => (index === 9 ? "1e309" : field)).join(",")}]`);
    default:
      return odd(
        "a callsign whose bytes are not UTF-8",
        Buffer.concat([Buffer.from(`[${json(icao24)},"DLH`), Buffer.from([0xff, 0xfe]), Buffer.from(`  ",${fields.slice(2).join(",")}]`)]),
      );
  }
});

describe("reliability: odd rows never cost a snapshot", function () {
  this.timeout(300_000);
  let emulators: RunningEmulators<"s3" | "dynamodb" | "cloudwatch" | "opensky">;
  let time = Math.floor(Date.now() / 1000 / 300) * 300 - 30 * 86_400;

  before(async () => {
    emulators = await startEmulators({ services: ["s3", "dynamodb", "cloudwatch", "opensky"], s3: { buckets: [RAW, PROCESSED] } });
    await createTrackingTable(emulators.clients.dynamodb, TABLE);
  });
  after(() => emulators.stop());

  const common = { PIPELINE_ENVIRONMENT: "test", TRACKING_TABLE: TABLE, RAW_BUCKET: RAW, PROCESSED_BUCKET: PROCESSED };
  const read = async (bucket: string, key: string): Promise<Buffer> =>
    Buffer.from(await (await emulators.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray());

  it("stores every states answer byte for byte, and quarantines exactly its odd rows as sent", async () => {
    const ingest = createIngestionHandler({
      settings: {
        ...{ environment: "test", logLevel: "ERROR", trackingTable: TABLE, trackingTtlDays: 1, rawBucket: RAW },
        openskyApiUrl: emulators.opensky.apiUrl,
        openskyTokenUrl: emulators.opensky.tokenUrl,
        extended: false,
        requestTimeoutMs: 5_000,
      },
      s3: emulators.clients.s3,
      dynamodb: emulators.clients.dynamodb,
      cloudwatch: emulators.clients.cloudwatch,
      logger: quiet,
    });
    const process = createProcessingHandler({
      settings: readProcessingSettings(common),
      s3: emulators.clients.s3,
      dynamodb: emulators.clients.dynamodb,
      cloudwatch: emulators.clients.cloudwatch,
      logger: quiet,
    });
    let runs = 0;
    let oddRows = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof({ weight: 3, arbitrary: goodRow }, { weight: 2, arbitrary: oddRow }), { maxLength: 25 }),
        fc.boolean(),
        async (rows, pretty) => {
          time += 300;
          runs += 1;
          const separator = Buffer.from(pretty ? ",\n    " : ",");
          const parts: Buffer[] = [Buffer.from(pretty ? `{\n  "time": ${time},\n  "states": [\n    ` : `{"time":${time},"states":[`)];
          rows.forEach((row, index) => parts.push(...(index > 0 ? [separator] : []), row.text));
          parts.push(Buffer.from(pretty ? "\n  ]\n}\n" : "]}"));
          const body = Buffer.concat(parts);
          emulators.opensky.scriptStates(openSkyFailures.body(new Uint8Array(body)));

          const ingested = await ingest(
            { time: new Date(time * 1000).toISOString() },
            { awsRequestId: `ingest-${time}`, getRemainingTimeInMillis: () => 30_000 },
          );
          expect(ingested).to.deep.include({ stored: true, states: rows.length });
          expect((await read(RAW, rawKeyForSnapshot(time))).equals(body), "the raw object is the answer, byte for byte").to.equal(true);

          const record = emulators.s3.events.filter((event) => decodeURIComponent(event.s3.object.key) === rawKeyForSnapshot(time)).at(-1)!;
          const [processed] = await process(eventOf(record), { awsRequestId: `process-${time}` });
          const odd = rows.flatMap((row, index) => (row.kind === "odd" ? [index] : []));
          const good = rows.filter((row): row is GoodRow => row.kind === "good");
          oddRows += odd.length;
          expect(processed).to.deep.include({ inputRows: rows.length, writtenRows: good.length, quarantinedRows: odd.length });

          if (odd.length > 0) {
            const lines = (await read(PROCESSED, quarantineKeyForSnapshot(time)))
              .toString("utf8")
              .trimEnd()
              .split("\n")
              .map((line) => JSON.parse(line));
            expect(lines.map((line) => line.rowIndex)).to.deep.equal(odd);
            for (const line of lines) {
              const sent = rows[line.rowIndex]!.text;
              const kept = line.rowBase64 === undefined ? Buffer.from(line.rowText, "utf8") : Buffer.from(line.rowBase64, "base64");
              expect(kept.equals(sent), `row ${line.rowIndex} (${(rows[line.rowIndex] as OddRow).what}) is kept as sent`).to.equal(true);
            }
          }
          const { snapshot } = await readSnapshotParquet(new Uint8Array(await read(PROCESSED, processedKeyForSnapshot(time))));
          expect(snapshot.columns.icao24).to.deep.equal(good.map((row) => row.icao24));
          expect(Array.from(snapshot.columns.velocity, (value) => (Number.isNaN(value) ? null : value))).to.deep.equal(good.map((row) => row.velocity));
          expect(Array.from(snapshot.columns.latitude, (value) => (Number.isNaN(value) ? null : value))).to.deep.equal(good.map((row) => row.latitude));
          expect(Array.from(snapshot.columns.on_ground, (value) => value === 1)).to.deep.equal(good.map((row) => row.onGround));
          expect(Array.from(snapshot.columns.category, (value) => (Number.isNaN(value) ? null : value))).to.deep.equal(
            good.map((row) => (row.fields === 18 ? 3 : null)),
          );
        },
      ),
      { numRuns: 40, seed: 20261201 },
    );
    expect(runs).to.be.at.least(40);
    expect(oddRows, "the runs did exercise odd rows").to.be.greaterThan(50);
  });
});
