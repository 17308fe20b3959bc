/**
 * Nothing lost, nothing doubled: the three handlers against the stand-ins behind the
 * fault-injection proxy, with the SDK options Lambda's clients have (retries, timeouts). Every
 * scenario checks what a user would: the objects written, the tracking item, the metrics data
 * points per snapshot, the alerts on the topic, and what a failure says.
 */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import type { S3EventRecord } from "aws-lambda";
import { expect } from "chai";
import {
  awsErrors,
  cloudWatchClientFor,
  createTopicWithQueue,
  createTrackingTable,
  drainQueue,
  dynamoDbClientFor,
  type RecordedMetric,
  type RunningEmulators,
  s3ClientFor,
  snsClientFor,
  startEmulators,
} from "../../emulators";
import { generateSnapshot, type SnapshotGeneratorOptions } from "../../fixtures/snapshotGenerator";
import { createIngestionHandler } from "../../handlers/ingestion";
import { createProcessingHandler } from "../../handlers/processing";
import { createValidationHandler } from "../../handlers/validation";
import { awsClientOptions } from "../../handlers/shared/invocationDeadline";
import { createLogger } from "../../handlers/shared/logger";
import { processedKeyForSnapshot, rawKeyForSnapshot, snapshotIdForTime } from "../../handlers/shared/s3Keys";
import { readProcessingSettings, readValidationSettings } from "../../handlers/shared/settings";
import { createTrackingStore, type TrackingRecord } from "../../handlers/shared/tracking";
import { eventOf, nextSnapshotTime, putAndCaptureEvent } from "../support/stageEvents";

const RAW = "raw-bucket";
const PROCESSED = "processed-bucket";
const TABLE = "tracking";
type Services = "s3" | "dynamodb" | "cloudwatch" | "snsSqs" | "opensky";

