import { type MetricDatum, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { expect } from "chai";
import { type RunningEmulators, startEmulators } from "../../emulators";

describe("CloudWatch PutMetricData emulator", () => {
  let emulators: RunningEmulators<"cloudwatch">;
  const now = new Date("2026-01-10T12:00:00Z");

  before(async () => {
    emulators = await startEmulators({ services: ["cloudwatch"], cloudwatch: { clock: () => now } });
  });
  after(() => emulators.stop());
  beforeEach(() => emulators.cloudwatch.clear());

  const put = (metricData: MetricDatum[], namespace = "FlightDataPipeline") =>
    emulators.clients.cloudwatch.send(new PutMetricDataCommand({ Namespace: namespace, MetricData: metricData }));
  const rejection = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );

  it("decodes the SDK's real request: names, dimensions, values, units, timestamps", async () => {
    await put([
      {
        MetricName: "DataQualityScore",
        Dimensions: [{ Name: "Environment", Value: "dev" }],
        Value: 97.5,
        Unit: "Percent",
        Timestamp: new Date("2026-01-10T11:59:00Z"),
      },
      { MetricName: "Latency", Values: [1, 2.5], Counts: [3, 1], Unit: "Milliseconds", StorageResolution: 1 },
      { MetricName: "Rows", StatisticValues: { SampleCount: 2, Sum: 10, Minimum: 4, Maximum: 6 }, Unit: "Count" },
    ]);

    expect(emulators.cloudwatch.acceptedRequests).to.equal(1);
    expect(emulators.cloudwatch.gzippedRequests).to.equal(0);
    const [score, latency, rows] = emulators.cloudwatch.metrics;
    expect(score).to.deep.equal({
      namespace: "FlightDataPipeline",
      name: "DataQualityScore",
      dimensions: { Environment: "dev" },
      value: 97.5,
      unit: "Percent",
      timestamp: new Date("2026-01-10T11:59:00Z"),
      storageResolution: 60,
    });
    expect(latency).to.include({ name: "Latency", unit: "Milliseconds", storageResolution: 1 });
    expect(latency?.values).to.deep.equal([1, 2.5]);
    expect(latency?.counts).to.deep.equal([3, 1]);
    expect(rows?.statisticValues).to.deep.equal({ SampleCount: 2, Sum: 10, Minimum: 4, Maximum: 6 });
    expect(emulators.cloudwatch.find("DataQualityScore", { Environment: "dev" })).to.have.length(1);
    expect(emulators.cloudwatch.find("DataQualityScore", { Environment: "prod" })).to.have.length(0);
  });

  it("decodes a gzip-compressed request (the SDK compresses bodies over 10 KB)", async () => {
    const data = Array.from({ length: 400 }, (_, index) => ({
      MetricName: `CheckFailures_${index}`,
      Dimensions: [{ Name: "Environment", Value: "dev" }],
      Value: index,
      Unit: "Count" as const,
    }));
    await put(data);
    expect(emulators.cloudwatch.gzippedRequests).to.equal(1);
    expect(emulators.cloudwatch.metrics).to.have.length(400);
    expect(emulators.cloudwatch.metrics[399]).to.include({ name: "CheckFailures_399", value: 399 });
  });

  it("rejects more than 1,000 data in one call, recording none of them", async () => {
    const data = Array.from({ length: 1001 }, () => ({ MetricName: "Rows", Value: 1 }));
    const error = await rejection(put(data));
    expect(error?.name).to.equal("InvalidParameterValueException");
    expect(error?.message).to.match(/MetricData must not have a size greater than 1000/);
    expect(emulators.cloudwatch.metrics).to.have.length(0);
  });

  it("rejects what CloudWatch rejects: NaN, AWS/ namespaces, 31 dimensions, old timestamps, two value forms", async () => {
    const dimensions = Array.from({ length: 31 }, (_, index) => ({ Name: `d${index}`, Value: "v" }));
    const cases: [Promise<unknown>, string, RegExp][] = [
      [put([{ MetricName: "X", Value: Number.NaN }]), "InvalidParameterValueException", /MetricData.member.1.Value/],
      [put([{ MetricName: "X", Value: 1 }], "AWS/Lambda"), "InvalidParameterValueException", /Namespace/],
      [put([{ MetricName: "X", Value: 1, Dimensions: dimensions }]), "InvalidParameterValueException", /at most 30 dimensions/],
      [put([{ MetricName: "X", Value: 1, Timestamp: new Date("2025-12-01T00:00:00Z") }]), "InvalidParameterValueException", /Timestamp/],
      [put([{ MetricName: "X", Value: 1, Values: [1] }]), "InvalidParameterCombinationException", /at most one of Value/],
    ];
    for (const [promise, name, message] of cases) {
      const error = await rejection(promise);
      expect(error?.name, String(message)).to.equal(name);
      expect(error?.message).to.match(message);
    }
    expect(emulators.cloudwatch.rejected).to.have.length(cases.length);
    expect(emulators.cloudwatch.metrics).to.have.length(0);
  });
});
