/**
 * The validation handler end to end through the real SDK v3 clients: Parquet in s3rver and the
 * event it fired, the report back in s3rver, metrics decoded by the CloudWatch stand-in, alerts
 * published to an SNS topic (fauxqs) and received on an SQS queue subscribed to it, tracking and
 * the circuit breaker in dynalite.
 */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { createTopicWithQueue, createTrackingTable, drainQueue, parseSnsEnvelope, startEmulators, type RunningEmulators } from "../../../emulators";
import { generateSnapshot, type SnapshotGeneratorOptions } from "../../../fixtures/snapshotGenerator";
import { transformSnapshot } from "../../../handlers/processing/transformSnapshot";
import { createLogger } from "../../../handlers/shared/logger";
import { parquetCompression } from "../../../handlers/shared/parquetCodecs";
import { processedKeyForSnapshot, rawKeyForSnapshot, reportKeyForSnapshot, snapshotIdForTime } from "../../../handlers/shared/s3Keys";
import { readValidationSettings } from "../../../handlers/shared/settings";
import { createTrackingStore } from "../../../handlers/shared/tracking";
import { createValidationHandler } from "../../../handlers/validation";
import { createQualityChecks } from "../../../handlers/validation/qualityChecks";
import type { ValidationReport } from "../../../handlers/validation/validationReport";
import { eventOf, listKeys, nextSnapshotTime, putAndCaptureEvent } from "../../support/stageEvents";

const QUALITY_CHECKS = createQualityChecks();

const BUCKET = "processed-bucket";
const PARQUET = { ...parquetCompression("snappy", 6), rowGroupSize: 100_000 };

type Services = "s3" | "dynamodb" | "snsSqs" | "cloudwatch";

