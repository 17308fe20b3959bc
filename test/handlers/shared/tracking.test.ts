import { expect } from "chai";
import { createTrackingStore, type TrackingStore } from "../../../handlers/shared/tracking";
import { createTrackingTable, type RunningEmulators, startEmulators } from "../../../emulators";

describe("execution tracking against the DynamoDB emulator", () => {
  let emulators: RunningEmulators<"dynamodb">;
  let now = new Date("2026-01-10T12:00:00Z");
  let tracking: TrackingStore;

  before(async () => {
    emulators = await startEmulators({ services: ["dynamodb"] });
    await createTrackingTable(emulators.clients.dynamodb, "tracking");
    tracking = createTrackingStore({ dynamodb: emulators.clients.dynamodb, tableName: "tracking", ttlDays: 30, clock: () => now });
  });
  after(() => emulators.stop());

  it("brackets a stage: started, then its outcome on the same item with keys merged", async () => {
    const run = await tracking.start({
      snapshotId: "1766888059",
      stage: "processing",
      requestId: "req-1",
      s3Keys: { raw: "raw/a.json" },
    });
    expect(run.record).to.deep.include({ status: "started", attempt: 1, startedAt: "2026-01-10T12:00:00.000Z" });
    expect(run.record.expiresAt).to.equal(Date.parse("2026-02-09T12:00:00Z") / 1000);

    now = new Date("2026-01-10T12:00:02Z");
    const finished = await run.finish({
      status: "succeeded",
      counts: { rows: 6551, quarantined: 2 },
      s3Keys: { processed: "processed/a.parquet" },
      details: { codec: "snappy", strict: false },
    });
    expect(finished).to.deep.equal({
      snapshotId: "1766888059",
      stage: "processing",
      status: "succeeded",
      startedAt: "2026-01-10T12:00:00.000Z",
      updatedAt: "2026-01-10T12:00:02.000Z",
      finishedAt: "2026-01-10T12:00:02.000Z",
      attempt: 1,
      requestId: "req-1",
      counts: { rows: 6551, quarantined: 2 },
      s3Keys: { raw: "raw/a.json", processed: "processed/a.parquet" },
      details: { codec: "snappy", strict: false },
      expiresAt: Date.parse("2026-02-09T12:00:02Z") / 1000,
    });
    expect(await tracking.read("1766888059", "processing")).to.deep.equal(finished);
  });

  it("counts attempts and clears the previous attempt's error when a retry starts", async () => {
    const first = await tracking.start({ snapshotId: "1766888359", stage: "validation" });
    await first.finish({ status: "failed", errorMessage: "boom" });
    const second = await tracking.start({ snapshotId: "1766888359", stage: "validation" });
    expect(second.record.attempt).to.equal(2);
    expect(second.record.errorMessage).to.equal(undefined);
    expect(second.record.status).to.equal("started");
  });

  it("writes a one-shot outcome, shortening a huge error message", async () => {
    const recorded = await tracking.record({
      snapshotId: "1766888659",
      stage: "ingestion",
      status: "failed",
      startedAt: new Date("2026-01-10T11:59:59Z"),
      errorMessage: "x".repeat(5000),
    });
    expect(recorded).to.deep.include({ status: "failed", attempt: 1, startedAt: "2026-01-10T11:59:59.000Z" });
    expect(recorded.errorMessage).to.have.length.below(2100);
    expect(recorded.errorMessage).to.match(/… \(5000 characters\)$/);
    expect((await tracking.record({ snapshotId: "1766888659", stage: "ingestion", status: "succeeded", startedAt: now })).attempt).to.equal(2);
  });

  it("counts a repeated fire without overwriting the outcome already recorded", async () => {
    const first = await tracking.record({
      snapshotId: "1766888959",
      stage: "ingestion",
      status: "succeeded",
      startedAt: now,
      requestId: "req-first",
      counts: { states: 10 },
      s3Keys: { raw: "raw/b.json" },
    });
    const repeat = await tracking.noteRepeat({ snapshotId: "1766888959", stage: "ingestion", startedAt: now, requestId: "req-again" });
    expect(repeat).to.deep.include({ status: "succeeded", attempt: 2, requestId: "req-again", finishedAt: first.finishedAt });
    expect(repeat.counts).to.deep.equal({ states: 10 });
    expect(repeat.s3Keys).to.deep.equal({ raw: "raw/b.json" });
  });

  it("records a repeat of work whose first record is missing as skipped, with the object it found", async () => {
    const repeat = await tracking.noteRepeat({
      snapshotId: "1766889259",
      stage: "ingestion",
      startedAt: now,
      s3Keys: { raw: "raw/c.json" },
    });
    expect(repeat).to.deep.include({ status: "skipped", attempt: 1 });
    expect(repeat.s3Keys).to.deep.equal({ raw: "raw/c.json" });
    expect(repeat.expiresAt).to.be.greaterThan(0);
  });

  it("returns undefined for a snapshot and stage never tracked", async () => {
    expect(await tracking.read("0", "ingestion")).to.equal(undefined);
  });
});
