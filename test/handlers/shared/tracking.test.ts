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

  const claim = (snapshotId: string, requestId: string, input = "etag-1", extra: { leaseMs?: number; force?: boolean } = {}) =>
    tracking.claim({
      snapshotId,
      stage: "processing",
      requestId,
      input,
      leaseMs: extra.leaseMs ?? 60_000,
      s3Keys: { raw: "raw/a.json" },
      ...(extra.force ? { force: true } : {}),
    });

  const acquired = async (snapshotId: string, requestId: string, input?: string, extra?: { leaseMs?: number; force?: boolean }) => {
    const result = await claim(snapshotId, requestId, input, extra);
    if (result.kind !== "acquired") throw new Error(`expected to acquire ${snapshotId}, got ${result.kind}`);
    return result.run;
  };

  it("claims a stage, then writes its outcome on the same item with keys merged and the lease given back", async () => {
    now = new Date("2026-01-10T12:00:00Z");
    const run = await acquired("1766888059", "req-1");
    expect(run.record).to.deep.include({ status: "started", attempt: 1, startedAt: "2026-01-10T12:00:00.000Z", leaseOwner: "req-1", input: "etag-1" });
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
      input: "etag-1",
      counts: { rows: 6551, quarantined: 2 },
      s3Keys: { raw: "raw/a.json", processed: "processed/a.parquet" },
      details: { codec: "snappy", strict: false },
      expiresAt: Date.parse("2026-02-09T12:00:02Z") / 1000,
      duplicates: 0,
    });
    expect(await tracking.read("1766888059", "processing")).to.deep.equal(finished);
  });

  it("answers a second delivery of a finished input with done, and a new input with a new claim", async () => {
    const run = await acquired("1766888119", "req-1");
    await run.finish({ status: "succeeded" });
    const again = await claim("1766888119", "req-2");
    expect(again.kind).to.equal("done");
    await tracking.noteDuplicate("1766888119", "processing", "req-2");
    expect((await tracking.read("1766888119", "processing"))?.duplicates).to.equal(1);
    expect((await claim("1766888119", "req-3", "etag-2")).kind, "another version of the object is new work").to.equal("acquired");
  });

  it("lets exactly one of many concurrent deliveries acquire the claim", async () => {
    const claims = await Promise.all(["a", "b", "c", "d", "e", "f"].map((id) => claim("1766888179", `req-${id}`)));
    expect(claims.filter((result) => result.kind === "acquired")).to.have.length(1);
    expect(claims.filter((result) => result.kind === "busy")).to.have.length(5);
  });

  it("gives a retry with the same request id its lease back, and a crashed run's lease to anyone once it lapses", async () => {
    now = new Date("2026-01-10T12:00:00Z");
    await acquired("1766888239", "req-crashed", "etag-1", { leaseMs: 10_000 });
    expect((await claim("1766888239", "req-other")).kind).to.equal("busy");
    const retry = await acquired("1766888239", "req-crashed");
    expect(retry.record.attempt).to.equal(2);
    now = new Date("2026-01-10T12:01:30Z");
    const takeover = await acquired("1766888239", "req-other");
    expect(takeover.record).to.deep.include({ attempt: 3, leaseOwner: "req-other" });
    const late = await retry.finish({ status: "succeeded" }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(late?.name, "the run whose lease lapsed cannot overwrite the new owner's outcome").to.equal("LeaseLostError");
    now = new Date("2026-01-10T12:00:00Z");
  });

  it("counts attempts and clears the previous attempt's error when a failed stage is claimed again", async () => {
    const first = await acquired("1766888359", "req-1");
    await first.finish({ status: "failed", errorMessage: "boom" });
    const second = await acquired("1766888359", "req-2");
    expect(second.record.attempt).to.equal(2);
    expect(second.record.errorMessage).to.equal(undefined);
    expect(second.record.status).to.equal("started");
  });

  it("redoes a finished input when forced, but never takes a live lease", async () => {
    const first = await acquired("1766888419", "req-1");
    await first.finish({ status: "succeeded" });
    const forced = await acquired("1766888419", "req-backfill", "etag-1", { force: true });
    expect((await claim("1766888419", "req-backfill-2", "etag-1", { force: true })).kind).to.equal("busy");
    await forced.finish({ status: "succeeded" });
  });

  it("hands out a snapshot's metrics once, across retries, forced reruns and new inputs", async () => {
    const first = await acquired("1766888479", "req-1");
    expect(await first.claimMetrics()).to.equal(true);
    expect(await first.claimMetrics()).to.equal(false);
    await first.finish({ status: "failed", errorMessage: "later step failed" });
    const retry = await acquired("1766888479", "req-1");
    expect(await retry.claimMetrics()).to.equal(false);
    await retry.finish({ status: "succeeded" });
    const forced = await acquired("1766888479", "req-2", "etag-2", { force: true });
    expect(await forced.claimMetrics()).to.equal(false);
    expect(await tracking.claimMetrics("1766888539", "ingestion"), "no item, nothing recorded yet").to.equal(false);
    await tracking.record({ snapshotId: "1766888539", stage: "ingestion", status: "succeeded", startedAt: now });
    expect(await tracking.claimMetrics("1766888539", "ingestion")).to.equal(true);
    expect(await tracking.claimMetrics("1766888539", "ingestion")).to.equal(false);
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