describe("validation handler against the emulators", function () {
  this.timeout(20_000);
  let emulators: RunningEmulators<Services>;
  let topic: { topicArn: string; queueUrl: string };
  let tableCount = 0;
  let table = "";

  before(async () => {
    emulators = await startEmulators({ services: ["s3", "dynamodb", "snsSqs", "cloudwatch"], s3: { buckets: [BUCKET] } });
    topic = await createTopicWithQueue(emulators.clients.sns, emulators.clients.sqs, "quality-alerts");
  });
  after(() => emulators.stop());

  /** Each test starts with its own tracking table, so its circuit breaker starts closed. */
  beforeEach(async () => {
    table = `tracking-${++tableCount}`;
    await createTrackingTable(emulators.clients.dynamodb, table);
    await drainQueue(emulators.clients.sqs, topic.queueUrl);
    emulators.cloudwatch.clear();
  });

  const handler = (environment: Record<string, string> = {}, sns = () => emulators.clients.sns) =>
    createValidationHandler({
      settings: readValidationSettings({
        PIPELINE_ENVIRONMENT: "test",
        TRACKING_TABLE: table,
        PROCESSED_BUCKET: BUCKET,
        ALERT_TOPIC_ARN: topic.topicArn,
        ...environment,
      }),
      s3: emulators.clients.s3,
      dynamodb: emulators.clients.dynamodb,
      cloudwatch: emulators.clients.cloudwatch,
      sns,
      logger: createLogger({ level: "ERROR", write: () => undefined }),
      sleep: async () => undefined,
    });

  /** Processes a generated snapshot as the processing stage would and stores its Parquet, returning the event. */
  const storeProcessed = async (options: Omit<SnapshotGeneratorOptions, "time">) => {
    const time = nextSnapshotTime();
    const { snapshot } = generateSnapshot({ ...options, time });
    const transformed = transformSnapshot(rawKeyForSnapshot(time), JSON.stringify(snapshot), PARQUET);
    const record = await putAndCaptureEvent(emulators.clients.s3, emulators.s3, BUCKET, transformed.parquet.key, transformed.parquet.body);
    return { time, record };
  };
  const passing = () => storeProcessed({ seed: 1, stateCount: 2_000 });
  const failing = () => storeProcessed({ seed: 2, stateCount: 2_000, defects: { "latitude-out-of-range": 0.08, "missing-icao24": 0.02 } });

  const alerts = async (): Promise<ReturnType<typeof parseSnsEnvelope>[]> => (await drainQueue(emulators.clients.sqs, topic.queueUrl)).map(parseSnsEnvelope);

  const readReport = async (time: number): Promise<ValidationReport> => {
    const object = await emulators.clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: reportKeyForSnapshot(time) }));
    return JSON.parse(await object.Body!.transformToString()) as ValidationReport;
  };

  it("logs the alert instead of publishing it when the stack has no alert topic", async () => {
    const lines: string[] = [];
    const { record } = await failing();
    const settings = readValidationSettings({ PIPELINE_ENVIRONMENT: "test", TRACKING_TABLE: table, PROCESSED_BUCKET: BUCKET });
    expect(settings.alertTopicArn).to.equal(undefined);
    const withoutTopic = createValidationHandler({
      settings,
      s3: emulators.clients.s3,
      dynamodb: emulators.clients.dynamodb,
      cloudwatch: emulators.clients.cloudwatch,
      logger: createLogger({ level: "WARN", write: (line) => lines.push(line) }),
    });
    const [result] = await withoutTopic(eventOf(record));
    expect(result.passed).to.equal(false);
    expect(await alerts()).to.deep.equal([]);
    const logged = lines.map((line) => JSON.parse(line)).find((entry) => entry.alert !== undefined);
    expect(logged?.level).to.equal("WARN");
    expect(logged?.alert.kind).to.equal("data-quality");
    expect(logged?.alert.message).to.match(/latitude_range/);
  });

  it("writes the report and publishes the metrics of a passing snapshot, and sends no alert", async () => {
    const { time, record } = await passing();
    const [result] = await handler()(eventOf(record), { awsRequestId: "req-7" });

    expect(result).to.deep.include({ passed: true, reportKey: reportKeyForSnapshot(time), breakerAction: "none" });
    const report = await readReport(time);
    expect(report).to.deep.include({ snapshotTime: time, passed: true, breaches: [], environment: "test" });
    expect(report.objects).to.deep.equal({ bucket: BUCKET, raw: rawKeyForSnapshot(time), processed: processedKeyForSnapshot(time), quarantine: null });
    expect(report.checks.map((check) => check.name)).to.deep.equal(QUALITY_CHECKS.map((check) => check.name));
    expect(report.emergencySquawks.map((emergency) => emergency.squawk).sort()).to.deep.equal(["7500", "7600", "7700"]);

    const metric = (name: string) => emulators.cloudwatch.find(name, { Environment: "test" });
    expect(metric("DataQualityScore")[0]).to.deep.include({ namespace: "FlightDataPipeline", unit: "Percent" });
    expect(metric("DataQualityScore")[0]?.value).to.be.closeTo(report.scores.qualityScore * 100, 1e-9);
    expect(metric("CompletenessScore")[0]?.value).to.be.closeTo(report.scores.completeness * 100, 1e-9);
    expect(metric("ErrorRate")[0]).to.deep.include({ unit: "Percent" });
    expect(metric("RecordsProcessed")[0]).to.deep.include({ value: 2_000, unit: "Count" });
    expect(metric("EmergencySquawks")[0]).to.deep.include({ value: 3, unit: "Count" });
    expect(metric("ContactStalenessSeconds")[0]).to.deep.include({ unit: "Seconds" });
    expect(metric("DataQualityScore")[0]?.timestamp.getTime()).to.equal(time * 1000);
    for (const check of QUALITY_CHECKS) {
      const failures = emulators.cloudwatch.find("CheckFailures", { Environment: "test", Check: check.name });
      expect(failures, check.name).to.have.length(1);
      expect(failures[0]?.value).to.equal(report.checks.find((candidate) => candidate.name === check.name)?.failing);
    }
    expect(emulators.cloudwatch.acceptedRequests).to.equal(1);

    expect(await alerts()).to.deep.equal([]);
    const tracked = await createTrackingStore({ dynamodb: emulators.clients.dynamodb, tableName: table, ttlDays: 1 }).read(
      snapshotIdForTime(time),
      "validation",
    );
    expect(tracked).to.deep.include({ status: "succeeded", requestId: "req-7" });
    expect(tracked?.s3Keys).to.deep.equal({ processed: processedKeyForSnapshot(time), report: reportKeyForSnapshot(time) });
  });

  it("alerts through SNS on a failing snapshot: which checks failed, how many rows, which aircraft, which key", async () => {
    const { time, record } = await failing();
    const [result] = await handler()(eventOf(record));

    expect(result).to.deep.include({ passed: false, breakerAction: "alert", alertSent: "data-quality" });
    const received = await alerts();
    expect(received).to.have.length(1);
    const alert = received[0]!;
    expect(alert.Subject).to.match(/^\[test\] Flight data quality below threshold for snapshot /);
    expect(alert.MessageAttributes?.kind?.Value).to.equal("data-quality");
    const report = await readReport(time);
    expect(alert.Message).to.contain(`error rate ${report.scores.errorRate.toFixed(4)} > 0.05`);
    expect(alert.Message).to.contain(`s3://${BUCKET}/${processedKeyForSnapshot(time)}`);
    expect(alert.Message).to.contain(reportKeyForSnapshot(time));
    const latitude = report.checks.find((check) => check.name === "latitude_range")!;
    expect(latitude.failing).to.equal(160);
    expect(alert.Message).to.contain(`- latitude_range (hard): 160 of ${latitude.applicable} rows failed`);
    expect(alert.Message).to.contain(`e.g. icao24 ${latitude.sampleIcao24.join(", ")}`);
    expect(alert.Message).to.contain("- field_types (hard): 40 of 2000 rows failed");
  });

  it("makes its SNS client at the first alert, not at init, and once per container", async () => {
    let made = 0;
    const validate = handler({}, () => {
      made += 1;
      return emulators.clients.sns;
    });
    await validate(eventOf((await passing()).record));
    expect(made, "a passing snapshot needs no SNS client").to.equal(0);
    await validate(eventOf((await failing()).record));
    await validate(eventOf((await failing()).record));
    expect(made).to.equal(1);
    expect(await alerts()).to.have.length(2);
  });

  it("with STRICT_MODE also fails the invocation, after reporting and alerting", async () => {
    const { time, record } = await failing();
    const error: Error = await handler({ STRICT_MODE: "true" })(eventOf(record)).then(
      () => expect.fail("a failing snapshot passed in strict mode"),
      (thrown: Error) => thrown,
    );
    expect(error.name).to.equal("QualityGateError");
    expect(error.message).to.match(new RegExp(`^snapshot ${processedKeyForSnapshot(time)} breaks the data-quality thresholds \\(STRICT_MODE\\): error rate`));
    expect((await readReport(time)).passed).to.equal(false);
    expect(await alerts()).to.have.length(1);
    const tracked = await createTrackingStore({ dynamodb: emulators.clients.dynamodb, tableName: table, ttlDays: 1 }).read(
      snapshotIdForTime(time),
      "validation",
    );
    expect(tracked).to.deep.include({ status: "rejected", errorMessage: error.message });

    const retried: Error = await handler({ STRICT_MODE: "true" })(eventOf(record)).then(
      () => expect.fail("the retry of a rejected snapshot passed"),
      (thrown: Error) => thrown,
    );
    expect(retried, "Lambda's retry repeats the verdict").to.deep.include({ name: "QualityGateError", message: error.message });
    expect(await alerts(), "and alerts no more").to.have.length(0);
    expect(
      await createTrackingStore({ dynamodb: emulators.clients.dynamodb, tableName: table, ttlDays: 1 }).read(snapshotIdForTime(time), "validation"),
    ).to.deep.include({ status: "rejected", attempt: 1, duplicates: 1 });

    const passed = await passing();
    expect((await handler({ STRICT_MODE: "true" })(eventOf(passed.record)))[0]?.passed).to.equal(true);
  });

  it("opens the circuit after the threshold with one alert, stays quiet, and closes with one notice", async () => {
    const validate = handler({ CIRCUIT_BREAKER_THRESHOLD: "2" });
    const actions: string[] = [];
    for (const snapshot of [failing, failing, failing, failing, passing, passing]) {
      const { record } = await snapshot();
      actions.push((await validate(eventOf(record)))[0]!.breakerAction);
    }
    expect(actions).to.deep.equal(["alert", "open", "suppressed", "suppressed", "close", "none"]);
    const kinds = (await alerts()).map((alert) => alert.MessageAttributes?.kind?.Value);
    expect(kinds).to.deep.equal(["data-quality", "circuit-open", "circuit-closed"]);
  });

  it("does not alert twice when the same object's event arrives twice", async () => {
    const { record } = await failing();
    await handler()(eventOf(record, record));
    expect(await alerts()).to.have.length(1);
  });

  it("when the alert cannot be published, fails and leaves the breaker so the retry alerts", async () => {
    const { record } = await failing();
    const missingTopic = `${topic.topicArn}-missing`;
    await handler({ ALERT_TOPIC_ARN: missingTopic, CIRCUIT_BREAKER_THRESHOLD: "1" })(eventOf(record)).then(
      () => expect.fail("the publish failure was swallowed"),
      (error: Error) => expect(error.message).to.contain(`could not publish the circuit-open alert to ${missingTopic}`),
    );
    const [retried] = await handler({ CIRCUIT_BREAKER_THRESHOLD: "1" })(eventOf(record));
    expect(retried?.alertSent).to.equal("circuit-open");
    expect(await alerts()).to.have.length(1);
  });

  describe("objects it cannot validate: the error a user sees, and no report", () => {
    const cases: [string, (time: number) => Uint8Array | string, RegExp][] = [
      ["text that is not Parquet", () => "this is not a parquet file", /parquet file invalid \(footer != PAR1\)/],
      [
        "a Parquet file cut short",
        (time) => {
          const { snapshot } = generateSnapshot({ seed: 3, stateCount: 100, time });
          const body = transformSnapshot(rawKeyForSnapshot(time), JSON.stringify(snapshot), PARQUET).parquet.body as Uint8Array;
          return body.slice(0, body.length - 100);
        },
        /parquet file invalid/,
      ],
    ];
    for (const [what, body, reason] of cases) {
      it(`fails on ${what}, naming the key`, async () => {
        const time = nextSnapshotTime();
        const key = processedKeyForSnapshot(time);
        const record = await putAndCaptureEvent(emulators.clients.s3, emulators.s3, BUCKET, key, body(time));
        const error: Error = await handler()(eventOf(record)).then(
          () => expect.fail("validated"),
          (thrown: Error) => thrown,
        );
        expect(error.name).to.equal("UnreadableParquetError");
        expect(error.message).to.match(new RegExp(`^processed snapshot ${key.replace(/[.]/g, "\\.")} cannot be validated: `));
        expect(error.message).to.match(reason);
        expect(await listKeys(emulators.clients.s3, BUCKET, reportKeyForSnapshot(time))).to.deep.equal([]);
        expect(await alerts()).to.deep.equal([]);
      });
    }

    it("fails on a Parquet file the processing stage did not write, naming what is missing", async () => {
      const time = nextSnapshotTime();
      const { parquetWriteBuffer } = await import("hyparquet-writer");
      const foreign = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: "icao24", data: ["abc123"], type: "STRING", nullable: false }] }));
      const key = processedKeyForSnapshot(time);
      const record = await putAndCaptureEvent(emulators.clients.s3, emulators.s3, BUCKET, key, foreign);
      await handler()(eventOf(record)).then(
        () => expect.fail("validated"),
        (error: Error) => expect(error.message).to.equal(`processed snapshot ${key} cannot be validated: the file has no column callsign`),
      );
    });

    it("fails on a key that is not a processed snapshot key", async () => {
      const record = await putAndCaptureEvent(emulators.clients.s3, emulators.s3, BUCKET, "processed/notes.parquet", "x");
      await handler()(eventOf(record)).then(
        () => expect.fail("validated"),
        (error: Error) => expect(error.message).to.match(/^processed snapshot processed\/notes\.parquet cannot be validated: S3 key .* is not a pipeline key/),
      );
    });
  });
});
