/** Usage × price table → monthly cost line by line. Pure, so tests can check it with small numbers. */
import type { PriceTable } from "./priceTable";
import { SECONDS_PER_MONTH, type StackUsage } from "./usage";

export interface CostLine {
  service: string;
  item: string;
  /** How the amount was computed, in words and numbers. */
  basis: string;
  usd: number;
}

export interface MonthlyCost {
  lines: CostLine[];
  totalUsd: number;
  /** Lambda cost per function (requests, duration, provisioned concurrency). */
  byFunction: Record<string, number>;
}

const count = (value: number): string => value.toLocaleString("en-US", { maximumFractionDigits: 2 });
const counted = (value: number, noun: string): string => `${count(value)} ${noun}${value === 1 ? "" : "s"}`;

export function monthlyCost(usage: StackUsage, prices: PriceTable): MonthlyCost {
  const lines: CostLine[] = [];
  const add = (service: string, item: string, basis: string, usd: number) => lines.push({ service, item, basis, usd });
  const byFunction: Record<string, number> = {};

  for (const fn of usage.functions) {
    const gb = fn.memoryMb / 1024;
    const gbSeconds = fn.invocationsPerMonth * (fn.durationMs / 1000) * gb;
    const requests = (fn.invocationsPerMonth / 1e6) * prices.lambda.requestPerMillion;
    add("Lambda", `${fn.function} requests`, `${count(fn.invocationsPerMonth)} invocations`, requests);
    let total = requests;
    if (fn.provisionedConcurrency > 0) {
      const kept = fn.provisionedConcurrency * gb * SECONDS_PER_MONTH * prices.lambda.provisionedGbSecond[fn.architecture];
      const duration = gbSeconds * prices.lambda.provisionedDurationGbSecond[fn.architecture];
      add("Lambda", `${fn.function} provisioned concurrency`, `${fn.provisionedConcurrency} × ${fn.memoryMb} MB × 730 h, ${fn.architecture}`, kept);
      add("Lambda", `${fn.function} duration`, `${count(gbSeconds)} GB-s at the provisioned rate (${fn.durationMs} ms each)`, duration);
      total += kept + duration;
    } else {
      const duration = gbSeconds * prices.lambda.gbSecond[fn.architecture];
      add("Lambda", `${fn.function} duration`, `${count(gbSeconds)} GB-s, ${fn.architecture} (${fn.durationMs} ms each)`, duration);
      total += duration;
    }
    byFunction[fn.function] = total;
  }

  const { s3, cloudwatch: cw } = usage;
  add("S3", "PUT requests", `${count(s3.putsPerMonth)} PUTs`, (s3.putsPerMonth / 1000) * prices.s3.putPerThousand);
  add("S3", "GET/HEAD requests", `${count(s3.getsPerMonth)} GETs`, (s3.getsPerMonth / 1000) * prices.s3.getPerThousand);
  add("S3", "storage, Standard", `${count(s3.standardGb)} GB`, s3.standardGb * prices.s3.standardGbMonth);
  add("S3", "storage, Standard-IA", `${count(s3.standardIaGb)} GB`, s3.standardIaGb * prices.s3.standardIaGbMonth);
  add("CloudWatch", "custom metrics", counted(cw.customMetrics, "metric"), cw.customMetrics * prices.cloudwatch.metricMonth);
  add(
    "CloudWatch",
    "PutMetricData requests",
    `${count(cw.putMetricDataRequestsPerMonth)} requests`,
    (cw.putMetricDataRequestsPerMonth / 1000) * prices.cloudwatch.putMetricDataPerThousand,
  );
  add("CloudWatch", "alarms", counted(cw.alarms, "standard alarm"), cw.alarms * prices.cloudwatch.alarmMonth);
  add("CloudWatch", "dashboards", counted(cw.dashboards, "dashboard"), cw.dashboards * prices.cloudwatch.dashboardMonth);
  add("CloudWatch", "Logs ingestion", `${count(cw.logsIngestedGbPerMonth)} GB`, cw.logsIngestedGbPerMonth * prices.cloudwatch.logsIngestedGb);
  add("CloudWatch", "Logs storage", `${count(cw.logsStoredGb)} GB held`, cw.logsStoredGb * prices.cloudwatch.logsStoredGbMonth);
  add(
    "DynamoDB",
    "on-demand writes",
    `${count(usage.dynamodb.writesPerMonth)} write units`,
    (usage.dynamodb.writesPerMonth / 1e6) * prices.dynamodb.writeRequestPerMillion,
  );
  add(
    "DynamoDB",
    "on-demand reads",
    `${count(usage.dynamodb.readsPerMonth)} read units`,
    (usage.dynamodb.readsPerMonth / 1e6) * prices.dynamodb.readRequestPerMillion,
  );
  add("SNS", "publishes", `${count(usage.sns.publishesPerMonth)} publishes`, (usage.sns.publishesPerMonth / 1e6) * prices.sns.publishPerMillion);
  add("SNS", "email deliveries", `${count(usage.sns.emailsPerMonth)} emails`, (usage.sns.emailsPerMonth / 1e5) * prices.sns.emailPerHundredThousand);
  add("KMS", "customer managed keys", counted(usage.kms.keys, "key"), usage.kms.keys * prices.kms.keyMonth);
  add("KMS", "requests", `${count(usage.kms.requestsPerMonth)} requests`, (usage.kms.requestsPerMonth / 1e4) * prices.kms.requestPerTenThousand);
  add("Secrets Manager", "secrets", counted(usage.secretsManager.secrets, "secret"), usage.secretsManager.secrets * prices.secretsManager.secretMonth);
  add(
    "Secrets Manager",
    "API calls",
    `${count(usage.secretsManager.apiCallsPerMonth)} calls`,
    (usage.secretsManager.apiCallsPerMonth / 1e4) * prices.secretsManager.apiCallPerTenThousand,
  );
  add("SQS", "requests", `${count(usage.sqs.requestsPerMonth)} requests`, (usage.sqs.requestsPerMonth / 1e6) * prices.sqs.requestPerMillion);
  add("X-Ray", "traces recorded", `${count(usage.xray.tracesPerMonth)} traces`, (usage.xray.tracesPerMonth / 1e6) * prices.xray.traceRecordedPerMillion);

  return { lines, totalUsd: lines.reduce((sum, line) => sum + line.usd, 0), byFunction };
}
