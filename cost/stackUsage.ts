/**
 * A stack's monthly usage from its configuration, the resources its program creates (counted
 * under Pulumi's mocks) and the benchmarked durations. Every number that is not read from one of
 * those is an assumption, and each is recorded in `assumptions` to be printed with the estimate.
 */
import { INGESTION_METRICS, QUALITY_CHECK_NAMES } from "../contract/publishedMetrics";
import { METRIC } from "../contract/metricNames";
import { callsPerDay, type StackConfig } from "../config/stackConfig";
import { HOURS_PER_MONTH, type FunctionUsage, type StackUsage } from "./usage";


/** What the estimate needs from the benchmark; absent fields fall back to stated defaults. */
export interface MeasuredDurations {
  /** Processing one 6,500-state snapshot (JSON text → Parquet), warm, ms. */
  processingMs?: number;
  /** Validating it (read back + every check + report), warm, ms. */
  validationMs?: number;
  /** The Parquet file of that snapshot, bytes. */
  parquetBytes?: number;
  source: string;
}

export interface ResourceCounts {
  alarms: number;
  dashboards: number;
  kmsKeys: number;
  secrets: number;
}

/** What handlers/validation/qualityMetrics.ts publishes once per snapshot, besides one CheckFailures per check. */
const VALIDATION_SCORE_METRICS = [
  METRIC.dataQualityScore,
  METRIC.completenessScore,
  METRIC.errorRate,
  METRIC.recordsProcessed,
  METRIC.emergencySquawks,
  METRIC.contactStaleness,
];

const MINUTES_PER_MONTH = HOURS_PER_MONTH * 60;
const GLOBAL_STATES = 6_500;
const BOX_STATES = 500;
const RAW_BYTES_PER_STATE = 130;
const REPORT_BYTES = 12_000;
/** Lambda gives a function one full vCPU at 1,769 MB and CPU in proportion below that. */
const FULL_VCPU_MB = 1_769;
/** S3, DynamoDB and CloudWatch calls of one invocation, on top of its computation. */
const AWS_CALLS_MS = 150;
const INGESTION_DEFAULT_MS = 1_000;
const PROCESSING_DEFAULT_MS = 70;
const VALIDATION_DEFAULT_MS = 15;
const LOG_BYTES_PER_INVOCATION = 2_048;
const INSIGHTS_METRICS_PER_FUNCTION = 8;
const INSIGHTS_LOG_BYTES_PER_INVOCATION = 1_100;
const ALERT_PUBLISHES_PER_MONTH = 10;
const GB = 1024 ** 3;

/** Fires per month of a rate() expression; cron() is not estimated. */
export function firesPerMonth(expression: string): number {
  const perDay = callsPerDay(expression);
  if (perDay === undefined) throw new Error(`the cost estimate reads only rate() schedules; ${expression} is not one`);
  return (perDay * MINUTES_PER_MONTH) / 1_440;
}

/** Benchmark compute time scaled to the function's share of a vCPU (a bench core counts as one vCPU). */
function scaledMs(computeMs: number, memoryMb: number): number {
  return Math.round(computeMs * Math.max(1, FULL_VCPU_MB / memoryMb) + AWS_CALLS_MS);
}

