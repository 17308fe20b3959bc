/**
 * Backfill and redrive against the local pipeline, through the real function packages: the same
 * operations code `npm run backfill` and `npm run redrive` run, with the local stand-ins in place
 * of AWS (operations/localPipelineAccess.ts).
 *
 * The story: processing may not write two snapshots' Parquet (S3 answers AccessDenied, as to a
 * role missing a permission), so they fail three times and their failure records land in the
 * processing DLQ. Once the permission is fixed a backfill redoes exactly those two, and validation
 * follows; run again, it does nothing. A raw
 * object that is not JSON fails processing, fails again when redriven, and succeeds when redriven
 * after it was repaired. Missed ticks in ingestion's and the schedule's DLQs are listed, checked
 * with one ingestion run, and acknowledged. A compaction S3 refused lands in compaction's DLQ and
 * compacts its day when redriven; an event the compaction schedule could not deliver is replayed.
 */
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { expect } from "chai";
import { awsErrors, openSkyFailures } from "../../emulators";
import { generateSnapshot } from "../../fixtures/snapshotGenerator";
import { addDays, keyForSnapshot, utcDayOfTime } from "../../handlers/shared/s3Keys";
import { type LocalPipeline, startLocalPipeline } from "../../local/pipeline/localPipeline";
import { scanTracking } from "../../local/pipeline/runResults";
import { generatedSnapshots } from "../../local/pipeline/snapshotSource";
import { backfill, backfillFailed, type BackfillSummary } from "../../operations/backfill";
import { localPipelineAccess, localPipelineTarget } from "../../operations/localPipelineAccess";
import type { PipelineAccess } from "../../operations/pipelineAccess";
import { redrive, redriveFailed } from "../../operations/redrive";
import { snapshotRange } from "../../operations/snapshotRange";
import type { PipelineTarget } from "../../operations/stackOutputs";
import { removeScratch, scratchLocalRoot } from "../support/pipelineOutputs";

const hourOf = (time: number): string => new Date(time * 1000).toISOString().slice(0, 13);

