/**
 * The processing handler end to end through the real SDK v3 clients: raw object in s3rver, the
 * event s3rver fired for it (key URL-encoded as Lambda receives it), Parquet and quarantine
 * objects back in s3rver, tracking in dynalite, the quarantine metric in the CloudWatch stand-in.
 */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { createTrackingTable, startEmulators, type RunningEmulators } from "../../../emulators";
import { encodeKeyLikeS3Events } from "../../../handlers/shared/s3Keys";
import { generateSnapshot } from "../../../fixtures/snapshotGenerator";
import { createProcessingHandler } from "../../../handlers/processing";
import { createLogger } from "../../../handlers/shared/logger";
import { zstdAvailable } from "../../../handlers/shared/parquetCodecs";
import { processedKeyForSnapshot, quarantineKeyForSnapshot, rawKeyForSnapshot, snapshotIdForTime } from "../../../handlers/shared/s3Keys";
import { readProcessingSettings } from "../../../handlers/shared/settings";
import { metadataFromKeyValues } from "../../../handlers/shared/snapshotMetadata";
import { createTrackingStore } from "../../../handlers/shared/tracking";
import { readSnapshotParquet } from "../../../handlers/validation/parquetReader";
import { createdEvents, eventOf, listKeys, nextSnapshotTime, putAndCaptureEvent } from "../../support/stageEvents";

const RAW_BUCKET = "raw-bucket";
const PROCESSED_BUCKET = "processed-bucket";
const TABLE = "tracking";

