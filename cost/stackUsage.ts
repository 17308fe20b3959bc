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
  /** Compacting a global day of 288 such snapshots into one file, warm, ms. */
  compactionDayMs?: number;
  /** That day's compacted file, bytes. */
  compactedDayBytes?: number;
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
const COMPACTION_DAY_DEFAULT_MS = 12_000;
const COMPACTED_DAY_DEFAULT_BYTES = 51_000_000;
/** Snapshots in the bench's compacted day. */
const BENCH_DAY_SNAPSHOTS = 288;
/** The listing and HEAD of each day a run finds already compacted from the same inputs. */
const UNCHANGED_DAY_MS = 300;
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
const LOG_BYTES_PER_INVOCATION = 2_048;
const INSIGHTS_METRICS_PER_FUNCTION = 8;
const INSIGHTS_LOG_BYTES_PER_INVOCATION = 1_100;
const ALERT_PUBLISHES_PER_MONTH = 10;
const GB = 1024 ** 3;

/** How far ahead storage that never expires is counted. */
const STORAGE_HORIZON_DAYS = 365;

/** GB held in steady state by `bytesPerDay` kept in Standard for `transitionDays`, then Standard-IA until `expirationDays`. */
function storedGb(bytesPerDay: number, transitionDays: number, expirationDays: number | undefined): { standard: number; ia: number } {
  const kept = Math.min(expirationDays ?? STORAGE_HORIZON_DAYS, STORAGE_HORIZON_DAYS);
  return { standard: (bytesPerDay * Math.min(transitionDays, kept)) / GB, ia: (bytesPerDay * Math.max(0, kept - transitionDays)) / GB };
}

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
  assumptions.push(
    `A snapshot holds ${states.toLocaleString("en-US")} states (${config.opensky.boundingBox === undefined ? "global" : "one bounding box"}), ${RAW_BYTES_PER_STATE} bytes each as raw JSON.`,
  );

  const sizeRatio = states / GLOBAL_STATES;
  const processingCompute = (measured.processingMs ?? PROCESSING_DEFAULT_MS) * sizeRatio;
  const validationCompute = (measured.validationMs ?? VALIDATION_DEFAULT_MS) * sizeRatio;
  assumptions.push(
    `Durations: ${measured.source}; scaled by ${FULL_VCPU_MB} MB / memory (Lambda's CPU share) and by snapshot size, plus ${AWS_CALLS_MS} ms of AWS calls per invocation; ingestion ${INGESTION_DEFAULT_MS} ms (OpenSky's response time, not benchmarked).`,
  );

  const functionUsage = (
    stage: "ingestion" | "processing" | "validation" | "compaction",
    durationMs: number,
    durationSource: string,
    invocationsPerMonth = fires,
  ): FunctionUsage => {
    const settings = config.lambda[stage];
    return {
      function: stage,
      memoryMb: settings.memorySize,
      architecture: config.lambdaArchitecture,
      invocationsPerMonth,
      durationMs,
      durationSource,
      provisionedConcurrency: config.enableProvisionedConcurrency ? settings.provisionedConcurrency : 0,
    };
  };
  const functions = [
    functionUsage("ingestion", INGESTION_DEFAULT_MS, "default"),
    functionUsage(
      "processing",
      scaledMs(processingCompute, config.lambda.processing.memorySize),
      measured.processingMs === undefined ? "default" : "benchmark",
    ),
    functionUsage(
      "validation",
      scaledMs(validationCompute, config.lambda.validation.memorySize),
      measured.validationMs === undefined ? "default" : "benchmark",
    ),
  ];
  /** Ingestion, processing and validation: one invocation each per snapshot. */
  const perSnapshot = functions.length;
  // One run a day: the day just ended is compacted in full, the lookback's other days are found unchanged.
  const snapshotsPerDay = fires / DAYS_PER_MONTH;
  const dayShare = (sizeRatio * snapshotsPerDay) / BENCH_DAY_SNAPSHOTS;
  const compactionCompute = (measured.compactionDayMs ?? COMPACTION_DAY_DEFAULT_MS) * dayShare + UNCHANGED_DAY_MS * (config.compaction.lookbackDays - 1);
  functions.push(
    functionUsage(
      "compaction",
      scaledMs(compactionCompute, config.lambda.compaction.memorySize),
      measured.compactionDayMs === undefined ? "default" : "benchmark",
      DAYS_PER_MONTH,
    ),
  );
  assumptions.push(
    `Compaction runs once a day: the day just ended (${Math.round(snapshotsPerDay)} snapshots) is compacted in full, at the bench's rate for a global day scaled by its rows, and the other ${config.compaction.lookbackDays - 1} days of the lookback are found unchanged (a listing and a HEAD, ${UNCHANGED_DAY_MS} ms each).`,
  );

  const rawBytes = states * RAW_BYTES_PER_STATE;
  const parquetBytes = (measured.parquetBytes ?? 330_000) * sizeRatio;
  const lake = config.dataLake;
  const raw = storedGb(snapshotsPerDay * rawBytes, lake.rawTransitionDays, lake.rawExpirationDays);
  const parquet = storedGb(snapshotsPerDay * parquetBytes, lake.processedTransitionDays, lake.processedExpirationDays);
  const reports = storedGb(snapshotsPerDay * REPORT_BYTES, lake.processedTransitionDays, lake.reportsExpirationDays);
  const compacted = storedGb(
    (measured.compactedDayBytes ?? COMPACTED_DAY_DEFAULT_BYTES) * dayShare,
    lake.compactedTransitionDays,
    lake.compactedExpirationDays,
  );
  assumptions.push(
    `S3 storage in steady state, after ${STORAGE_HORIZON_DAYS} days for what never expires: raw ${lake.rawTransitionDays} days Standard, then Standard-IA until day ${lake.rawExpirationDays}; per-snapshot Parquet (${Math.round(parquetBytes).toLocaleString("en-US")} bytes) until day ${lake.processedExpirationDays} and ${REPORT_BYTES.toLocaleString("en-US")}-byte reports until day ${lake.reportsExpirationDays}, Standard-IA after day ${lake.processedTransitionDays}; daily compacted files (${Math.round((measured.compactedDayBytes ?? COMPACTED_DAY_DEFAULT_BYTES) * dayShare).toLocaleString("en-US")} bytes a day) priced as Standard-IA after day ${lake.compactedTransitionDays} whatever compactedStorageClass says${lake.compactedExpirationDays === undefined ? ", never expired" : `, until day ${lake.compactedExpirationDays}`}. Bucket versioning keeps no extra copies because keys are never overwritten with different bytes.`,
  );

  const ingestionMetricNames = Object.values(INGESTION_METRICS).length;
  const customMetrics = ingestionMetricNames + 1 + VALIDATION_SCORE_METRICS.length + QUALITY_CHECK_NAMES.length;
  const insightsMetrics = config.enableLambdaInsights ? INSIGHTS_METRICS_PER_FUNCTION * functions.length : 0;
  assumptions.push(
    `Custom metrics (namespace FlightDataPipeline, Environment dimension): ${ingestionMetricNames} ingestion, 1 processing (${METRIC.quarantinedRows}), ${VALIDATION_SCORE_METRICS.length} validation scores and ${QUALITY_CHECK_NAMES.length} CheckFailures (one per check)${insightsMetrics > 0 ? `, plus ${insightsMetrics} Lambda Insights metrics` : ""}; one PutMetricData call per invocation.`,
  );

  const logBytes = LOG_BYTES_PER_INVOCATION + (config.enableLambdaInsights ? INSIGHTS_LOG_BYTES_PER_INVOCATION : 0);
  const logsIngestedGb = ((fires * perSnapshot + DAYS_PER_MONTH) * logBytes) / GB;
  assumptions.push(
    `Logs: ${logBytes.toLocaleString("en-US")} bytes per invocation (JSON log lines and Lambda's REPORT${config.enableLambdaInsights ? ", Lambda Insights' performance event" : ""}), kept ${config.logRetentionDays} days.`,
  );

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
      // Raw PUT (ingestion), Parquet PUT (processing), report PUT (validation); compaction's two
      // daily files and its listings (LIST is priced as a PUT), three prefixes per day looked at.
      putsPerMonth: fires * 3 + DAYS_PER_MONTH * (2 + 3 * config.compaction.lookbackDays),
      // Raw GET and processed HEAD (processing), Parquet GET (validation); compaction reads each
      // snapshot's Parquet and report once, and HEADs each daily file it looks at.
      getsPerMonth: fires * 3 + fires * 2 + DAYS_PER_MONTH * config.compaction.lookbackDays,
      standardGb: raw.standard + parquet.standard + reports.standard + compacted.standard,
      standardIaGb: raw.ia + parquet.ia + reports.ia + compacted.ia,
    },
    cloudwatch: {
      customMetrics: customMetrics + insightsMetrics,
      putMetricDataRequestsPerMonth: fires * perSnapshot,
      alarms: resources.alarms,
      dashboards: resources.dashboards,
      logsIngestedGbPerMonth: logsIngestedGb,
      logsStoredGb: logsIngestedGb * (config.logRetentionDays / DAYS_PER_MONTH),
    },
    dynamodb: { writesPerMonth: fires * 6, readsPerMonth: fires },
    sns: { publishesPerMonth: ALERT_PUBLISHES_PER_MONTH, emailsPerMonth: config.errorNotificationEmail ? ALERT_PUBLISHES_PER_MONTH : 0 },
    kms: { keys: resources.kmsKeys, requestsPerMonth: fires * perSnapshot + DAYS_PER_MONTH },
    secretsManager: { secrets: resources.secrets, apiCallsPerMonth: resources.secrets > 0 ? fires : 0 },
    sqs: { requestsPerMonth: 0 },
    xray: { tracesPerMonth: config.enableXrayTracing ? fires * perSnapshot + DAYS_PER_MONTH : 0 },
    assumptions,
  };
}
