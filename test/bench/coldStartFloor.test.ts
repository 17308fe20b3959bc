/**
 * The cold-start floor replays what a function was seen calling: the plan derived from the
 * requests recorded through the fault proxies holds the same operations in the same order, and the
 * floor, run as the bench runs it, makes exactly those requests, answered as the function's were,
 * without touching the function's objects or tracking items.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { GetItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { TRACKING_PARTITION_KEY, TRACKING_SORT_KEY } from "../../contract/dataLayout";
import { cloudWatchClientFor, createTrackingTable, dynamoDbClientFor, type RunningEmulators, s3ClientFor, startEmulators } from "../../emulators";
import { floorPlanOf, operationsOf, recordCalls, type RecordedExchange } from "../../bench/coldStartCalls";
import type { FloorResult } from "../../bench/coldStartFloor";
import type { ColdStartSpec, ColdStartTiming } from "../../bench/coldStartProcess";
import { runChild, transpiled } from "../../bench/childProcess";

const BUCKET = "floor-test";
const TABLE = "tracking";

describe("cold-start floor", function () {
  this.timeout(60_000);
  let emulators: RunningEmulators<"s3" | "dynamodb" | "cloudwatch">;
  let workDir: string;

  before(async () => {
    emulators = await startEmulators({ services: ["s3", "dynamodb", "cloudwatch"], faultInjection: true });
    await emulators.s3.createBucket(BUCKET);
    await createTrackingTable(emulators.clients.dynamodb, TABLE);
    await emulators.clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "raw/input.json", Body: "x".repeat(5_000) }));
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "cold-start-floor-"));
  });

  after(async () => {
    await emulators.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it("plans the calls a function made, in order, and replays them without touching its data", async () => {
    const environment = emulators.awsEnvironment();
    // A "function": SDK clients pointed at the proxies, as a handler's are through AWS_ENDPOINT_URL_<SERVICE>.
    const s3 = s3ClientFor(environment.AWS_ENDPOINT_URL_S3!);
    const dynamodb = dynamoDbClientFor(environment.AWS_ENDPOINT_URL_DYNAMODB!);
    const cloudwatch = cloudWatchClientFor(environment.AWS_ENDPOINT_URL_CLOUDWATCH!);
    const recorder = recordCalls(emulators.faults);
    const key = { [TRACKING_PARTITION_KEY]: { S: "1796100000" }, [TRACKING_SORT_KEY]: { S: "processing" } };
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: key,
        UpdateExpression: "SET #status = :started",
        ConditionExpression: "attribute_not_exists(#status)",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":started": { S: "started" } },
      }),
    );
    await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "raw/input.json" }))).Body!.transformToByteArray();
    await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "processed/output.parquet" })).catch(() => undefined);
    await Promise.all([
      s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: "processed/output.parquet", Body: new Uint8Array(12_345), ContentType: "application/vnd.apache.parquet" }),
      ),
      cloudwatch.send(
        new PutMetricDataCommand({ Namespace: "FlightDataPipeline", MetricData: [{ MetricName: "Rows", Value: 6_500, Unit: "Count", Timestamp: new Date() }] }),
      ),
    ]);
    const recorded: RecordedExchange[] = recorder.take();
    for (const client of [s3, dynamodb, cloudwatch]) client.destroy();

    const tables = [{ table: TABLE, keys: [TRACKING_PARTITION_KEY, TRACKING_SORT_KEY] }];
    const plan = floorPlanOf(recorded, { floorId: "test", clientOptions: { maxAttempts: 1 }, tables });
    expect(operationsOf(plan)).to.deep.equal(["dynamodb UpdateItem", "s3 GetObject", "s3 HeadObject", "s3 PutObject", "cloudwatch PutMetricData"]);
    expect(
      plan.waves.map((wave) => wave.length),
      "the two calls made together are made together",
    ).to.deep.equal([1, 1, 1, 2]);
    const calls = plan.waves.flat();
    expect(calls[1]).to.deep.include({ input: { Bucket: BUCKET, Key: "raw/input.json" }, status: 200 });
    expect(calls[2], "a missing object is read as a missing object of the floor's").to.have.nested.property(
      "input.Key",
      "cold-start-floor/test/processed/output.parquet",
    );
    expect(calls[3]).to.deep.include({ bodyBytes: 12_345 });
    expect(calls[3]).to.have.nested.property("input.Key", "cold-start-floor/test/processed/output.parquet");

    const floorDir = path.join(workDir, "floor");
    transpiled("coldStartFloor.ts", floorDir, "__index.js");
    fs.writeFileSync(path.join(floorDir, "plan.json"), JSON.stringify(plan));
    const spec: ColdStartSpec = { packageDir: floorDir, event: {}, timeoutSeconds: 30 };
    const timing = await runChild<ColdStartTiming>("coldStartProcess.ts", spec, {
      environment: { PATH: process.env.PATH ?? "", NODE_PATH: path.resolve(__dirname, "../../node_modules"), ...environment },
      transpileTo: path.join(workDir, "process"),
    });
    expect(timing.outcome).to.match(/^ok /);
    const result = JSON.parse(timing.outcome.slice(3)) as FloorResult;
    expect(result).to.deep.equal({ calls: 5, mismatches: [] });
    expect(
      recorder.take().map((call) => `${call.service} ${call.exchange.request.operation}`),
      "the floor's own requests",
    ).to.have.members(["dynamodb UpdateItem", "s3 GetObject", "s3 HeadObject", "s3 PutObject", "cloudwatch PutMetricData"]);
    recorder.stop();

    const item = await emulators.clients.dynamodb.send(new GetItemCommand({ TableName: TABLE, Key: key }));
    expect(item.Item?.status?.S, "the function's item is its own").to.equal("started");
    const floorItem = await emulators.clients.dynamodb.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { [TRACKING_PARTITION_KEY]: { S: "cold-start-floor-test-1796100000" }, [TRACKING_SORT_KEY]: { S: "cold-start-floor-test-processing" } },
      }),
    );
    expect(floorItem.Item?.status?.S, "the floor wrote its own item").to.equal("started");
    const written = await emulators.clients.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "processed/output.parquet" }));
    expect(written.ContentLength, "the function's object is its own").to.equal(12_345);
  });
});
