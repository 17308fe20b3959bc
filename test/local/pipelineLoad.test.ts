/**
 * A bounded load test on loopback: a few hundred generated snapshots dropped into the raw bucket
 * at once, each driving processing and validation through the function packages within the
 * stack's reserved concurrency. Nothing may be lost or duplicated; throughput and peak memory are
 * printed (docs/local-run.md quotes them).
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { STAGES } from "../../contract/dataLayout";
import { generateSnapshot } from "../../fixtures/snapshotGenerator";
import { keyForSnapshot } from "../../handlers/shared/s3Keys";
import { type LocalPipeline, startLocalPipeline } from "../../local/pipeline/localPipeline";
import { collectRunResults, type RunResults } from "../../local/pipeline/runResults";
import { createdKeys, removeScratch, scratchLocalRoot, snapshotIdsOf } from "../support/pipelineOutputs";

const SNAPSHOTS = 200;
/** About what the dev stack's bounding box returns per snapshot, with room to spare. */
const STATES_PER_SNAPSHOT = 200;

describe("local pipeline under load: a few hundred snapshots at once", function () {
  this.timeout(300_000);
  const localRoot = scratchLocalRoot();
  const firstTime = Math.floor(Date.now() / 1000) - 6 * 3_600;
  const times = Array.from({ length: SNAPSHOTS }, (_, index) => firstTime + index * 60);
  const expectedIds = times.map(String).sort();
  let pipeline: LocalPipeline;
  let results: RunResults;
  let seconds = 0;

  before(async () => {
    pipeline = await startLocalPipeline({ stack: "dev", openSky: "stand-in", localRoot, retryDelayMs: 10 });
    const bucket = pipeline.topology.functions.processing.pkg.environment.RAW_BUCKET;
    const bodies = times.map((time) => JSON.stringify(generateSnapshot({ seed: time, stateCount: STATES_PER_SNAPSHOT, time }).snapshot));
    const started = performance.now();
    await Promise.all(
      times.map((time, index) =>
        pipeline.emulators.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: keyForSnapshot("raw", time), Body: bodies[index] })),
      ),
    );
    await pipeline.idle();
    seconds = (performance.now() - started) / 1000;
    results = await collectRunResults(pipeline);

    const peaks = STAGES.slice(1)
      .map(
        (stage) =>
          `${stage} ${Math.ceil(pipeline.functions[stage].figures.peakRssBytes / 1024 / 1024)} MB (${pipeline.functions[stage].figures.coldStarts} containers)`,
      )
      .join(", ");
    console.log(
      `      load: ${SNAPSHOTS} snapshots × ${STATES_PER_SNAPSHOT} states in ${seconds.toFixed(1)} s = ${(SNAPSHOTS / seconds).toFixed(1)} snapshots/s ` +
        `through processing and validation; peak memory per container: ${peaks}; harness ${Math.ceil(process.memoryUsage().rss / 1024 / 1024)} MB RSS`,
    );
  });

  after(async () => {
    await pipeline?.stop();
    removeScratch(localRoot);
  });

  it("converts and validates every snapshot exactly once", () => {
    expect(snapshotIdsOf(createdKeys(pipeline, "processed/"))).to.deep.equal(expectedIds);
    expect(snapshotIdsOf(createdKeys(pipeline, "reports/"))).to.deep.equal(expectedIds);
    const succeeded = results.tracking.filter((item) => item.status === "succeeded");
    expect(
      succeeded
        .filter((item) => item.stage === "processing")
        .map((item) => String(item.snapshotId))
        .sort(),
    ).to.deep.equal(expectedIds);
    expect(
      succeeded
        .filter((item) => item.stage === "validation")
        .map((item) => String(item.snapshotId))
        .sort(),
    ).to.deep.equal(expectedIds);
  });

  it("loses nothing to a dead-letter queue and fails no invocation", () => {
    for (const [queue, records] of Object.entries(results.deadLetters)) expect(records, queue).to.be.empty;
    for (const stage of STAGES) expect(pipeline.functions[stage].figures.errors, stage).to.equal(0);
  });

  it("stays within the stack's reserved concurrency", () => {
    for (const stage of ["processing", "validation"] as const) {
      const reserved = pipeline.topology.functions[stage].reservedConcurrency;
      expect(pipeline.functions[stage].figures.coldStarts, stage).to.be.at.most(reserved ?? Infinity);
    }
  });
});