describe("operations: backfill and redrive on the local pipeline", function () {
  this.timeout(300_000);
  const localRoot = scratchLocalRoot();
  const snapshots = generatedSnapshots(4, 31);
  const ids = snapshots.map((tick) => String(tick.snapshot.time));
  /** The snapshots whose Parquet S3 refuses to store until the fault is cleared. */
  const failing = [ids[1]!, ids[2]!];
  const range = snapshotRange(hourOf(snapshots[0]!.snapshot.time), hourOf(snapshots[3]!.snapshot.time));
  let pipeline: LocalPipeline;
  let target: PipelineTarget;
  let access: PipelineAccess;

  const tracking = async (stage: string) =>
    Object.fromEntries((await scanTracking(pipeline)).filter((item) => item.stage === stage).map((item) => [item.snapshotId, item]));
  const invocations = () => ({
    processing: pipeline.functions.processing.figures.invocations,
    validation: pipeline.functions.validation.figures.invocations,
  });
  const run = (options: { force?: boolean; dryRun?: boolean } = {}): Promise<BackfillSummary> =>
    backfill(access, target, { stage: "processing", range, concurrency: 2, force: options.force ?? false, dryRun: options.dryRun ?? false });

  before(async () => {
    pipeline = await startLocalPipeline({ stack: "dev", openSky: "stand-in", localRoot, retryDelayMs: 10, faultInjection: true });
    target = localPipelineTarget(pipeline);
    access = localPipelineAccess(pipeline);
    pipeline.emulators.faults.s3!.inject({
      operation: "PutObject",
      when: (request) => failing.some((id) => request.url.includes(`states_${id}.parquet`)),
      fault: { kind: "status", ...awsErrors.s3(403, "AccessDenied", "Access Denied") },
    });
    for (const tick of snapshots) {
      pipeline.emulators.opensky.setSnapshot(tick.snapshot);
      pipeline.fireScheduledEvent(new Date(tick.snapshot.time * 1000));
      await pipeline.idle();
    }
    // The fix: the writes are allowed again.
    pipeline.emulators.faults.s3!.clear();
  });

  after(async () => {
    await pipeline?.stop();
    removeScratch(localRoot);
  });

  describe("backfill", () => {
    it("starts from two snapshots processing failed, recorded as failed", async () => {
      const processing = await tracking("processing");
      expect(failing.map((id) => processing[id]?.status)).to.deep.equal(["failed", "failed"]);
      expect(processing[failing[0]!]?.errorMessage).to.contain("AccessDenied");
      expect(ids.filter((id) => !failing.includes(id)).map((id) => processing[id]?.status)).to.deep.equal(["succeeded", "succeeded"]);
    });

    it("in a dry run, names the two to invoke and the two to skip, and invokes nothing", async () => {
      const before = invocations();
      const summary = await run({ dryRun: true });
      expect(summary.found).to.equal(4);
      expect(summary.counts).to.include({ "would-invoke": 2, skipped: 2, succeeded: 0 });
      expect(summary.outcomes.filter((outcome) => outcome.status === "would-invoke").map((outcome) => outcome.snapshotId)).to.deep.equal(failing);
      expect(invocations()).to.deep.equal(before);
    });

    it("invokes only the failed snapshots, with their objects' ETags; they succeed and validation follows", async () => {
      const summary = await run();
      expect(summary.counts).to.include({ succeeded: 2, skipped: 2, failed: 0 });
      expect(backfillFailed(summary)).to.equal(false);
      await pipeline.idle();
      const processing = await tracking("processing");
      const validation = await tracking("validation");
      for (const id of ids) {
        expect(processing[id]?.status, `processing ${id}`).to.equal("succeeded");
        expect(validation[id]?.status, `validation ${id}`).to.equal("succeeded");
      }
      for (const id of failing) {
        const eTag = await access.objectETag(target.rawBucket, keyForSnapshot("raw", Number(id)));
        expect(processing[id]?.input, "the ledger saw the object's real ETag").to.equal(eTag);
      }
    });

    it("does nothing when run again", async () => {
      const before = invocations();
      const summary = await run();
      expect(summary.counts).to.include({ skipped: 4, succeeded: 0, failed: 0 });
      await pipeline.idle();
      expect(invocations()).to.deep.equal(before);
    });

    it("with --force redoes every snapshot; identical Parquet bytes start no validation", async () => {
      const attemptsBefore = await tracking("processing");
      const before = invocations();
      const summary = await run({ force: true });
      expect(summary.counts).to.include({ succeeded: 4, skipped: 0 });
      await pipeline.idle();
      const after = await tracking("processing");
      for (const id of ids) expect(after[id]?.attempt, id).to.equal((attemptsBefore[id]?.attempt as number) + 1);
      expect(invocations()).to.deep.equal({ processing: before.processing + 4, validation: before.validation });
    });

    it("counts a snapshot that fails again as failed", async () => {
      pipeline.emulators.faults.s3!.inject({
        operation: "GetObject",
        times: 1,
        when: (request) => request.url.includes(`states_${ids[0]}.json`),
        fault: { kind: "status", ...awsErrors.s3(403, "AccessDenied", "Access Denied") },
      });
      const summary = await backfill(access, target, {
        stage: "processing",
        range: snapshotRange(hourOf(Number(ids[0])), hourOf(Number(ids[0]))),
        concurrency: 1,
        force: true,
        dryRun: false,
      });
      pipeline.emulators.faults.s3!.clear();
      const own = summary.outcomes.find((outcome) => outcome.snapshotId === ids[0]);
      expect(own?.status).to.equal("failed");
      expect(own?.error).to.contain("AccessDenied");
      expect(backfillFailed(summary)).to.equal(true);
    });
  });

  describe("redrive", () => {
    it("lists the DLQ's failure records in a dry run, with error, age and snapshot, and keeps them", async () => {
      const summary = await redrive(access, target, { stage: "processing", max: 100, dryRun: true, force: false });
      expect(summary.outcomes.map((outcome) => outcome.action)).to.deep.equal(["kept", "kept"]);
      expect(summary.outcomes.flatMap((outcome) => outcome.letter.snapshots).sort()).to.deep.equal(failing);
      for (const { letter } of summary.outcomes) {
        expect(letter.error).to.contain("AccessDenied");
        expect(letter.attempts).to.equal(3);
        expect(Date.now() - (letter.failedAt as Date).getTime()).to.be.within(0, 180_000);
      }
      const one = await redrive(access, target, { stage: "processing", max: 1, dryRun: true, force: false });
      expect(one.outcomes, "--max 1").to.have.length(1);
      const again = await redrive(access, target, { stage: "processing", max: 100, dryRun: true, force: false });
      expect(again.outcomes, "a dry run, and --max, leave the other messages visible in the queue").to.have.length(2);
    });

    it("replays records of snapshots the backfill already fixed: nothing is redone, the messages go", async () => {
      const before = invocations();
      const summary = await redrive(access, target, { stage: "processing", max: 100, dryRun: false, force: false });
      expect(summary.outcomes.map((outcome) => outcome.action)).to.deep.equal(["redriven", "redriven"]);
      await pipeline.idle();
      expect(invocations()).to.deep.equal({ processing: before.processing + 2, validation: before.validation });
      expect((await redrive(access, target, { stage: "processing", max: 100, dryRun: true, force: false })).outcomes).to.deep.equal([]);
    });

    describe("an unreadable raw object", () => {
      const poisonTime = Number(ids[3]) + 60;
      const poisonKey = keyForSnapshot("raw", poisonTime);
      before(async () => {
        await pipeline.emulators.clients.s3.send(new PutObjectCommand({ Bucket: target.rawBucket, Key: poisonKey, Body: "{not json" }));
        await pipeline.idle();
      });

      it("fails when redriven before it is repaired, and stays in the queue", async () => {
        const summary = await redrive(access, target, { stage: "processing", max: 100, dryRun: false, force: false });
        expect(summary.outcomes.map((outcome) => outcome.action)).to.deep.equal(["failed"]);
        expect(summary.outcomes[0]?.error).to.contain("UnreadableSnapshotError");
        expect(redriveFailed(summary)).to.equal(true);
        const listed = await redrive(access, target, { stage: "processing", max: 100, dryRun: true, force: false });
        expect(listed.outcomes.map((outcome) => outcome.letter.snapshots)).to.deep.equal([[String(poisonTime)]]);
      });

      it("succeeds when redriven after the object was repaired; validation follows and the queue is empty", async () => {
        const repaired = generatedSnapshots(1, 77)[0]!.snapshot;
        await pipeline.withoutS3Events(() =>
          pipeline.emulators.clients.s3.send(
            new PutObjectCommand({ Bucket: target.rawBucket, Key: poisonKey, Body: JSON.stringify({ ...repaired, time: poisonTime }) }),
          ),
        );
        const summary = await redrive(access, target, { stage: "processing", max: 100, dryRun: false, force: false });
        expect(summary.outcomes.map((outcome) => outcome.action)).to.deep.equal(["redriven"]);
        expect(redriveFailed(summary)).to.equal(false);
        await pipeline.idle();
        expect((await tracking("processing"))[String(poisonTime)]?.status).to.equal("succeeded");
        expect((await tracking("validation"))[String(poisonTime)]?.status).to.equal("succeeded");
        expect((await redrive(access, target, { stage: "processing", max: 100, dryRun: false, force: false })).outcomes).to.deep.equal([]);
      });
    });

    describe("missed ticks", () => {
      let tickTime: number;
      before(async () => {
        // OpenSky serves an HTML page three times: ingestion refuses it on every attempt.
        const page = openSkyFailures.body("<html><body>Service temporarily unavailable</body></html>", "text/html");
        pipeline.emulators.opensky.scriptStates(page, page, page);
        tickTime = Number(ids[3]) + 300;
        pipeline.fireScheduledEvent(new Date(tickTime * 1000));
        await pipeline.idle();
      });

      it("lists ingestion's missed tick with its error in a dry run, and invokes nothing", async () => {
        const before = pipeline.functions.ingestion.figures.invocations;
        const summary = await redrive(access, target, { stage: "ingestion", max: 100, dryRun: true, force: false });
        expect(summary.outcomes.map((outcome) => [outcome.action, outcome.letter.snapshots])).to.deep.equal([["kept", [String(tickTime)]]]);
        expect(summary.outcomes[0]?.letter.error).to.contain("SnapshotBodyError");
        expect(summary.check).to.equal(undefined);
        expect(pipeline.functions.ingestion.figures.invocations).to.equal(before);
      });

      it("checks with one ingestion run that a snapshot is stored again, then acknowledges the tick", async () => {
        const current = generateSnapshot({ seed: 99, stateCount: 500, time: tickTime + 600 }).snapshot;
        pipeline.emulators.opensky.setSnapshot(current);
        const summary = await redrive(access, target, { stage: "ingestion", max: 100, dryRun: false, force: false });
        expect(summary.check?.ok).to.equal(true);
        expect(summary.check?.result).to.include({ snapshotId: String(current.time), stored: true });
        expect(summary.outcomes.map((outcome) => outcome.action)).to.deep.equal(["acknowledged"]);
        expect((await redrive(access, target, { stage: "ingestion", max: 100, dryRun: true, force: false })).outcomes).to.deep.equal([]);
        await pipeline.idle();
      });

      it("does the same for an event the schedule could not deliver", async () => {
        const fired = new Date(tickTime * 1000 + 300_000).toISOString().replace(/\.000Z$/, "Z");
        await pipeline.emulators.clients.sqs.send(
          new SendMessageCommand({
            QueueUrl: target.scheduleDeadLetterQueueUrl,
            MessageBody: JSON.stringify({ version: "0", id: "tick", "detail-type": "Scheduled Event", source: "aws.events", time: fired, detail: {} }),
            MessageAttributes: {
              ERROR_CODE: { DataType: "String", StringValue: "ResourceNotFoundException" },
              ERROR_MESSAGE: { DataType: "String", StringValue: "Function not found" },
              RETRY_ATTEMPTS: { DataType: "String", StringValue: "3" },
            },
          }),
        );
        const summary = await redrive(access, target, { stage: "schedule", max: 100, dryRun: false, force: false });
        expect(summary.outcomes.map((outcome) => [outcome.action, outcome.letter.kind, outcome.letter.error])).to.deep.equal([
          ["acknowledged", "undelivered-event", "ResourceNotFoundException: Function not found"],
        ]);
        expect(summary.outcomes[0]?.letter.snapshots).to.deep.equal([String(Date.parse(fired) / 1000)]);
        expect(summary.check?.ok).to.equal(true);
        await pipeline.idle();
      });
    });

    describe("compaction", () => {
      let day: string;
      const dailyFiles = async (): Promise<string[]> => {
        const listed = await pipeline.emulators.clients.s3.send(new ListObjectsV2Command({ Bucket: target.processedBucket, Prefix: "compacted/states/" }));
        return (listed.Contents ?? []).map((object) => object.Key as string);
      };
      before(async () => {
        day = utcDayOfTime(Number(ids[0]));
        // S3 refuses the daily file on every attempt, so the request lands in compaction's DLQ.
        pipeline.emulators.faults.s3!.inject({
          operation: "PutObject",
          when: (request) => request.url.includes("/compacted/"),
          fault: { kind: "status", ...awsErrors.s3(403, "AccessDenied", "Access Denied") },
        });
        pipeline.invoker.invoke(target.invokeTargets.compaction, { days: [day] });
        await pipeline.idle();
        pipeline.emulators.faults.s3!.clear();
      });

      it("lists the failed request with its days, then compacts them when redriven and empties the queue", async () => {
        const listed = await redrive(access, target, { stage: "compaction", max: 100, dryRun: true, force: false });
        expect(listed.outcomes.map((outcome) => [outcome.action, outcome.letter.kind, outcome.letter.snapshots])).to.deep.equal([
          ["kept", "failed-invocation", [day]],
        ]);
        expect(listed.outcomes[0]?.letter.error).to.contain("AccessDenied");
        expect(await dailyFiles()).to.deep.equal([]);

        const summary = await redrive(access, target, { stage: "compaction", max: 100, dryRun: false, force: false });
        expect(summary.outcomes.map((outcome) => outcome.action)).to.deep.equal(["redriven"]);
        expect(await dailyFiles()).to.have.length(1);
        expect((await tracking("compaction"))[day]?.status).to.equal("succeeded");
        expect((await redrive(access, target, { stage: "compaction", max: 100, dryRun: true, force: false })).outcomes).to.deep.equal([]);
      });

      it("replays an event the compaction schedule could not deliver: the days before it fired are compacted", async () => {
        const fired = `${addDays(day, 1)}T00:15:00Z`;
        await pipeline.emulators.clients.sqs.send(
          new SendMessageCommand({
            QueueUrl: target.compactionScheduleDeadLetterQueueUrl,
            MessageBody: JSON.stringify({ version: "0", id: "daily", "detail-type": "Scheduled Event", source: "aws.events", time: fired, detail: {} }),
            MessageAttributes: {
              ERROR_CODE: { DataType: "String", StringValue: "ResourceNotFoundException" },
              ERROR_MESSAGE: { DataType: "String", StringValue: "Function not found" },
            },
          }),
        );
        const before = pipeline.functions.compaction.figures.invocations;
        const summary = await redrive(access, target, { stage: "compaction-schedule", max: 100, dryRun: false, force: false });
        expect(summary.outcomes.map((outcome) => [outcome.action, outcome.letter.kind, outcome.letter.error])).to.deep.equal([
          ["redriven", "undelivered-event", "ResourceNotFoundException: Function not found"],
        ]);
        expect(summary.outcomes[0]?.letter.snapshots).to.deep.equal([`${day} and the lookback before it`]);
        expect(pipeline.functions.compaction.figures.invocations).to.equal(before + 1);
        expect((await redrive(access, target, { stage: "compaction-schedule", max: 100, dryRun: true, force: false })).outcomes).to.deep.equal([]);
      });
    });
  });
});
