/**
 * The local run end to end through the real function packages on the Lambda runtime's Node:
 * three scheduled ticks (the second snapshot bad on purpose), a repeated tick, and a poison raw
 * object, checked in what the stand-ins hold afterwards.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { keyForSnapshot } from "../../handlers/shared/s3Keys";
import { METRIC } from "../../contract/metricNames";
import type { AttemptReport, FailureRecord } from "../../local/pipeline/asyncInvoker";
import { type LocalPipeline, startLocalPipeline } from "../../local/pipeline/localPipeline";
import { collectRunResults, type RunResults, scanTracking } from "../../local/pipeline/runResults";
import { badTickOf, generatedSnapshots } from "../../local/pipeline/snapshotSource";
import { createdKeys, removeScratch, scratchLocalRoot, snapshotIdsOf } from "../support/pipelineOutputs";

const TICKS = 3;

describe("local pipeline run: three ticks through the function packages", function () {
  this.timeout(300_000);
  const localRoot = scratchLocalRoot();
  const attempts: AttemptReport[] = [];
  const snapshots = generatedSnapshots(TICKS, 7);
  const badSnapshotTime = (snapshots[badTickOf(TICKS) - 1] as (typeof snapshots)[number]).snapshot.time;
  const poisonTime = (snapshots[TICKS - 1] as (typeof snapshots)[number]).snapshot.time + 60;
  let pipeline: LocalPipeline;
  let results: RunResults;
  let trackingAfterTicks: Array<Record<string, any>>;

  before(async () => {
    pipeline = await startLocalPipeline({ stack: "dev", openSky: "stand-in", localRoot, retryDelayMs: 10, onAttempt: (report) => attempts.push(report) });
    for (const tick of snapshots) {
      pipeline.emulators.opensky.setSnapshot(tick.snapshot);
      pipeline.fireScheduledEvent();
      await pipeline.idle();
    }
    trackingAfterTicks = await scanTracking(pipeline);
    // The schedule fires again while OpenSky still serves the last snapshot.
    pipeline.fireScheduledEvent();
    await pipeline.idle();
    // A raw object that is not JSON: processing fails every attempt.
    await pipeline.emulators.clients.s3.send(
      new PutObjectCommand({
        Bucket: pipeline.topology.functions.processing.pkg.environment.RAW_BUCKET,
        Key: keyForSnapshot("raw", poisonTime),
        Body: "{not json",
      }),
    );
    await pipeline.idle();
    results = await collectRunResults(pipeline);
  });

  after(async () => {
    await pipeline?.stop();
    removeScratch(localRoot);
  });

  const tickIds = () => snapshots.map((tick) => String(tick.snapshot.time)).sort();

  it("stores each raw snapshot once, with exactly one Parquet file and one report each", () => {
    const raw = createdKeys(pipeline, "raw/").filter((key) => !key.includes(String(poisonTime)));
    expect(snapshotIdsOf(raw)).to.deep.equal(tickIds());
    expect(snapshotIdsOf(createdKeys(pipeline, "processed/"))).to.deep.equal(tickIds());
    expect(snapshotIdsOf(createdKeys(pipeline, "reports/"))).to.deep.equal(tickIds());
  });

  it("records all three stages as succeeded for every snapshot", () => {
    for (const snapshotId of tickIds()) {
      const stages = trackingAfterTicks
        .filter((item) => item.snapshotId === snapshotId)
        .map((item) => `${item.stage}:${item.status}`)
        .sort();
      expect(stages, `tracking of ${snapshotId}`).to.deep.equal(["ingestion:succeeded", "processing:succeeded", "validation:succeeded"]);
    }
  });

  it("delivers the quality metrics to the CloudWatch stand-in", () => {
    const scores = results.metrics.filter((metric) => metric.name === METRIC.dataQualityScore && metric.dimensions.Environment === "dev");
    expect(scores.map((metric) => metric.timestamp.getTime() / 1000).sort()).to.deep.equal(snapshots.map((tick) => tick.snapshot.time).sort());
  });

  it("raises one alert, for the snapshot made bad on purpose, on the queue subscribed to the topic", () => {
    expect(results.alerts).to.have.length(1);
    expect(results.alerts[0]?.subject).to.contain(new Date(badSnapshotTime * 1000).toISOString());
  });

  it("stores nothing twice when the schedule fires again for the same snapshot", () => {
    const ingestions = attempts.filter((report) => report.functionName === pipeline.topology.functions.ingestion.name);
    expect(ingestions).to.have.length(TICKS + 1);
    expect(ingestions.at(-1)?.result.value).to.include({ stored: false, duplicate: true });
    const lastId = String(snapshots.at(-1)?.snapshot.time);
    const tracked = results.tracking.find((item) => item.snapshotId === lastId && item.stage === "ingestion");
    expect(tracked, "the repeat keeps the first run's outcome").to.deep.include({ status: "succeeded", attempt: 2 });
    const allKeys = createdKeys(pipeline, "");
    expect(new Set(allKeys).size, "an object was written twice").to.equal(allKeys.length);
  });

  it("retries the poison object twice, then puts Lambda's failure record on the processing DLQ", () => {
    const processing = pipeline.topology.functions.processing;
    const poisonAttempts = attempts.filter((report) => report.functionName === processing.name && !report.result.ok);
    expect(poisonAttempts.map((report) => report.attempt)).to.deep.equal([1, 2, 3]);
    expect(new Set(poisonAttempts.map((report) => report.result.requestId)).size, "retries keep the request id").to.equal(1);

    const dlqName = processing.onFailureDestinationArn?.split(":").at(-1) as string;
    const [record, ...others] = results.deadLetters[dlqName] as FailureRecord[];
    expect(others).to.be.empty;
    expect(record?.requestContext).to.include({ condition: "RetriesExhausted", approximateInvokeCount: 3, functionArn: `${processing.arn}:$LATEST` });
    expect(record?.responseContext).to.include({ functionError: "Unhandled" });
    expect(record?.responsePayload.errorMessage).to.be.a("string").and.not.be.empty;
    const requestPayload = record?.requestPayload as { Records: Array<{ s3: { object: { key: string } } }> };
    expect(requestPayload.Records[0]?.s3.object.key).to.contain(`states_${poisonTime}.json`);
    const otherQueues = Object.entries(results.deadLetters).filter(([name]) => name !== dlqName);
    for (const [name, records] of otherQueues) expect(records, name).to.be.empty;
  });
});