describe("processing handler against the emulators", function () {
  this.timeout(20_000);
  let emulators: RunningEmulators<"s3" | "dynamodb" | "cloudwatch">;
  let logLines: Record<string, unknown>[] = [];

  before(async () => {
    emulators = await startEmulators({
      services: ["s3", "dynamodb", "cloudwatch"],
      s3: { buckets: [RAW_BUCKET, PROCESSED_BUCKET] },
    });
    await createTrackingTable(emulators.clients.dynamodb, TABLE);
  });
  after(() => emulators.stop());

  /** Settings as the component's environment variables set them, through the real parser. */
  const handler = (environment: Record<string, string> = {}) => {
    logLines = [];
    return createProcessingHandler({
      settings: readProcessingSettings({
        PIPELINE_ENVIRONMENT: "test",
        LOG_LEVEL: "DEBUG",
        TRACKING_TABLE: TABLE,
        RAW_BUCKET,
        PROCESSED_BUCKET,
        ...environment,
      }),
      s3: emulators.clients.s3,
      dynamodb: emulators.clients.dynamodb,
      cloudwatch: emulators.clients.cloudwatch,
      logger: createLogger({ level: "DEBUG", fields: { stage: "processing" }, write: (line) => logLines.push(JSON.parse(line)) }),
    });
  };

  const putRaw = (time: number, body: string | Uint8Array, key = rawKeyForSnapshot(time)) =>
    putAndCaptureEvent(emulators.clients.s3, emulators.s3, RAW_BUCKET, key, body);

  const readBytes = async (key: string): Promise<Uint8Array> => {
    const object = await emulators.clients.s3.send(new GetObjectCommand({ Bucket: PROCESSED_BUCKET, Key: key }));
    return object.Body!.transformToByteArray();
  };

  const tracking = () => createTrackingStore({ dynamodb: emulators.clients.dynamodb, tableName: TABLE, ttlDays: 1 });

  it("turns a raw snapshot into Parquet under the matching processed key, and tracks it", async () => {
    const time = nextSnapshotTime();
    const { snapshot } = generateSnapshot({ seed: 1, stateCount: 1_200, time });
    const record = await putRaw(time, JSON.stringify(snapshot));
    expect(record.s3.object.key, "the event carries the key URL-encoded").to.contain("year%3D");

    const [result] = await handler()(eventOf(record), { awsRequestId: "req-1" });

    expect(result).to.deep.include({ processedKey: processedKeyForSnapshot(time), inputRows: 1_200, writtenRows: 1_200, wroteParquet: true });
    const parquet = await readSnapshotParquet(await readBytes(processedKeyForSnapshot(time)));
    expect(parquet.snapshot.rowCount).to.equal(1_200);
    expect(parquet.snapshot.columns.icao24[0]).to.equal(snapshot.states?.[0]?.[0]);
    expect(metadataFromKeyValues(parquet.metadata).sourceKey).to.equal(rawKeyForSnapshot(time));
    const tracked = await tracking().read(snapshotIdForTime(time), "processing");
    expect(tracked).to.deep.include({ status: "succeeded", requestId: "req-1", attempt: 1 });
    expect(tracked?.counts).to.deep.include({ inputRows: 1_200, writtenRows: 1_200, quarantinedRowShape: 0 });
    expect(tracked?.s3Keys).to.deep.equal({ raw: rawKeyForSnapshot(time), processed: processedKeyForSnapshot(time) });
    const metric = emulators.cloudwatch.find("QuarantinedRows", { Environment: "test" }).at(-1);
    expect(metric).to.deep.include({ value: 0, unit: "Count" });
    expect(metric?.timestamp.getTime()).to.equal(time * 1000);
    expect(logLines.every((line) => line.snapshotId === snapshotIdForTime(time))).to.equal(true);
  });

  it("handles several records in one event", async () => {
    const times = [nextSnapshotTime(), nextSnapshotTime(), nextSnapshotTime()];
    const records = [];
    for (const [index, time] of times.entries()) {
      records.push(await putRaw(time, JSON.stringify(generateSnapshot({ seed: index, stateCount: 50 + index, time }).snapshot)));
    }
    const results = await handler()(eventOf(...records));
    expect(results.map((result) => result.writtenRows)).to.deep.equal([50, 51, 52]);
    for (const time of times) expect(await listKeys(emulators.clients.s3, PROCESSED_BUCKET, processedKeyForSnapshot(time))).to.have.length(1);
  });

  it("decodes keys S3 URL-encoded, spaces as + and a literal + as %2B", async () => {
    const time = nextSnapshotTime();
    const oddKey = `raw/manual uploads+1/states_${time}.json`;
    const record = await putRaw(time, JSON.stringify({ time, states: [] }), oddKey);
    expect(record.s3.object.key).to.equal(`raw/manual+uploads%2B1/states_${time}.json`);
    // Outside the layout, so it is refused, but under the key S3 stored it with.
    await handler()(eventOf(record)).then(
      () => expect.fail("a key outside the layout was processed"),
      (error: Error) => expect(error.message).to.contain(`raw snapshot ${oddKey} cannot be processed`),
    );
  });

  it("answers a repeated event with the same output and no second write", async () => {
    const time = nextSnapshotTime();
    const record = await putRaw(time, JSON.stringify(generateSnapshot({ seed: 5, stateCount: 300, time }).snapshot));
    await handler()(eventOf(record));
    const firstBytes = await readBytes(processedKeyForSnapshot(time));
    const writesBefore = createdEvents(emulators.s3, PROCESSED_BUCKET, processedKeyForSnapshot(time));

    const metricsBefore = emulators.cloudwatch.find("QuarantinedRows").length;
    const [again, third] = await handler()(eventOf(record, record));

    expect(again).to.deep.include({ duplicate: "done", wroteParquet: false, inputRows: 300, writtenRows: 300 });
    expect(third?.duplicate).to.equal("done");
    expect(createdEvents(emulators.s3, PROCESSED_BUCKET, processedKeyForSnapshot(time))).to.equal(writesBefore);
    expect(Buffer.from(await readBytes(processedKeyForSnapshot(time))).equals(Buffer.from(firstBytes))).to.equal(true);
    expect(emulators.cloudwatch.find("QuarantinedRows").length, "no metric for a duplicate").to.equal(metricsBefore);
    expect(await tracking().read(snapshotIdForTime(time), "processing")).to.deep.include({ status: "succeeded", attempt: 1, duplicates: 2 });
  });

  it("quarantines rows that cannot be typed, with reasons, and counts them", async () => {
    const time = nextSnapshotTime();
    const { snapshot } = generateSnapshot({
      seed: 6,
      stateCount: 500,
      time,
      defects: { "wrong-field-count": 0.004, "missing-icao24": 0.002, "null-on-ground": 0.002 },
    });
    const [result] = await handler()(eventOf(await putRaw(time, JSON.stringify(snapshot))));

    expect(result).to.deep.include({ inputRows: 500, writtenRows: 496, quarantinedRows: 4, quarantineKey: quarantineKeyForSnapshot(time) });
    const lines = (await readBytes(quarantineKeyForSnapshot(time)).then((bytes) => Buffer.from(bytes).toString()))
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.reason).sort()).to.deep.equal(["field-type", "field-type", "row-shape", "row-shape"]);
    expect(lines.map((line) => line.details[0]).join("\n"))
      .to.match(/icao24 is null/)
      .and.match(/on_ground is null/);
    const metadata = metadataFromKeyValues((await readSnapshotParquet(await readBytes(processedKeyForSnapshot(time)))).metadata);
    expect(metadata).to.deep.include({ quarantinedRowShape: 2, quarantinedFieldType: 2, quarantineKey: quarantineKeyForSnapshot(time) });
    expect(emulators.cloudwatch.find("QuarantinedRows").at(-1)?.value).to.equal(4);
    expect(logLines.some((line) => line.level === "WARN" && line.message === "processed snapshot")).to.equal(true);
  });

  describe("objects it cannot read: the error a user sees, and nothing written", () => {
    const unreadable: [string, (time: number) => string | Uint8Array, RegExp][] = [
      ["an HTML error page", () => "<html><body>504 Gateway Time-out</body></html>", /the body is HTML or XML, not JSON: "<html><body>504 Gateway Time-out/],
      ["truncated JSON", (time) => `{"time":${time},"states":[["a2d2c6","N281MA  "`, /the body is truncated JSON \(/],
      ["a blank object", () => "\n", /the body is empty/],
      ["a JSON array", () => "[]", /the body is an array of 0, not an object with "time" and "states"/],
      [
        "states that are not a list",
        (time) => JSON.stringify({ time, states: "none" }),
        /"states" is the string "none"; expected an array of state rows or null/,
      ],
      ["a time that is not the key's", (time) => JSON.stringify({ time: time + 1, states: [] }), /the body's "time" \d+ differs from the key's \d+/],
      ["bytes that are not UTF-8 where no row is", () => new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), /the body is not valid JSON/],
    ];
    for (const [what, body, reason] of unreadable) {
      it(`fails on ${what}, naming the key and the reason`, async () => {
        const time = nextSnapshotTime();
        const record = await putRaw(time, body(time));
        const before = await listKeys(emulators.clients.s3, PROCESSED_BUCKET);

        const error: Error = await handler()(eventOf(record)).then(
          () => expect.fail("an unreadable object was processed"),
          (thrown: Error) => thrown,
        );

        expect(error.name).to.equal("UnreadableSnapshotError");
        expect(error.message).to.contain(`raw snapshot ${rawKeyForSnapshot(time)} cannot be processed: `);
        expect(error.message).to.match(reason);
        expect(await listKeys(emulators.clients.s3, PROCESSED_BUCKET)).to.deep.equal(before);
        const tracked = await tracking().read(snapshotIdForTime(time), "processing");
        expect(tracked).to.deep.include({ status: "failed", errorMessage: `UnreadableSnapshotError: ${error.message}` });
      });
    }

    it("processes the good records of an event and then fails, naming only the bad key", async () => {
      const good = nextSnapshotTime();
      const bad = nextSnapshotTime();
      const records = [await putRaw(bad, "not json"), await putRaw(good, JSON.stringify(generateSnapshot({ seed: 9, stateCount: 20, time: good }).snapshot))];
      const error: Error = await handler()(eventOf(...records)).then(
        () => expect.fail("the bad record passed"),
        (thrown: Error) => thrown,
      );
      expect(error.message).to.contain(rawKeyForSnapshot(bad)).and.not.contain(rawKeyForSnapshot(good));
      expect(await listKeys(emulators.clients.s3, PROCESSED_BUCKET, processedKeyForSnapshot(good))).to.have.length(1);
      expect(await listKeys(emulators.clients.s3, PROCESSED_BUCKET, processedKeyForSnapshot(bad))).to.deep.equal([]);
    });

    it("fails on a raw object that is gone, naming bucket and key", async () => {
      const record = await putRaw(nextSnapshotTime(), "{}");
      const missing = rawKeyForSnapshot(nextSnapshotTime());
      const gone = { ...record, s3: { ...record.s3, object: { ...record.s3.object, key: encodeKeyLikeS3Events(missing) } } };
      await handler()(eventOf(gone)).then(
        () => expect.fail("a missing object was processed"),
        (error: Error) => expect(error.message).to.contain(`could not read s3://${RAW_BUCKET}/${missing}: NoSuchKey`),
      );
    });
  });

  it("refuses a codec the runtime cannot write at init, naming the setting", function () {
    if (zstdAvailable()) this.skip();
    expect(() => handler({ PARQUET_CODEC: "zstd" })).to.throw(/PARQUET_CODEC=zstd needs zstd/);
  });
});
