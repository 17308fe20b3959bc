/**
 * The same guarantees through the deployable packages in the local run: every S3 event delivered
 * twice at the same moment, and CloudWatch out of service for the first ticks. Each snapshot is
 * still processed and validated exactly once, the bad one still alerts, no DLQ fills, and once
 * CloudWatch is back the next snapshot's metrics arrive once each.
 */
import { expect } from "chai";
import { awsErrors } from "../../emulators";
import { METRIC } from "../../contract/metricNames";
import { type LocalPipeline, startLocalPipeline } from "../../local/pipeline/localPipeline";
import { collectRunResults, type RunResults } from "../../local/pipeline/runResults";
import { generatedSnapshots } from "../../local/pipeline/snapshotSource";
import { createdKeys, removeScratch, scratchLocalRoot, snapshotIdsOf } from "../support/pipelineOutputs";

describe("reliability: the local run with duplicate deliveries and CloudWatch down", function () {
  this.timeout(300_000);
  const localRoot = scratchLocalRoot();
  const snapshots = generatedSnapshots(3, 11);
  const logLines: string[] = [];
  let pipeline: LocalPipeline;
  let results: RunResults;

  before(async () => {
    pipeline = await startLocalPipeline({
      stack: "dev",
      openSky: "stand-in",
      localRoot,
      retryDelayMs: 10,
      faultInjection: true,
      s3EventDeliveries: 2,
      onLog: (_name, line) => logLines.push(line),
    });
    const cloudwatch = pipeline.emulators.faults.cloudwatch!;
    cloudwatch.inject({ operation: "PutMetricData", fault: { kind: "status", ...awsErrors.json(503, "ServiceUnavailable", "CloudWatch is down") } });
    for (const [index, tick] of snapshots.entries()) {
      if (index === 2) cloudwatch.clear();
      pipeline.emulators.opensky.setSnapshot(tick.snapshot);
      pipeline.fireScheduledEvent(new Date(tick.snapshot.time * 1000));
      await pipeline.idle();
    }
    results = await collectRunResults(pipeline);
  });

  after(async () => {
    await pipeline?.stop();
    removeScratch(localRoot);
  });

  const ids = () => snapshots.map((tick) => String(tick.snapshot.time)).sort();

  it("writes each Parquet file and each report once although every event came twice", () => {
    expect(snapshotIdsOf(createdKeys(pipeline, "processed/"))).to.deep.equal(ids());
    expect(snapshotIdsOf(createdKeys(pipeline, "reports/"))).to.deep.equal(ids());
  });

  it("tracks every stage of every snapshot as succeeded, the duplicates counted", () => {
    for (const id of ids()) {
      const items = results.tracking.filter((item) => item.snapshotId === id);
      expect(items.map((item) => `${item.stage}:${item.status}`).sort(), id).to.deep.equal([
        "ingestion:succeeded",
        "processing:succeeded",
        "validation:succeeded",
      ]);
      for (const stage of ["processing", "validation"]) {
        expect(items.find((item) => item.stage === stage)?.duplicates, `${id} ${stage}`).to.equal(1);
      }
    }
  });

  it("alerts once for the bad snapshot with CloudWatch down, and no DLQ holds anything", () => {
    expect(results.alerts).to.have.length(1);
    for (const [queue, records] of Object.entries(results.deadLetters)) expect(records, queue).to.deep.equal([]);
  });

  it("logs each lost metrics batch as a side-service failure naming its snapshot", () => {
    const failures = logLines
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.event === "side-service-failure");
    const lost = snapshots.slice(0, 2).map((tick) => String(tick.snapshot.time));
    for (const id of lost) {
      expect(
        failures
          .filter((line) => line.snapshotId === id)
          .map((line) => line.stage)
          .sort(),
        id,
      ).to.include.members(["processing", "validation"]);
    }
  });

  it("delivers the next snapshot's metrics once each when CloudWatch is back", () => {
    const last = snapshots[2]!.snapshot.time * 1000;
    const points = results.metrics.filter((metric) => metric.timestamp.getTime() === last);
    for (const name of [METRIC.dataQualityScore, METRIC.recordsProcessed, METRIC.quarantinedRows]) {
      expect(
        points.filter((metric) => metric.name === name),
        name,
      ).to.have.length(1);
    }
    const earlier = snapshots.slice(0, 2).map((tick) => tick.snapshot.time * 1000);
    expect(results.metrics.filter((metric) => earlier.includes(metric.timestamp.getTime()) && metric.name === METRIC.recordsProcessed)).to.deep.equal([]);
  });
});
