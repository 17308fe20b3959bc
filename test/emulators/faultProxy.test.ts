/**
 * The fault-injection proxy itself: requests pass through unchanged, each fault does to a real SDK
 * client what the same fault in AWS would, and every call is recorded under its operation's name.
 */
import { PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { PublishCommand } from "@aws-sdk/client-sns";
import { expect } from "chai";
import {
  accessKeyIdOf,
  awsErrors,
  cloudWatchClientFor,
  createTopicWithQueue,
  createTrackingTable,
  dynamoDbClientFor,
  type ProxiedExchange,
  type RunningEmulators,
  s3ClientFor,
  snsClientFor,
  startEmulators,
} from "../../emulators";

describe("fault-injection proxy in front of the stand-ins", function () {
  this.timeout(20_000);
  let emulators: RunningEmulators<"s3" | "dynamodb" | "cloudwatch" | "snsSqs">;

  before(async () => {
    emulators = await startEmulators({ services: ["s3", "dynamodb", "cloudwatch", "snsSqs"], s3: { buckets: ["bucket"] }, faultInjection: true });
    await createTrackingTable(emulators.clients.dynamodb, "tracking");
  });
  after(() => emulators.stop());
  afterEach(() => Object.values(emulators.faults).forEach((proxy) => proxy.clear()));

  const s3 = () => s3ClientFor(emulators.faults.s3!.endpoint);

  it("passes requests through unchanged, HEAD's length included, and records each operation", async () => {
    const client = s3();
    await client.send(new PutObjectCommand({ Bucket: "bucket", Key: "a/b.json", Body: "hello world" }));
    const head = await client.send(new HeadObjectCommand({ Bucket: "bucket", Key: "a/b.json" }));
    expect(head.ContentLength).to.equal(11);
    const body = await (await client.send(new GetObjectCommand({ Bucket: "bucket", Key: "a/b.json" }))).Body!.transformToString();
    expect(body).to.equal("hello world");
    await dynamoDbClientFor(emulators.faults.dynamodb!.endpoint).send(
      new GetItemCommand({ TableName: "tracking", Key: { snapshotId: { S: "1" }, stage: { S: "ingestion" } } }),
    );
    const topic = await createTopicWithQueue(emulators.clients.sns, emulators.clients.sqs, "proxy-topic");
    await snsClientFor(emulators.faults.snsSqs!.endpoint).send(new PublishCommand({ TopicArn: topic.topicArn, Message: "hi" }));
    await cloudWatchClientFor(emulators.faults.cloudwatch!.endpoint).send(
      new PutMetricDataCommand({ Namespace: "Test", MetricData: [{ MetricName: "M", Value: 1 }] }),
    );
    expect(emulators.faults.s3!.calls.map((call) => call.operation)).to.include.members(["PutObject", "HeadObject", "GetObject"]);
    expect(emulators.faults.dynamodb!.calls.at(-1)?.operation).to.equal("GetItem");
    expect(emulators.faults.snsSqs!.calls.at(-1)?.operation).to.equal("Publish");
    expect(emulators.faults.cloudwatch!.calls.at(-1)?.operation).to.equal("PutMetricData");
  });

  it("answers with the service's own error shape, so the SDK names it as AWS would", async () => {
    emulators.faults.s3!.inject({
      operation: "PutObject",
      times: 1,
      fault: { kind: "status", ...awsErrors.s3(503, "SlowDown", "Please reduce your request rate.") },
    });
    const error: Error = await s3()
      .send(new PutObjectCommand({ Bucket: "bucket", Key: "c.json", Body: "x" }))
      .then(
        () => expect.fail("the fault was not applied"),
        (thrown: Error) => thrown,
      );
    expect(error.name).to.equal("SlowDown");
    await s3().send(new PutObjectCommand({ Bucket: "bucket", Key: "c.json", Body: "x" }));
    expect(emulators.faults.s3!.calls.filter((call) => call.fault === "status")).to.have.length(1);

    emulators.faults.cloudwatch!.inject({ operation: "PutMetricData", fault: { kind: "status", ...awsErrors.json(500, "InternalServiceError") } });
    const cloudwatchError: Error = await cloudWatchClientFor(emulators.faults.cloudwatch!.endpoint)
      .send(new PutMetricDataCommand({ Namespace: "Test", MetricData: [{ MetricName: "M", Value: 1 }] }))
      .then(
        () => expect.fail("the fault was not applied"),
        (thrown: Error) => thrown,
      );
    expect(cloudwatchError.name, "the modeled exception of that error code").to.equal("InternalServiceFault");
  });

  it("drops a response after the stand-in acted: the write is there, the client never heard", async () => {
    emulators.faults.s3!.inject({ operation: "PutObject", times: 1, fault: { kind: "drop-response" } });
    await s3()
      .send(new PutObjectCommand({ Bucket: "bucket", Key: "lost.json", Body: "stored anyway" }))
      .then(
        () => expect.fail("the response arrived"),
        (error: Error) => expect(error.message).to.match(/socket hang up|ECONNRESET/),
      );
    const stored = await emulators.clients.s3.send(new GetObjectCommand({ Bucket: "bucket", Key: "lost.json" }));
    expect(await stored.Body!.transformToString()).to.equal("stored anyway");
  });

  it("hangs until the client's own timeout ends the call, and resets before the stand-in sees anything", async () => {
    emulators.faults.s3!.inject({ operation: "GetObject", times: 1, fault: { kind: "hang" } });
    const started = Date.now();
    const hung: Error = await s3ClientFor(emulators.faults.s3!.endpoint, { requestHandler: { requestTimeout: 300, throwOnRequestTimeout: true } })
      .send(new GetObjectCommand({ Bucket: "bucket", Key: "c.json" }))
      .then(
        () => expect.fail("a hung call answered"),
        (thrown: Error) => thrown,
      );
    expect(hung.name).to.equal("TimeoutError");
    expect(Date.now() - started).to.be.below(5_000);

    emulators.faults.s3!.inject({ operation: "PutObject", times: 1, fault: { kind: "reset" } });
    await s3()
      .send(new PutObjectCommand({ Bucket: "bucket", Key: "never.json", Body: "x" }))
      .then(
        () => expect.fail("a reset call answered"),
        (error: Error) => expect(error.message).to.match(/socket hang up|ECONNRESET/),
      );
    await emulators.clients.s3.send(new HeadObjectCommand({ Bucket: "bucket", Key: "never.json" })).then(
      () => expect.fail("the reset write reached the stand-in"),
      (error: Error) => expect(error.name).to.equal("NotFound"),
    );
  });

  it("tells who signed each call, whatever keys they use, and shows observers each outcome", async () => {
    const exchanges: ProxiedExchange[] = [];
    const unsubscribe = emulators.faults.s3!.observe((exchange) => exchanges.push(exchange));
    const credentials = { accessKeyId: "ASIAFUNCTIONKEY00001", secretAccessKey: "its-own-secret" };
    const client = s3ClientFor(emulators.faults.s3!.endpoint, { credentials });
    await client.send(new PutObjectCommand({ Bucket: "bucket", Key: "signed.json", Body: "{}" }));
    await client.send(new HeadObjectCommand({ Bucket: "bucket", Key: "missing.json" })).then(
      () => expect.fail("a missing key answered"),
      (error: Error) => expect(error.name).to.equal("NotFound"),
    );
    emulators.faults.s3!.inject({ operation: "GetObject", times: 1, fault: { kind: "status", ...awsErrors.s3(503, "SlowDown") } });
    await client.send(new GetObjectCommand({ Bucket: "bucket", Key: "signed.json" })).catch(() => undefined);
    unsubscribe();
    expect(exchanges.map((exchange) => [exchange.request.operation, exchange.accessKeyId, exchange.status, exchange.fault])).to.deep.equal([
      ["PutObject", credentials.accessKeyId, 200, undefined],
      ["HeadObject", credentials.accessKeyId, 404, undefined],
      ["GetObject", credentials.accessKeyId, 503, "status"],
    ]);
    expect(emulators.faults.s3!.calls.at(-1)?.accessKeyId).to.equal(credentials.accessKeyId);
    expect(accessKeyIdOf("/b/k?X-Amz-Credential=ASIAPRESIGNED%2F20261201%2Fus-east-1%2Fs3%2Faws4_request", {})).to.equal("ASIAPRESIGNED");
  });
});
