/**
 * The ingestion handler end to end through the real SDK v3 clients: OpenSky stand-in → S3
 * (s3rver) → DynamoDB (dynalite) → CloudWatch stand-in, credentials from the Secrets Manager
 * stand-in. Timeouts and backoffs are shrunk through the injected settings so the suite stays fast.
 */
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { createIngestionHandler, type IngestionDependencies, INGESTION_METRICS } from "../../../handlers/ingestion";
import type { RetryPolicy } from "../../../handlers/ingestion/fetchSnapshot";
import { createLogger } from "../../../handlers/shared/logger";
import type { IngestionSettings } from "../../../handlers/shared/settings";
import type { RawSnapshot } from "../../../handlers/shared/stateVector";
import { createTrackingStore } from "../../../handlers/shared/tracking";
import { createTrackingTable, openSkyFailures, type RunningEmulators, startEmulators } from "../../../emulators";
import { sampleSnapshot } from "../../support/sampleSnapshot";

const RAW_BUCKET = "raw-bucket";
const TABLE = "tracking";
const SECRET_NAME = "opensky/pipeline-client";
const CLIENT = { clientId: "pipeline-client", clientSecret: "correct-horse" };
const FAST_RETRIES: RetryPolicy = { retries: 3, baseDelayMs: 20, maxDelayMs: 80, minAttemptMs: 50 };

type Services = "s3" | "dynamodb" | "cloudwatch" | "secretsManager" | "opensky";

