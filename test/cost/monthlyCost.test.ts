import { expect } from "chai";
import { monthlyCost } from "../../cost/monthlyCost";
import { loadPriceTable, parsePriceTable, type PriceTable } from "../../cost/priceTable";
import { firesPerMonth } from "../../cost/stackUsage";
import type { FunctionUsage, StackUsage } from "../../cost/usage";

const prices: PriceTable = loadPriceTable();

function usageWith(functions: FunctionUsage[], overrides: Partial<StackUsage> = {}): StackUsage {
  return {
    stack: "tiny",
    functions,
    s3: { putsPerMonth: 0, getsPerMonth: 0, standardGb: 0, standardIaGb: 0 },
    cloudwatch: { customMetrics: 0, putMetricDataRequestsPerMonth: 0, alarms: 0, dashboards: 0, logsIngestedGbPerMonth: 0, logsStoredGb: 0 },
    dynamodb: { writesPerMonth: 0, readsPerMonth: 0 },
    sns: { publishesPerMonth: 0, emailsPerMonth: 0 },
    kms: { keys: 0, requestsPerMonth: 0 },
    secretsManager: { secrets: 0, apiCallsPerMonth: 0 },
    sqs: { requestsPerMonth: 0 },
    xray: { tracesPerMonth: 0 },
    assumptions: [],
    ...overrides,
  };
}

const oneGbFunction = (overrides: Partial<FunctionUsage> = {}): FunctionUsage => ({
  function: "processing",
  memoryMb: 1024,
  architecture: "x86_64",
  invocationsPerMonth: 1_000_000,
  durationMs: 1_000,
  durationSource: "test",
  provisionedConcurrency: 0,
  ...overrides,
});

describe("cost estimate", () => {
  it("prices a million one-second 1 GB invocations at the list rates", () => {
    const cost = monthlyCost(usageWith([oneGbFunction()]), prices);
    // 1,000,000 GB-s × $0.0000166667 + 1M requests × $0.20.
    expect(cost.byFunction.processing).to.be.closeTo(16.6667 + 0.2, 1e-6);
    expect(cost.totalUsd).to.be.closeTo(16.8667, 1e-6);
  });

  it("charges arm64 less than x86_64 and bills provisioned instances for the whole month", () => {
    const arm = monthlyCost(usageWith([oneGbFunction({ architecture: "arm64" })]), prices);
    expect(arm.byFunction.processing).to.be.closeTo(13.3334 + 0.2, 1e-6);
    const provisioned = monthlyCost(usageWith([oneGbFunction({ invocationsPerMonth: 0, provisionedConcurrency: 2 })]), prices);
    // 2 instances × 1 GB × 730 h × 3,600 s × $0.0000041667.
    expect(provisioned.byFunction.processing).to.be.closeTo(2 * 730 * 3600 * 0.0000041667, 1e-6);
  });

  it("adds the other services from their own units", () => {
    const cost = monthlyCost(
      usageWith([], {
        s3: { putsPerMonth: 1_000, getsPerMonth: 10_000, standardGb: 10, standardIaGb: 0 },
        cloudwatch: { customMetrics: 10, putMetricDataRequestsPerMonth: 1_000, alarms: 2, dashboards: 1, logsIngestedGbPerMonth: 2, logsStoredGb: 0 },
        dynamodb: { writesPerMonth: 1_000_000, readsPerMonth: 0 },
      }),
      prices,
    );
    const expected = 0.005 + 0.004 + 0.23 + 3 + 0.01 + 0.2 + 3 + 1 + 0.625;
    expect(cost.totalUsd).to.be.closeTo(expected, 1e-9);
  });

  it("turns rate() schedules into fires per 730-hour month and refuses cron()", () => {
    expect(firesPerMonth("rate(5 minutes)")).to.equal(8_760);
    expect(firesPerMonth("rate(1 hour)")).to.equal(730);
    expect(() => firesPerMonth("cron(0 * * * ? *)")).to.throw(/only rate\(\) schedules/);
  });

  it("rejects a price file with a missing or negative price, naming each entry", () => {
    const broken = JSON.parse(JSON.stringify(prices)) as Record<string, any>;
    delete broken.lambda.gbSecond.arm64;
    broken.s3.putPerThousand = -1;
    expect(() => parsePriceTable(broken, "broken.json"))
      .to.throw(/price file broken\.json is not usable/)
      .and.to.match(/prices\.lambda\.gbSecond\.arm64 is missing; expected a non-negative number/)
      .and.to.match(/prices\.s3\.putPerThousand is -1/);
  });

  it("rejects a price file without the date its prices hold", () => {
    expect(() => parsePriceTable({ ...prices, asOf: "last year" }, "undated.json")).to.throw(/asOf is "last year"; expected the date/);
  });
});
