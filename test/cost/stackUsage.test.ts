/**
 * The monthly usage the cost estimate prices: the daily compaction counted as a function of its
 * own, and storage that follows the stack's retention (per-snapshot files expire, daily files stay).
 */
import { expect } from "chai";
import { parseStackConfig } from "../../config/stackConfig";
import { stackUsage } from "../../cost/stackUsage";

const resources = { alarms: 20, dashboards: 1, kmsKeys: 1, secrets: 0 };
/** A global stack with an OpenSky account, as prod is. */
const stack = (settings: Record<string, unknown>) =>
  parseStackConfig({ opensky: { clientId: "k7q2x9-4411" }, openskyClientSecret: "s3cr3t-from-opensky", ...settings });
const measured = { processingMs: 100, validationMs: 20, parquetBytes: 330_000, compactionDayMs: 11_000, compactedDayBytes: 51_000_000, source: "test" };

describe("stack usage for the cost estimate", () => {
  it("runs compaction once a day, at the bench's rate for a day scaled by the stack's snapshots", () => {
    const global = stackUsage("prod", stack({ ingestionScheduleExpression: "rate(5 minutes)" }), resources, measured);
    const compaction = global.functions.find((usage) => usage.function === "compaction");
    expect(compaction?.invocationsPerMonth).to.be.closeTo(30.4, 0.1);
    const quarterDay = stackUsage("prod", stack({ ingestionScheduleExpression: "rate(20 minutes)" }), resources, measured);
    const shorter = quarterDay.functions.find((usage) => usage.function === "compaction");
    expect(shorter!.durationMs, "a quarter of the snapshots takes less time").to.be.lessThan(compaction!.durationMs);
    expect(global.functions.filter((usage) => usage.function !== "compaction").every((usage) => usage.invocationsPerMonth === 8_760)).to.equal(true);
  });

  it("holds per-snapshot files only until they expire, and daily files until theirs", () => {
    const usage = (dataLake: Record<string, unknown>) =>
      stackUsage("prod", stack({ ingestionScheduleExpression: "rate(5 minutes)", dataLake }), resources, measured).s3;
    const stored = (s3: { standardGb: number; standardIaGb: number }) => s3.standardGb + s3.standardIaGb;
    const base = usage({});
    expect(stored(usage({ processedExpirationDays: 60 })), "per-snapshot Parquet kept twice as long").to.be.greaterThan(stored(base));
    expect(stored(usage({ compactedExpirationDays: 120 })), "daily files expiring after 120 days").to.be.lessThan(stored(base));
  });
});