describe("ingestion handler against the emulators", function () {
  this.timeout(20_000);
  let emulators: RunningEmulators<Services>;
  let secretArn: string;
  let nextTime = 1766888059;
  const sleeps: number[] = [];
  let logLines: Record<string, unknown>[] = [];

  before(async () => {
    emulators = await startEmulators({
      services: ["s3", "dynamodb", "cloudwatch", "secretsManager", "opensky"],
      s3: { buckets: [RAW_BUCKET] },
      opensky: { clients: { [CLIENT.clientId]: CLIENT.clientSecret } },
    });
    secretArn = emulators.secretsManager.putSecret(SECRET_NAME, JSON.stringify(CLIENT));
    await createTrackingTable(emulators.clients.dynamodb, TABLE);
  });
  after(() => emulators.stop());

  /** A fresh snapshot time per test, five minutes apart, so no two tests share a raw key. */
  const serveNewSnapshot = (build: (time: number) => RawSnapshot = sampleSnapshot): RawSnapshot => {
    nextTime += 300;
    const snapshot = build(nextTime);
    emulators.opensky.setSnapshot(snapshot);
    return snapshot;
  };

  const settings = (overrides: Partial<IngestionSettings> = {}): IngestionSettings => ({
    environment: "test",
    logLevel: "DEBUG",
    trackingTable: TABLE,
    trackingTtlDays: 30,
    rawBucket: RAW_BUCKET,
    openskyApiUrl: emulators.opensky.apiUrl,
    openskyTokenUrl: emulators.opensky.tokenUrl,
    openskyCredentialsSecretArn: secretArn,
    extended: false,
    requestTimeoutMs: 300,
    ...overrides,
  });

  const handlerWith = (overrides: Partial<IngestionSettings> = {}, deps: Partial<IngestionDependencies> = {}) => {
    logLines = [];
    sleeps.length = 0;
    return createIngestionHandler({
      settings: settings(overrides),
      s3: emulators.clients.s3,
      dynamodb: emulators.clients.dynamodb,
      cloudwatch: emulators.clients.cloudwatch,
      secretsManager: emulators.clients.secretsManager,
      retryPolicy: FAST_RETRIES,
      reserveMs: 100,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      logger: createLogger({
        level: "DEBUG",
        fields: { stage: "ingestion" },
        write: (line) => logLines.push(JSON.parse(line) as Record<string, unknown>),
      }),
      ...deps,
    });
  };

  /** A Lambda context with `ms` left, counting down in real time. */
  const contextWith = (ms: number, awsRequestId = "req-1") => {
    const deadline = Date.now() + ms;
    return { awsRequestId, getRemainingTimeInMillis: () => deadline - Date.now() };
  };

  const tracking = () => createTrackingStore({ dynamodb: emulators.clients.dynamodb, tableName: TABLE, ttlDays: 30 });
  const rawKeys = async () => ((await emulators.clients.s3.send(new ListObjectsV2Command({ Bucket: RAW_BUCKET }))).Contents ?? []).map((object) => object.Key);
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );

  it("stores a snapshot as received, tracks it, and publishes its metrics", async () => {
    emulators.cloudwatch.clear();
    const snapshot = serveNewSnapshot();
    const handler = handlerWith();
    const result = await handler({ time: new Date(nextTime * 1000).toISOString() }, contextWith(5_000));

    const key = `raw/year=2025/month=12/day=28/hour=${String(new Date(nextTime * 1000).getUTCHours()).padStart(2, "0")}/states_${nextTime}.json`;
    expect(result).to.deep.equal({ snapshotId: String(nextTime), key, states: 4, stored: true, duplicate: false, rateLimited: false });

    const object = await emulators.clients.s3.send(new GetObjectCommand({ Bucket: RAW_BUCKET, Key: key }));
    expect(await object.Body?.transformToString()).to.equal(JSON.stringify(snapshot));
    expect(object.ContentType).to.equal("application/json");
    const event = emulators.s3.events.at(-1);
    expect(event?.eventName).to.equal("ObjectCreated:Put");
    expect(event?.s3.object.key).to.equal(key.replace(/=/g, "%3D"));

    const record = await tracking().read(String(nextTime), "ingestion");
    expect(record).to.deep.include({ status: "succeeded", attempt: 1, requestId: "req-1" });
    expect(record?.counts).to.deep.include({ states: 4, attempts: 1 });
    expect(record?.s3Keys).to.deep.equal({ raw: key });

    const remaining = emulators.cloudwatch.find(INGESTION_METRICS.rateLimitRemaining, { Environment: "test" });
    expect(remaining).to.have.length(1);
    expect(remaining[0]?.value).to.equal(4000 - 4);
    expect(remaining[0]?.namespace).to.equal("FlightDataPipeline");
    expect(emulators.cloudwatch.find(INGESTION_METRICS.statesIngested)[0]?.value).to.equal(4);
    expect(emulators.cloudwatch.find(INGESTION_METRICS.snapshotsStored)[0]?.value).to.equal(1);
    expect(emulators.cloudwatch.find(INGESTION_METRICS.duration)[0]?.unit).to.equal("Milliseconds");

    const request = emulators.opensky.stateRequests().at(-1);
    expect(request?.authorization).to.match(/^Bearer opensky-emulator-/);
    expect(request?.query).to.deep.equal({});
    expect(logLines.length).to.be.greaterThan(0);
    for (const line of logLines) expect(line).to.include({ snapshotId: String(nextTime), requestId: "req-1" });
  });

  it("stores the same snapshot once when fired twice", async () => {
    serveNewSnapshot();
    const handler = handlerWith();
    const eventsBefore = emulators.s3.events.length;
    const first = await handler({}, contextWith(5_000, "req-a"));
    const second = await handler({}, contextWith(5_000, "req-b"));

    expect(first).to.include({ stored: true, duplicate: false });
    expect(second).to.include({ stored: false, duplicate: true, key: first.key });
    expect(emulators.s3.events.length - eventsBefore).to.equal(1);
    expect((await rawKeys()).filter((key) => key === first.key)).to.have.length(1);
    const record = await tracking().read(first.snapshotId, "ingestion");
    expect(record).to.deep.include({ status: "succeeded", attempt: 2, requestId: "req-b" });
    expect(record?.counts.states).to.equal(4);
    expect(emulators.cloudwatch.find(INGESTION_METRICS.duplicateSnapshots).at(-1)?.value).to.equal(1);
  });

  it("fetches the OAuth token once per container and a new one after a 401", async () => {
    const handler = handlerWith();
    const tokensBefore = emulators.opensky.tokenRequests().length;
    const secretReadsBefore = emulators.secretsManager.requests.length;

    serveNewSnapshot();
    await handler({}, contextWith(5_000));
    serveNewSnapshot();
    await handler({}, contextWith(5_000));
    expect(emulators.opensky.tokenRequests().length - tokensBefore).to.equal(1);
    expect(emulators.secretsManager.requests.slice(secretReadsBefore)).to.deep.equal([secretArn]);

    emulators.opensky.expireTokens();
    serveNewSnapshot();
    const afterExpiry = await handler({}, contextWith(5_000));
    expect(afterExpiry.stored).to.equal(true);
    expect(emulators.opensky.tokenRequests().length - tokensBefore).to.equal(2);
    const [rejected, retried] = emulators.opensky.stateRequests().slice(-2);
    expect(rejected?.authorization).not.to.equal(retried?.authorization);
    expect(retried?.authorization).to.equal(`Bearer ${emulators.opensky.tokensIssued.at(-1)}`);
    expect(sleeps).to.deep.equal([0]);
  });

  it("fetches anonymously when no credentials secret is configured", async () => {
    serveNewSnapshot();
    const tokensBefore = emulators.opensky.tokenRequests().length;
    const handler = handlerWith({ openskyCredentialsSecretArn: undefined });
    const result = await handler({}, contextWith(5_000));
    expect(result.stored).to.equal(true);
    expect(emulators.opensky.stateRequests().at(-1)?.authorization).to.equal(undefined);
    expect(emulators.opensky.tokenRequests().length).to.equal(tokensBefore);
  });

  it("asks for the configured box with extended=1", async () => {
    serveNewSnapshot();
    const handler = handlerWith({ boundingBox: { lamin: 30, lomin: -120, lamax: 40, lomax: -110 }, extended: true });
    const result = await handler({}, contextWith(5_000));
    expect(emulators.opensky.stateRequests().at(-1)?.query).to.deep.equal({
      lamin: "30",
      lomin: "-120",
      lamax: "40",
      lomax: "-110",
      extended: "1",
    });
    expect(result.states).to.equal(1);
  });

  it("stores `states: null` as an empty snapshot", async () => {
    serveNewSnapshot((time) => ({ time, states: null }));
    const result = await handlerWith()({}, contextWith(5_000));
    expect(result).to.include({ stored: true, states: 0 });
    const object = await emulators.clients.s3.send(new GetObjectCommand({ Bucket: RAW_BUCKET, Key: result.key }));
    expect(JSON.parse((await object.Body?.transformToString()) ?? "")).to.deep.equal({ time: nextTime, states: null });
  });

  it("waits out a 429 whose Retry-After fits the invocation, then stores", async () => {
    serveNewSnapshot();
    emulators.opensky.scriptStates(openSkyFailures.rateLimited(2));
    const result = await handlerWith()({}, contextWith(5_000));
    expect(result).to.include({ stored: true, rateLimited: false });
    expect(sleeps).to.deep.equal([2_000]);
  });

  it("ends cleanly as rate-limited when the 429's wait does not fit: tracked, counted, nothing stored", async () => {
    emulators.cloudwatch.clear();
    serveNewSnapshot();
    const keysBefore = await rawKeys();
    emulators.opensky.scriptStates(openSkyFailures.rateLimited(60_000));
    const fired = "2026-01-10T12:05:00Z";
    const result = await handlerWith()({ time: fired }, contextWith(5_000));

    const snapshotId = String(Date.parse(fired) / 1000);
    expect(result).to.deep.equal({ snapshotId, states: 0, stored: false, duplicate: false, rateLimited: true, retryAfterSeconds: 60_000 });
    expect(sleeps).to.deep.equal([]);
    expect(await rawKeys()).to.deep.equal(keysBefore);
    const record = await tracking().read(snapshotId, "ingestion");
    expect(record).to.deep.include({ status: "rate_limited" });
    expect(record?.details).to.deep.equal({ retryAfterSeconds: 60_000 });
    expect(emulators.cloudwatch.find(INGESTION_METRICS.rateLimited)[0]?.value).to.equal(1);
    expect(emulators.cloudwatch.find(INGESTION_METRICS.failures)).to.have.length(0);
  });

  it("retries a 500 with a jittered backoff, then stores", async () => {
    serveNewSnapshot();
    emulators.opensky.scriptStates(openSkyFailures.serverError(500));
    const result = await handlerWith()({}, contextWith(5_000));
    expect(result.stored).to.equal(true);
    expect(sleeps).to.have.length(1);
    expect(sleeps[0]).to.be.within(0, FAST_RETRIES.baseDelayMs);
    expect((await tracking().read(result.snapshotId, "ingestion"))?.counts.attempts).to.equal(2);
  });

  it("abandons a request that outlasts its timeout and retries it", async () => {
    serveNewSnapshot();
    emulators.opensky.scriptStates(openSkyFailures.slow(3_000));
    const started = Date.now();
    const result = await handlerWith({ requestTimeoutMs: 200 })({}, contextWith(5_000));
    expect(result.stored).to.equal(true);
    expect(Date.now() - started).to.be.below(2_000);
    expect((await tracking().read(result.snapshotId, "ingestion"))?.counts.attempts).to.equal(2);
  });

  it("gives up on lasting 503s after its retries, naming the last answer", async () => {
    serveNewSnapshot();
    emulators.opensky.scriptStates(...Array.from({ length: 4 }, () => openSkyFailures.serverError(503)));
    const error = await failure(handlerWith()({}, contextWith(5_000)));
    expect(error?.message).to.match(/answered 503 \(text\/html, \d+ bytes, starting "<html>.*; gave up after 4 attempt\(s\)$/);
    expect(sleeps).to.have.length(3);
  });

  it("retries network errors and names them when it gives up", async () => {
    // A port that was listening a moment ago and no longer is: connections are refused.
    const closed = await startEmulators({ services: ["opensky"] });
    const deadUrl = closed.opensky.apiUrl;
    await closed.stop();
    const error = await failure(handlerWith({ openskyApiUrl: deadUrl, openskyCredentialsSecretArn: undefined })({}, contextWith(5_000)));
    expect(error?.message).to.equal("OpenSky /api/states/all: network error: ECONNREFUSED; gave up after 4 attempt(s)");
    expect(sleeps).to.have.length(3);
  });

  it("does not start a retry the invocation has no time left for", async () => {
    serveNewSnapshot();
    emulators.opensky.scriptStates(openSkyFailures.serverError(502), openSkyFailures.serverError(502));
    const error = await failure(
      handlerWith({}, { retryPolicy: { ...FAST_RETRIES, baseDelayMs: 60_000, maxDelayMs: 60_000 }, random: () => 0.5 })({}, contextWith(5_000)),
    );
    expect(error?.message).to.match(/answered 502 .*gave up after 1 attempt\(s\)$/);
    expect(sleeps).to.deep.equal([]);
  });

  it("fails with the token endpoint's answer when the stored credentials are wrong", async () => {
    serveNewSnapshot();
    const wrongArn = emulators.secretsManager.putSecret("opensky/wrong", JSON.stringify({ ...CLIENT, clientSecret: "nope" }));
    const tokensBefore = emulators.opensky.tokenRequests().length;
    const error = await failure(handlerWith({ openskyCredentialsSecretArn: wrongArn })({}, contextWith(5_000)));
    expect(error?.message).to.match(/token endpoint answered 401 for client pipeline-client .*unauthorized_client/);
    expect(error?.message).not.to.include("nope");
    expect(emulators.opensky.tokenRequests().length - tokensBefore).to.equal(1);
  });

  const garbage: [string, ReturnType<typeof openSkyFailures.body>, RegExp][] = [
    [
      "an HTML error page",
      openSkyFailures.body("<html><body><h1>Maintenance</h1></body></html>", "text/html"),
      /HTML or XML, not JSON.* \(text\/html, 46 bytes, starting "<html><body><h1>Maintenance/,
    ],
    ["truncated JSON", openSkyFailures.body('{"time":1766888059,"states":[["a2d2c6","N281'), /truncated JSON .* \(application\/json, 44 bytes/],
    [
      "the wrong shape",
      openSkyFailures.body('{"error":"internal"}'),
      /"time" is missing; expected whole unix seconds \(application\/json, 20 bytes, starting "\{\\"error\\":\\"internal\\"\}"\)/,
    ],
    [
      "a time in milliseconds",
      openSkyFailures.body(`{"time":${Date.now()},"states":[]}`),
      /impossible time: "time" \d{13} is more than a day ahead .*milliseconds/,
    ],
    ["a time of 1e13", openSkyFailures.body('{"time":10000000000000,"states":[]}'), /impossible time: "time" 10000000000000 is more than a day ahead/],
    ["an empty 200", openSkyFailures.body("", "application/json"), /the body is empty \(application\/json, 0 bytes/],
  ];
  for (const [what, scripted, message] of garbage) {
    it(`fails on ${what}, naming what arrived, and writes nothing to S3`, async () => {
      emulators.cloudwatch.clear();
      serveNewSnapshot();
      const keysBefore = await rawKeys();
      const eventsBefore = emulators.s3.events.length;
      emulators.opensky.scriptStates(scripted);
      const fired = new Date(nextTime * 1000 + 2_000).toISOString();
      const error = await failure(handlerWith()({ time: fired }, contextWith(5_000)));

      expect(error?.message).to.match(message);
      expect(await rawKeys()).to.deep.equal(keysBefore);
      expect(emulators.s3.events.length).to.equal(eventsBefore);
      const record = await tracking().read(String(nextTime + 2), "ingestion");
      expect(record?.status).to.equal("failed");
      expect(record?.errorMessage).to.equal(`${error?.name}: ${error?.message}`);
      expect(error?.name).to.be.oneOf(["SnapshotBodyError", "SnapshotTimeError"]);
      expect(emulators.cloudwatch.find(INGESTION_METRICS.failures)[0]?.value).to.equal(1);
      expect(emulators.cloudwatch.find(INGESTION_METRICS.rejectedSnapshots)[0]?.value).to.equal(1);
    });
  }
});
