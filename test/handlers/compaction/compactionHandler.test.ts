/**
 * The compaction handler end to end through the real SDK v3 clients: days seeded by the real
 * processing and validation handlers in s3rver, the daily files and quality lines read back, the
 * tracking items in dynalite. What a rerun, a late snapshot, expired inputs and a day too large do.
 */
import { DeleteObjectCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import type { S3EventRecord } from "aws-lambda";
import { expect } from "chai";
import { parquetMetadata } from "hyparquet";
import { createTrackingTable, startEmulators, type RunningEmulators } from "../../../emulators";
import { generateDay } from "../../../fixtures/dayGenerator";
import { createCompactionHandler, type CompactionHandler } from "../../../handlers/compaction";
import { BYTES_PER_ROW, rowBudget } from "../../../handlers/compaction/compactionBudget";
import { readCompactionSettings } from "../../../handlers/compaction/compactionSettings";
import { headObject, INPUTS_HASH_METADATA, writeCompactedObject } from "../../../handlers/compaction/compactionStorage";
import { COMPACTED_METADATA_KEYS } from "../../../handlers/compaction/compactedFile";
import { createProcessingHandler } from "../../../handlers/processing";
import { createLogger } from "../../../handlers/shared/logger";
import { contentHash } from "../../../handlers/shared/s3Objects";
import {
  addDays,
  compactedQualityKey,
  compactedStatesKey,
  dayStartTime,
  processedKeyForSnapshot,
  rawKeyForSnapshot,
  reportKeyForSnapshot,
  utcDayOfTime,
  type UtcDay,
} from "../../../handlers/shared/s3Keys";
import { readProcessingSettings, readValidationSettings } from "../../../handlers/shared/settings";
import type { RawSnapshot } from "../../../handlers/shared/stateVector";
import { createTrackingStore } from "../../../handlers/shared/tracking";
import { createValidationHandler } from "../../../handlers/validation";
import { eventOf, listKeys, putAndCaptureEvent } from "../../support/stageEvents";
import { arrayBufferOf, compactionOrder, rowsOf, type Row } from "../../support/compactionFixtures";

const RAW_BUCKET = "raw-bucket";
const BUCKET = "processed-bucket";
const TABLE = "tracking";
const STATES = 400;

describe("compaction handler against the emulators", function () {
  this.timeout(60_000);
  let emulators: RunningEmulators<"s3" | "dynamodb" | "cloudwatch">;
  const silent = createLogger({ level: "ERROR", write: () => undefined });
  // Recent days: the validation stage's metrics must be young enough for CloudWatch to take them.
  const today = utcDayOfTime(Math.floor(Date.now() / 1000));
  const day = addDays(today, -2);
  const dayBefore = addDays(day, -1);
  /** The scheduled run that follows `day`: 00:15 UTC the next day. */
  const scheduledEvent = { "detail-type": "Scheduled Event", source: "aws.events", time: `${addDays(day, 1)}T00:15:00Z`, detail: {} };

  before(async () => {
    emulators = await startEmulators({ services: ["s3", "dynamodb", "cloudwatch"], s3: { buckets: [RAW_BUCKET, BUCKET] } });
    await createTrackingTable(emulators.clients.dynamodb, TABLE);
  });
  after(() => emulators.stop());

  const environment = { PIPELINE_ENVIRONMENT: "test", LOG_LEVEL: "ERROR", TRACKING_TABLE: TABLE, RAW_BUCKET, PROCESSED_BUCKET: BUCKET };
  const clients = () => ({ s3: emulators.clients.s3, dynamodb: emulators.clients.dynamodb, cloudwatch: emulators.clients.cloudwatch, logger: silent });

  const compaction = (settings: Record<string, string> = {}): CompactionHandler =>
    createCompactionHandler({
      settings: readCompactionSettings({ ...environment, COMPACTION_LOOKBACK_DAYS: "3", AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "3008", ...settings }),
      ...clients(),
    });

  /** Raw object → the processing handler → the validation handler, as the bucket notifications would chain them. */
  async function seed(snapshots: readonly RawSnapshot[]): Promise<void> {
    const processing = createProcessingHandler({ settings: readProcessingSettings(environment), ...clients() });
    const validation = createValidationHandler({ settings: readValidationSettings(environment), ...clients() });
    for (const snapshot of snapshots) {
      const rawRecord = await putAndCaptureEvent(emulators.clients.s3, emulators.s3, RAW_BUCKET, rawKeyForSnapshot(snapshot.time), JSON.stringify(snapshot));
      const processed: S3EventRecord[] = [];
      const unsubscribe = emulators.s3.onEvent((event) =>
        processed.push(...event.Records.filter((record) => record.s3.bucket.name === BUCKET && record.s3.object.key.startsWith("processed/"))),
      );
      try {
        await processing(eventOf(rawRecord));
      } finally {
        unsubscribe();
      }
      await validation(eventOf(...processed));
    }
  }

  const readBytes = async (key: string): Promise<Uint8Array> => {
    const object = await emulators.clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return object.Body!.transformToByteArray();
  };

  /** Every row of the day's processed files, in compaction order. */
  async function expectedRows(target: UtcDay): Promise<Row[]> {
    const keys = (await listKeys(emulators.clients.s3, BUCKET, "processed/")).filter((key) => utcDayOfTime(Number(/states_(\d+)/.exec(key)?.[1])) === target);
    keys.sort((a, b) => Number(/states_(\d+)/.exec(a)?.[1]) - Number(/states_(\d+)/.exec(b)?.[1]));
    return compactionOrder((await Promise.all(keys.map(async (key) => rowsOf(await readBytes(key))))).flat());
  }

  const snapshotTimesOf = (bytes: Uint8Array): number[] =>
    JSON.parse(parquetMetadata(arrayBufferOf(bytes)).key_value_metadata?.find((entry) => entry.key === COMPACTED_METADATA_KEYS.snapshotTimes)?.value ?? "null");

  const compactedEvents = (key: string) => emulators.s3.events.filter((record) => decodeURIComponent(record.s3.object.key) === key).length;

  const tracking = () => createTrackingStore({ dynamodb: emulators.clients.dynamodb, tableName: TABLE, ttlDays: 1 });

  const daySnapshots = generateDay({ seed: 21, firstTime: dayStartTime(day) + 3_600, snapshots: 12, statesPerSnapshot: STATES, missing: [5] });
  const lateSnapshot = generateDay({ seed: 21, firstTime: dayStartTime(day) + 3_600, snapshots: 12, statesPerSnapshot: STATES })[5];
  let firstBytes: Uint8Array;

  it("compacts the day just ended and the lookback days from the schedule's event, sorted, tracked, with the day's quality lines", async () => {
    await seed(daySnapshots);
    await seed(generateDay({ seed: 22, firstTime: dayStartTime(dayBefore) + 7_200, snapshots: 2, statesPerSnapshot: STATES }));

    const result = await compaction()(scheduledEvent, { awsRequestId: "req-1" });

    expect(result.days.map(({ day: compacted, status }) => [compacted, status])).to.deep.equal([
      [addDays(day, -2), "no-input"],
      [dayBefore, "compacted"],
      [day, "compacted"],
    ]);
    const outcome = result.days[2];
    expect(outcome).to.deep.include({ inputFiles: 11, reports: 11, rows: 11 * STATES, rowGroups: 1, write: "written", statesKey: compactedStatesKey(day) });
    firstBytes = await readBytes(compactedStatesKey(day));
    expect(await rowsOf(firstBytes)).to.deep.equal(await expectedRows(day));
    expect(snapshotTimesOf(firstBytes)).to.deep.equal(daySnapshots.map((snapshot) => snapshot.time));

    const tracked = await tracking().read(day, "compaction");
    expect(tracked).to.deep.include({ status: "succeeded", requestId: "req-1", attempt: 1 });
    expect(tracked?.counts).to.deep.include({ inputFiles: 11, rows: 11 * STATES, compactedBytes: firstBytes.length });
    expect(tracked?.s3Keys).to.deep.equal({ compacted: compactedStatesKey(day), quality: compactedQualityKey(day) });

    const lines = Buffer.from(await readBytes(compactedQualityKey(day)))
      .toString("utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).to.have.length(11);
    const report = JSON.parse(Buffer.from(await readBytes(reportKeyForSnapshot(daySnapshots[0].time))).toString("utf8"));
    expect(lines[0]).to.deep.include({
      snapshot_time: new Date(daySnapshots[0].time * 1000).toISOString().replace("T", " ").replace("Z", ""),
      quality_score: report.scores.qualityScore,
      passed: report.passed,
      input_rows: STATES,
    });
  });

  it("does nothing for a day whose files are unchanged, and writes the same bytes to the same key when the file is made again", async () => {
    const events = compactedEvents(compactedStatesKey(day));
    const again = await compaction()(scheduledEvent);
    expect(again.days.map(({ status }) => status)).to.deep.equal(["no-input", "unchanged", "unchanged"]);
    expect(compactedEvents(compactedStatesKey(day)), "a write of an unchanged day").to.equal(events);

    await emulators.clients.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: compactedStatesKey(day) }));
    const remade = await compaction()({ days: [day] });
    expect(remade.days[0]).to.deep.include({ status: "compacted", write: "written" });
    expect(contentHash(await readBytes(compactedStatesKey(day)))).to.equal(contentHash(firstBytes));
  });

  it("compacts the day again when a snapshot arrives after it was compacted", async () => {
    await seed([lateSnapshot]);
    const result = await compaction()(scheduledEvent);
    expect(result.days.map(({ status }) => status)).to.deep.equal(["no-input", "unchanged", "compacted"]);
    expect(result.days[2]).to.deep.include({ inputFiles: 12, rows: 12 * STATES, write: "written" });
    const bytes = await readBytes(compactedStatesKey(day));
    expect(snapshotTimesOf(bytes)).to.include(lateSnapshot.time).and.to.have.length(12);
    expect(await rowsOf(bytes)).to.deep.equal(await expectedRows(day));
    expect((await tracking().read(day, "compaction"))?.attempt, "tracked again").to.equal(3);
  });

  it("keeps the daily file when retention has removed its inputs, and refuses to drop their rows when a new snapshot arrives too", async () => {
    const before = await readBytes(compactedStatesKey(day));
    for (const snapshot of daySnapshots.slice(0, 2)) {
      await emulators.clients.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: processedKeyForSnapshot(snapshot.time) }));
    }
    const kept = await compaction()({ days: [day] });
    expect(kept.days[0]).to.deep.include({ status: "inputs-expired", inputFiles: 10 });
    expect(contentHash(await readBytes(compactedStatesKey(day)))).to.equal(contentHash(before));

    await seed(generateDay({ seed: 23, firstTime: dayStartTime(day) + 80_000, snapshots: 1, statesPerSnapshot: STATES }));
    let failure: Error | undefined;
    try {
      await compaction()({ days: [day] });
    } catch (error) {
      failure = error as Error;
    }
    expect(failure?.name).to.equal("CompactionInputsMissingError");
    expect(failure?.message).to.contain(`day ${day}`).and.contain("gone from processed/");
    expect(contentHash(await readBytes(compactedStatesKey(day))), "the daily file is untouched").to.equal(contentHash(before));
    expect((await tracking().read(day, "compaction"))?.status).to.equal("failed");
  });

  it("fails a day too large for the function's memory before reading it, naming the day and the setting to raise", async () => {
    const largeDay = addDays(day, -4);
    await seed(generateDay({ seed: 24, firstTime: dayStartTime(largeDay) + 600, snapshots: 2, statesPerSnapshot: STATES }));
    let failure: (Error & { rows?: number; budgetRows?: number }) | undefined;
    try {
      await compaction({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "128" })({ days: [largeDay] });
    } catch (error) {
      failure = error as Error;
    }
    expect(failure?.name).to.equal("CompactionTooLargeError");
    expect(failure?.message).to.contain(`day ${largeDay} has 800 rows`).and.contain("lambdaConfig.compaction.memorySize");
    expect(failure).to.deep.include({ rows: 2 * STATES, budgetRows: 0 });
    expect(await listKeys(emulators.clients.s3, BUCKET, compactedStatesKey(largeDay)), "nothing written").to.deep.equal([]);
    expect((await tracking().read(largeDay, "compaction"))?.status).to.equal("failed");
  });

  it("has room for a global day (288 × 6,500 rows) at the default 3008 MB, and refuses one ten times larger", () => {
    const globalDay = 288 * 6_500;
    expect(rowBudget(3008)).to.be.at.least(2 * globalDay);
    expect(rowBudget(3008)).to.be.below(10 * globalDay);
    expect(rowBudget(10_240) * BYTES_PER_ROW, "the largest Lambda still holds the budget it allows").to.be.below(10_240 * 2 ** 20);
  });

  it("stops between days when the invocation runs short of time, naming the days left for the retry", async () => {
    let failure: (Error & { days?: string[] }) | undefined;
    try {
      await compaction()({ days: [dayBefore, day, today] }, { getRemainingTimeInMillis: () => 5_000 });
    } catch (error) {
      failure = error as Error;
    }
    expect(failure?.name).to.equal("CompactionOutOfTimeError");
    expect(failure?.days).to.deep.equal([day, today]);
  });

  it("refuses a request that names no day it can compact", async () => {
    for (const event of [{}, { days: ["2026-02-30"] }, { from: "2026-11-26", to: "2026-11-01" }, { from: "2026-01-01", to: "2026-12-31" }]) {
      let failure: Error | undefined;
      try {
        await compaction()(event);
      } catch (error) {
        failure = error as Error;
      }
      expect(failure?.name, JSON.stringify(event)).to.equal("BadCompactionRequestError");
    }
  });

  it("replaces only the metadata of a daily file whose bytes are the same but whose inputs changed", async () => {
    const key = compactedStatesKey(day);
    const existing = await headObject(emulators.clients.s3, BUCKET, key);
    const bytes = await readBytes(key);
    const outcome = await writeCompactedObject(
      emulators.clients.s3,
      BUCKET,
      { key, body: bytes, contentType: "application/vnd.apache.parquet", inputsHash: "another-set" },
      existing,
    );
    expect(outcome).to.equal("metadata-replaced");
    expect((await headObject(emulators.clients.s3, BUCKET, key))?.metadata[INPUTS_HASH_METADATA]).to.equal("another-set");
    expect(contentHash(await readBytes(key))).to.equal(contentHash(bytes));
  });
});