describe("reliability: faults, retries and duplicate deliveries", function () {
  this.timeout(60_000);
  let emulators: RunningEmulators<Services>;
  let topic: { topicArn: string; queueUrl: string };
  let logs: Record<string, any>[] = [];
  let requestCount = 0;

  before(async () => {
    emulators = await startEmulators({
      services: ["s3", "dynamodb", "cloudwatch", "snsSqs", "opensky"],
      s3: { buckets: [RAW, PROCESSED] },
      faultInjection: true,
    });
    await createTrackingTable(emulators.clients.dynamodb, TABLE);
    topic = await createTopicWithQueue(emulators.clients.sns, emulators.clients.sqs, "alerts");
  });
  after(() => emulators.stop());
  beforeEach(async () => {
    logs = [];
    await drainQueue(emulators.clients.sqs, topic.queueUrl);
  });
  afterEach(() => Object.values(emulators.faults).forEach((proxy) => proxy.clear()));

  /** Clients as a function's: through the fault proxies, with Lambda's retries and timeouts (shortened). */
  const lambdaClients = () => {
    const options = { ...awsClientOptions(2_000), retryStrategy: undefined };
    return {
      s3: s3ClientFor(emulators.faults.s3!.endpoint, options),
      dynamodb: dynamoDbClientFor(emulators.faults.dynamodb!.endpoint, options),
      cloudwatch: cloudWatchClientFor(emulators.faults.cloudwatch!.endpoint, options),
      sns: snsClientFor(emulators.faults.snsSqs!.endpoint, options),
    };
  };
  const logger = () => createLogger({ level: "DEBUG", write: (line) => logs.push(JSON.parse(line)) });
  const context = (requestId = `request-${++requestCount}`, remainingMs = 30_000) => ({
    awsRequestId: requestId,
    getRemainingTimeInMillis: () => remainingMs,
  });

  const processing = (environment: Record<string, string> = {}, reserveMs?: number) =>
    createProcessingHandler({
      settings: readProcessingSettings({ PIPELINE_ENVIRONMENT: "test", TRACKING_TABLE: TABLE, RAW_BUCKET: RAW, PROCESSED_BUCKET: PROCESSED, ...environment }),
      ...lambdaClients(),
      logger: logger(),
      ...(reserveMs === undefined ? {} : { reserveMs }),
    });
  const validation = (environment: Record<string, string> = {}) =>
    createValidationHandler({
      settings: readValidationSettings({
        PIPELINE_ENVIRONMENT: "test",
        TRACKING_TABLE: TABLE,
        PROCESSED_BUCKET: PROCESSED,
        ALERT_TOPIC_ARN: topic.topicArn,
        CIRCUIT_BREAKER_THRESHOLD: "1000",
        ...environment,
      }),
      ...lambdaClients(),
      logger: logger(),
      sleep: async () => undefined,
    });

  const putRaw = async (options: Omit<SnapshotGeneratorOptions, "time"> = { seed: 1, stateCount: 300 }) => {
    const time = nextSnapshotTime();
    const { snapshot } = generateSnapshot({ ...options, time });
    const record = await putAndCaptureEvent(emulators.clients.s3, emulators.s3, RAW, rawKeyForSnapshot(time), JSON.stringify(snapshot));
    return { time, record };
  };
  /** The processed object's ObjectCreated records so far. */
  const parquetEvents = (time: number): S3EventRecord[] =>
    emulators.s3.events.filter((event) => decodeURIComponent(event.s3.object.key) === processedKeyForSnapshot(time));
  const processed = async (options?: Omit<SnapshotGeneratorOptions, "time">) => {
    const { time, record } = await putRaw(options);
    await processing()(eventOf(record), context());
    return { time, record: parquetEvents(time)[0]! };
  };
  const failing = () => processed({ seed: 2, stateCount: 1_000, defects: { "latitude-out-of-range": 0.08, "missing-icao24": 0.02 } });

  const tracked = (time: number, stage: "processing" | "validation" | "ingestion"): Promise<TrackingRecord | undefined> =>
    createTrackingStore({ dynamodb: emulators.clients.dynamodb, tableName: TABLE, ttlDays: 1 }).read(snapshotIdForTime(time), stage);
  /** Data points a snapshot's metrics put in CloudWatch, by metric name (and Check). */
  const dataPoints = (time: number): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const metric of emulators.cloudwatch.metrics.filter((datum: RecordedMetric) => datum.timestamp.getTime() === time * 1000)) {
      const name = metric.dimensions.Check ? `${metric.name}/${metric.dimensions.Check}` : metric.name;
      counts[name] = (counts[name] ?? 0) + 1;
    }
    return counts;
  };
  const alerts = async () => drainQueue(emulators.clients.sqs, topic.queueUrl);
  const expectEachOnce = (points: Record<string, number>, names: string[]) => {
    for (const name of names) expect(points[name], `${name} data points`).to.equal(1);
    expect(
      Object.values(points).every((count) => count === 1),
      JSON.stringify(points),
    ).to.equal(true);
  };
  const failureOf = (promise: Promise<unknown>): Promise<Error> =>
    promise.then(
      () => expect.fail("the invocation succeeded"),
      (error: Error) => error,
    );

  describe("CloudWatch out of service", () => {
    beforeEach(() =>
      emulators.faults.cloudwatch!.inject({ operation: "PutMetricData", fault: { kind: "status", ...awsErrors.json(503, "ServiceUnavailable") } }),
    );

    it("processing keeps the Parquet and succeeds; the failure is logged for the side-service alarm", async () => {
      const { time, record } = await putRaw();
      const [result] = await processing()(eventOf(record), context());
      expect(result).to.deep.include({ wroteParquet: true, writtenRows: 300 });
      expect(parquetEvents(time)).to.have.length(1);
      expect(await tracked(time, "processing")).to.deep.include({ status: "succeeded" });
      expect((await tracked(time, "processing"))?.details.metrics).to.equal("failed");
      const sideFailure = logs.find((line) => line.event === "side-service-failure");
      expect(sideFailure).to.deep.include({ level: "ERROR", service: "cloudwatch", snapshotId: snapshotIdForTime(time) });
      expect(sideFailure?.error?.name).to.equal("ServiceUnavailable");
    });

    it("validation still alerts on a failing snapshot, writes its report and succeeds", async () => {
      const { time, record } = await failing();
      const [result] = await validation()(eventOf(record), context());
      expect(result).to.deep.include({ passed: false, alertSent: "data-quality" });
      expect(await alerts()).to.have.length(1);
      expect(await tracked(time, "validation")).to.deep.include({ status: "succeeded" });
      expect(logs.some((line) => line.event === "side-service-failure" && line.service === "cloudwatch")).to.equal(true);
    });
  });

  describe("each effect once per snapshot and stage", () => {
    it("two containers handed the same raw event at the same moment: one Parquet write, one metric", async () => {
      for (let round = 0; round < 5; round++) {
        const { time, record } = await putRaw({ seed: 10 + round, stateCount: 400, defects: { "wrong-field-count": 0.01 } });
        const results = await Promise.all([processing(), processing(), processing()].map((handler) => handler(eventOf(record), context())));
        expect(parquetEvents(time), `round ${round}`).to.have.length(1);
        expect(results.flat().filter((result) => result.duplicate === undefined)).to.have.length(1);
        expectEachOnce(dataPoints(time), ["QuarantinedRows"]);
        expect(await tracked(time, "processing")).to.deep.include({ status: "succeeded", attempt: 1, duplicates: 2 });
      }
    });

    it("two containers handed the same Parquet event at the same moment: one report, one alert, one set of metrics", async () => {
      const { time, record } = await failing();
      const reportWritesBefore = emulators.faults.s3!.calls.filter((call) => call.operation === "PutObject" && call.url.includes("reports/")).length;
      await Promise.all([validation(), validation(), validation()].map((handler) => handler(eventOf(record), context())));
      const reportWrites = emulators.faults.s3!.calls.filter((call) => call.operation === "PutObject" && call.url.includes("reports/")).length;
      expect(reportWrites - reportWritesBefore).to.equal(1);
      expect(await alerts()).to.have.length(1);
      const points = dataPoints(time);
      expect(points.RecordsProcessed).to.equal(1);
      expect(points["CheckFailures/latitude_range"]).to.equal(1);
    });

    it("an event delivered twice, and one whose records repeat, publish each snapshot's metrics once", async () => {
      const { time, record } = await failing();
      const validate = validation();
      await validate(eventOf(record), context());
      await validate(eventOf(record, record), context());
      await validation()(eventOf(record), context());
      expect(dataPoints(time).RecordsProcessed).to.equal(1);
      expect(await alerts()).to.have.length(1);
      expect(await tracked(time, "validation")).to.deep.include({ status: "succeeded", attempt: 1, duplicates: 3 });
    });

    it("a multi-record event with one bad record, retried by Lambda: the good snapshots' metrics once, the bad one failed", async () => {
      const good = [await putRaw({ seed: 21, stateCount: 50 }), await putRaw({ seed: 22, stateCount: 60 })];
      const badTime = nextSnapshotTime();
      const bad = await putAndCaptureEvent(emulators.clients.s3, emulators.s3, RAW, rawKeyForSnapshot(badTime), "<html>502</html>");
      const event = eventOf(good[0]!.record, bad, good[1]!.record);
      const retried = context("lambda-request-1");
      for (let attempt = 1; attempt <= 3; attempt++) {
        const error = await failureOf(processing()(event, retried));
        expect(error.name).to.equal("UnreadableSnapshotError");
      }
      for (const { time } of good) {
        expectEachOnce(dataPoints(time), ["QuarantinedRows"]);
        expect(parquetEvents(time)).to.have.length(1);
        expect(await tracked(time, "processing")).to.deep.include({ status: "succeeded", attempt: 1 });
      }
      expect(await tracked(badTime, "processing")).to.deep.include({ status: "failed", attempt: 3 });
    });

    it("under STRICT_MODE Lambda's retries repeat the verdict without a second report, alert or metric", async () => {
      const { time, record } = await failing();
      const retried = context("lambda-request-strict");
      const errors = [];
      for (let attempt = 1; attempt <= 3; attempt++) errors.push(await failureOf(validation({ STRICT_MODE: "true" })(eventOf(record), retried)));
      expect(errors.map((error) => error.name)).to.deep.equal(["QualityGateError", "QualityGateError", "QualityGateError"]);
      expect(await alerts()).to.have.length(1);
      expect(dataPoints(time).RecordsProcessed).to.equal(1);
      expect(await tracked(time, "validation")).to.deep.include({ status: "rejected", attempt: 1, duplicates: 2 });
    });
  });

  describe("an alert that cannot be published", () => {
    it("is retried within the invocation and goes out, with no metric published twice", async () => {
      const { time, record } = await failing();
      emulators.faults.snsSqs!.inject({ operation: "Publish", times: 4, fault: { kind: "status", ...awsErrors.query(500, "InternalError") } });
      const [result] = await validation()(eventOf(record), context());
      expect(result?.alertSent).to.equal("data-quality");
      expect(await alerts()).to.have.length(1);
      expect(dataPoints(time).RecordsProcessed).to.equal(1);
    });

    it("fails the invocation when SNS stays down; Lambda's retry then sends it, and the metrics go out once", async () => {
      const { time, record } = await failing();
      emulators.faults.snsSqs!.inject({ operation: "Publish", fault: { kind: "status", ...awsErrors.query(500, "InternalError") } });
      const retried = context("lambda-request-sns");
      const error = await failureOf(validation()(eventOf(record), retried));
      expect(error.message).to.match(/could not publish the data-quality alert to .*InternalError/);
      expect(dataPoints(time).RecordsProcessed, "no metrics before the alert is out").to.equal(undefined);
      expect(await tracked(time, "validation")).to.deep.include({ status: "failed" });
      emulators.faults.snsSqs!.clear();

      const [result] = await validation()(eventOf(record), retried);
      expect(result?.alertSent).to.equal("data-quality");
      expect(await alerts()).to.have.length(1);
      expect(dataPoints(time).RecordsProcessed).to.equal(1);
      expect(await tracked(time, "validation")).to.deep.include({ status: "succeeded", attempt: 2 });
    });
  });

  describe("a dependency that hangs", () => {
    it("ends in a named deadline error before the function's timeout, and the item says failed", async () => {
      const { time, record } = await putRaw();
      emulators.faults.s3!.inject({ operation: "GetObject", fault: { kind: "hang" } });
      const handler = createProcessingHandler({
        settings: readProcessingSettings({ PIPELINE_ENVIRONMENT: "test", TRACKING_TABLE: TABLE, RAW_BUCKET: RAW, PROCESSED_BUCKET: PROCESSED }),
        ...lambdaClients(),
        s3: s3ClientFor(emulators.faults.s3!.endpoint, { maxAttempts: 3 }),
        logger: logger(),
        reserveMs: 1_000,
      });
      const started = Date.now();
      const error = await failureOf(handler(eventOf(record), context(undefined, 3_000)));
      expect(Date.now() - started, "ended before the 3 s timeout").to.be.below(3_000);
      expect(error.name).to.equal("DeadlineExceededError");
      expect(error.message).to.match(/still waiting for an answer to GetObject/);
      expect(await tracked(time, "processing")).to.deep.include({ status: "failed" });
      expect((await tracked(time, "processing"))?.errorMessage).to.match(/^DeadlineExceededError: .*GetObject/);
    });
  });

  describe("a lost response", () => {
    it("to ingestion's conditional write is recognised as its own write: stored, succeeded, counted once", async () => {
      const time = nextSnapshotTime();
      emulators.opensky.setSnapshot(generateSnapshot({ seed: 30, stateCount: 40, time }).snapshot);
      emulators.faults.s3!.inject({ operation: "PutObject", times: 1, fault: { kind: "drop-response" } });
      const ingest = createIngestionHandler({
        settings: {
          environment: "test",
          logLevel: "DEBUG",
          trackingTable: TABLE,
          trackingTtlDays: 1,
          rawBucket: RAW,
          openskyApiUrl: emulators.opensky.apiUrl,
          openskyTokenUrl: emulators.opensky.tokenUrl,
          extended: false,
          requestTimeoutMs: 5_000,
        },
        ...lambdaClients(),
        logger: logger(),
      });
      const result = await ingest({ time: new Date(time * 1000).toISOString() }, context());
      expect(result).to.deep.include({ stored: true, duplicate: false });
      expect(emulators.faults.s3!.calls.filter((call) => call.operation === "PutObject" && call.url.includes(`states_${time}`))).to.have.length(2);
      expect(await tracked(time, "ingestion")).to.deep.include({ status: "succeeded" });
      expect(emulators.cloudwatch.find("IngestionSnapshotsStored").filter((datum) => datum.value === 1).length).to.be.at.least(1);
      const raw = await emulators.clients.s3.send(new GetObjectCommand({ Bucket: RAW, Key: rawKeyForSnapshot(time) }));
      expect(JSON.parse(await raw.Body!.transformToString()).time).to.equal(time);
      expect(logs.find((line) => line.message === "stored snapshot")?.conditionalWriteRefusals).to.equal(1);
    });
  });

  it("leaves no report or Parquet half-written when the write itself fails, and says which write", async () => {
    const { time, record } = await putRaw();
    emulators.faults.s3!.inject({
      operation: "PutObject",
      fault: { kind: "status", ...awsErrors.s3(500, "InternalError", "We encountered an internal error.") },
    });
    const error = await failureOf(processing()(eventOf(record), context()));
    expect(error.message).to.contain(`could not write s3://${PROCESSED}/`).and.contain("InternalError");
    expect(parquetEvents(time)).to.have.length(0);
    expect(await tracked(time, "processing")).to.deep.include({ status: "failed" });
    expect(dataPoints(time)).to.deep.equal({});
  });
});
