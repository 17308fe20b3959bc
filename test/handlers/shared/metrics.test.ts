import type { MetricDatum } from "@aws-sdk/client-cloudwatch";
import { expect } from "chai";
import { batchMetricData, createMetricsPublisher, toMetricDatum } from "../../../handlers/shared/metrics";
import { type RunningEmulators, startEmulators } from "../../../emulators";

describe("metrics publisher", () => {
  const now = new Date("2026-01-10T12:00:00Z");

  it("adds the Environment dimension and the time of adding", () => {
    expect(toMetricDatum({ name: "RecordsProcessed", value: 6553, unit: "Count", dimensions: { Check: "icao24" } }, "dev", now)).to.deep.equal({
      MetricName: "RecordsProcessed",
      Value: 6553,
      Unit: "Count",
      Dimensions: [
        { Name: "Environment", Value: "dev" },
        { Name: "Check", Value: "icao24" },
      ],
      Timestamp: now,
    });
  });

  it("refuses data CloudWatch would reject, naming the metric", () => {
    expect(() => toMetricDatum({ name: "Score", value: Number.NaN, unit: "Percent" }, "dev", now)).to.throw(/metric "Score": value NaN/);
    expect(() => toMetricDatum({ name: "", value: 1, unit: "Count" }, "dev", now)).to.throw(/name "" must be 1 to 255/);
    expect(() => toMetricDatum({ name: "X", value: 1, unit: "Count", dimensions: { Environment: "prod" } }, "dev", now)).to.throw(
      /Environment dimension is set by the publisher/,
    );
    const dimensions = Object.fromEntries(Array.from({ length: 30 }, (_, index) => [`d${index}`, "v"]));
    expect(() => toMetricDatum({ name: "X", value: 1, unit: "Count", dimensions }, "dev", now)).to.throw(/31 dimensions, CloudWatch allows 30/);
  });

  it("batches by count (1,000) and by size", () => {
    const small: MetricDatum = { MetricName: "X", Value: 1 };
    expect(batchMetricData(Array(2500).fill(small)).map((batch) => batch.length)).to.deep.equal([1000, 1000, 500]);
    const big: MetricDatum = { MetricName: "X".repeat(255), Dimensions: Array(30).fill({ Name: "N".repeat(255), Value: "V".repeat(255) }) };
    const batches = batchMetricData(Array(100).fill(big));
    expect(batches.length).to.be.greaterThan(1);
    for (const batch of batches) expect(Buffer.byteLength(JSON.stringify(batch))).to.be.below(1_000_000);
    expect(batchMetricData([])).to.deep.equal([]);
  });

  describe("against the CloudWatch emulator", () => {
    let emulators: RunningEmulators<"cloudwatch">;
    before(async () => {
      emulators = await startEmulators({ services: ["cloudwatch"], cloudwatch: { clock: () => now } });
    });
    after(() => emulators.stop());

    it("publishes 2,500 data in three accepted calls, in namespace FlightDataPipeline", async () => {
      const publisher = createMetricsPublisher({ cloudwatch: emulators.clients.cloudwatch, environment: "dev", clock: () => now });
      const sent = await publisher.publish(Array.from({ length: 2500 }, (_, index) => ({ name: "CheckFailures", value: index, unit: "Count" as const })));
      expect(sent).to.equal(2500);
      expect(emulators.cloudwatch.acceptedRequests).to.equal(3);
      expect(emulators.cloudwatch.rejected).to.deep.equal([]);
      expect(emulators.cloudwatch.metrics).to.have.length(2500);
      expect(emulators.cloudwatch.metrics[2499]).to.deep.include({
        namespace: "FlightDataPipeline",
        name: "CheckFailures",
        value: 2499,
        unit: "Count",
        dimensions: { Environment: "dev" },
      });
      expect(await publisher.flush()).to.equal(0);
    });
  });
});