export function stackUsage(stack: string, config: StackConfig, resources: ResourceCounts, measured: MeasuredDurations): StackUsage {
  const assumptions: string[] = [];
  const fires = config.enableScheduledIngestion ? firesPerMonth(config.ingestionScheduleExpression) : 0;
  assumptions.push(
    `A month is ${HOURS_PER_MONTH} hours; ingestion fires ${fires.toLocaleString("en-US")} times (${config.enableScheduledIngestion ? config.ingestionScheduleExpression : "schedule off"}).`,
    "Every fire stores one new snapshot, which processing and validation each handle once (no duplicates, retries or rate-limited runs).",
  );
  const states = config.opensky.boundingBox === undefined ? GLOBAL_STATES : BOX_STATES;
  assumptions.push(`A snapshot holds ${states.toLocaleString("en-US")} states (${config.opensky.boundingBox === undefined ? "global" : "one bounding box"}), ${RAW_BYTES_PER_STATE} bytes each as raw JSON.`);

  const sizeRatio = states / GLOBAL_STATES;
  const processingCompute = (measured.processingMs ?? PROCESSING_DEFAULT_MS) * sizeRatio;
  const validationCompute = (measured.validationMs ?? VALIDATION_DEFAULT_MS) * sizeRatio;
  assumptions.push(
    `Durations: ${measured.source}; scaled by ${FULL_VCPU_MB} MB / memory (Lambda's CPU share) and by snapshot size, plus ${AWS_CALLS_MS} ms of AWS calls per invocation; ingestion ${INGESTION_DEFAULT_MS} ms (OpenSky's response time, not benchmarked).`,
  );

  const functionUsage = (stage: "ingestion" | "processing" | "validation", durationMs: number, durationSource: string): FunctionUsage => {
    const settings = config.lambda[stage];
    return {
      function: stage,
      memoryMb: settings.memorySize,
      architecture: config.lambdaArchitecture,
      invocationsPerMonth: fires,
      durationMs,
      durationSource,
      provisionedConcurrency: config.enableProvisionedConcurrency ? settings.provisionedConcurrency : 0,
    };
  };
  const functions = [
    functionUsage("ingestion", INGESTION_DEFAULT_MS, "default"),
    functionUsage("processing", scaledMs(processingCompute, config.lambda.processing.memorySize), measured.processingMs === undefined ? "default" : "benchmark"),
    functionUsage("validation", scaledMs(validationCompute, config.lambda.validation.memorySize), measured.validationMs === undefined ? "default" : "benchmark"),
  ];

  const rawBytes = states * RAW_BYTES_PER_STATE;
  const parquetBytes = (measured.parquetBytes ?? 330_000) * sizeRatio;
  const lake = config.dataLake;
  const daysPerMonth = HOURS_PER_MONTH / 24;
  const rawStandardGb = (fires * rawBytes * Math.min(lake.rawTransitionDays, lake.rawExpirationDays)) / daysPerMonth / GB;
  const rawIaGb = (fires * rawBytes * Math.max(0, lake.rawExpirationDays - lake.rawTransitionDays)) / daysPerMonth / GB;
  const processedMonthlyGb = (fires * (parquetBytes + REPORT_BYTES)) / GB;
  const processedStandardGb = (processedMonthlyGb * Math.min(12 * daysPerMonth, lake.processedTransitionDays)) / daysPerMonth;
  const processedIaGb = processedMonthlyGb * 12 - processedStandardGb;
  assumptions.push(
    `S3 storage in steady state for raw (${lake.rawTransitionDays} days Standard, Standard-IA until day ${lake.rawExpirationDays}) and after 12 months for processed files and reports (${lake.processedTransitionDays} days Standard, then Standard-IA; never expired); Parquet ${Math.round(parquetBytes).toLocaleString("en-US")} bytes and a ${REPORT_BYTES.toLocaleString("en-US")}-byte report per snapshot. Bucket versioning keeps no extra copies because keys are never overwritten with different bytes.`,
  );

  const ingestionMetricNames = Object.values(INGESTION_METRICS).length;
  const customMetrics = ingestionMetricNames + 1 + VALIDATION_SCORE_METRICS.length + QUALITY_CHECK_NAMES.length;
  const insightsMetrics = config.enableLambdaInsights ? INSIGHTS_METRICS_PER_FUNCTION * functions.length : 0;
  assumptions.push(
    `Custom metrics (namespace FlightDataPipeline, Environment dimension): ${ingestionMetricNames} ingestion, 1 processing (${METRIC.quarantinedRows}), ${VALIDATION_SCORE_METRICS.length} validation scores and ${QUALITY_CHECK_NAMES.length} CheckFailures (one per check)${insightsMetrics > 0 ? `, plus ${insightsMetrics} Lambda Insights metrics` : ""}; one PutMetricData call per invocation.`,
  );

  const logBytes = LOG_BYTES_PER_INVOCATION + (config.enableLambdaInsights ? INSIGHTS_LOG_BYTES_PER_INVOCATION : 0);
  const logsIngestedGb = (fires * functions.length * logBytes) / GB;
  assumptions.push(`Logs: ${logBytes.toLocaleString("en-US")} bytes per invocation (JSON log lines and Lambda's REPORT${config.enableLambdaInsights ? ", Lambda Insights' performance event" : ""}), kept ${config.logRetentionDays} days.`);

  assumptions.push(
    "DynamoDB: per snapshot 1 ingestion write, 2 processing writes (start, finish), 3 validation writes (start, finish, circuit breaker) and 1 read (circuit breaker), each under 1 KB.",
    `SNS: ${ALERT_PUBLISHES_PER_MONTH} alert publishes a month${config.errorNotificationEmail ? ", each also sent by email" : ""}. SQS: the DLQs receive nothing in a healthy month and are not polled.`,
    "KMS: S3 Bucket Keys are on, so object requests almost never reach KMS; about 1 request per invocation for the encrypted environment and logs. X-Ray: one trace per invocation when tracing is on.",
    "Not included: free tiers, data transfer (all in-region), Athena queries, Glue catalog (free under 1M objects), EventBridge scheduled rules (free).",
  );

  return {
    stack,
    functions,
    s3: {
      // Raw PUT (ingestion), Parquet PUT (processing), report PUT (validation).
      putsPerMonth: fires * 3,
      // Raw GET and processed HEAD (processing), Parquet GET (validation).
      getsPerMonth: fires * 3,
      standardGb: rawStandardGb + processedStandardGb,
      standardIaGb: rawIaGb + processedIaGb,
    },
    cloudwatch: {
      customMetrics: customMetrics + insightsMetrics,
      putMetricDataRequestsPerMonth: fires * functions.length,
      alarms: resources.alarms,
      dashboards: resources.dashboards,
      logsIngestedGbPerMonth: logsIngestedGb,
      logsStoredGb: logsIngestedGb * (config.logRetentionDays / daysPerMonth),
    },
    dynamodb: { writesPerMonth: fires * 6, readsPerMonth: fires },
    sns: { publishesPerMonth: ALERT_PUBLISHES_PER_MONTH, emailsPerMonth: config.errorNotificationEmail ? ALERT_PUBLISHES_PER_MONTH : 0 },
    kms: { keys: resources.kmsKeys, requestsPerMonth: fires * functions.length },
    secretsManager: { secrets: resources.secrets, apiCallsPerMonth: resources.secrets > 0 ? fires : 0 },
    sqs: { requestsPerMonth: 0 },
    xray: { tracesPerMonth: config.enableXrayTracing ? fires * functions.length : 0 },
    assumptions,
  };
}
