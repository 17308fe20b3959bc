/**
 * The CloudWatch Logs Insights queries an operator starts from when an alarm fires (docs/runbook.md
 * quotes each one). They read the functions' JSON log lines: the handlers' own (`level`,
 * `message`, `stage`, `snapshotId`, `requestId`, `traceId`, `error.name`, `event`, …) and
 * Lambda's platform records (`type` = "platform.report", `record.metrics.durationMs`, …; kept at
 * the INFO system log level). `@logStream` names the version that ran: `…/[$LATEST]…` or `…/[7]…`.
 */

/** Which functions' log groups a query reads. */
export type QueryScope = "all" | "ingestion" | "processing" | "validation";

export interface OperatorQuery {
  /** The saved query's name under the stack's folder: `<stack prefix>/<id>`. */
  id: string;
  description: string;
  scope: QueryScope;
  queryString: string;
}

const query = (id: string, scope: QueryScope, description: string, lines: string[]): OperatorQuery => ({
  id,
  scope,
  description,
  queryString: lines.join("\n"),
});

export const OPERATOR_QUERIES: readonly OperatorQuery[] = [
  query("failures", "all", "Every error line, newest first: which stage, which snapshot, which error", [
    "fields @timestamp, stage, snapshotId, message, error.name, error.message, requestId, traceId",
    '| filter level = "ERROR"',
    "| sort @timestamp desc",
    "| limit 100",
  ]),
  query("failures-by-error", "all", "Error lines counted by stage and error name", [
    'filter level = "ERROR"',
    "| stats count(*) as errors, count_distinct(snapshotId) as snapshots, latest(error.message) as lastMessage by stage, error.name",
    "| sort errors desc",
  ]),
  query("snapshot-history", "all", "Every line about one snapshot, in order (replace the id)", [
    "fields @timestamp, stage, level, message, requestId, traceId, error.name, error.message",
    '| filter snapshotId = "1795732800"',
    "| sort @timestamp asc",
    "| limit 500",
  ]),
  query("slowest-invocations", "all", "The slowest invocations, with their memory and cold-start time", [
    'filter type = "platform.report"',
    "| fields @timestamp, @logStream, record.requestId, record.metrics.durationMs, record.metrics.initDurationMs, record.metrics.maxMemoryUsedMB, record.status",
    "| sort record.metrics.durationMs desc",
    "| limit 50",
  ]),
  query("duration-by-version", "all", "Duration percentiles per function version (a canary against the stable one)", [
    'filter type = "platform.report"',
    "| parse @logStream /\\[(?<version>[^\\]]+)\\]/",
    "| stats count(*) as invocations, pct(record.metrics.durationMs, 50) as p50, pct(record.metrics.durationMs, 99) as p99, max(record.metrics.durationMs) as slowest by version",
  ]),
  query("timeouts", "all", "Invocations that ran out of time: Lambda's timeout, or the handler's own deadline", [
    "fields @timestamp, @logStream, stage, snapshotId, record.requestId, record.status, error.message",
    '| filter (type = "platform.report" and record.status = "timeout") or error.name = "DeadlineExceededError"',
    "| sort @timestamp desc",
    "| limit 100",
  ]),
  query("invocations-per-minute", "all", "Invocations started per minute: the load behind throttles", [
    'filter type = "platform.start"',
    "| stats count(*) as invocations by bin(1m)",
  ]),
  query("errors-by-version", "all", "Error lines per function version: what a canary version does that the stable one does not", [
    'filter level = "ERROR"',
    "| parse @logStream /\\[(?<version>[^\\]]+)\\]/",
    "| stats count(*) as errors by version, stage, error.name",
  ]),
  query("duplicate-deliveries", "all", "Deliveries that found their snapshot done or held by another invocation", [
    "fields @timestamp, stage, snapshotId, duplicate, recordedStatus, requestId",
    '| filter message like "duplicate delivery"',
    "| sort @timestamp desc",
    "| limit 100",
  ]),
  query("ingestion-runs", "ingestion", "What each ingestion run did: stored, duplicate, rate-limited, failed", [
    "fields @timestamp, level, message, snapshotId, key, states, attempts, rateLimitRemaining, retryAfterSeconds, error.name, error.message",
    '| filter level != "DEBUG"',
    "| sort @timestamp desc",
    "| limit 100",
  ]),
  query("opensky-retries", "ingestion", "OpenSky retries and give-ups, with the error and the wait", [
    "fields @timestamp, snapshotId, message, error, waitMs, attempt, attempts, timeLeftMs",
    '| filter message like "OpenSky"',
    "| sort @timestamp desc",
    "| limit 100",
  ]),
  query("quality-breaches", "validation", "Snapshots below the data-quality thresholds, with their scores and breaches", [
    "fields @timestamp, snapshotId, qualityScore, completeness, errorRate, breaches.0, breakerAction, alertSent",
    '| filter message = "snapshot breaks the data-quality thresholds"',
    "| sort @timestamp desc",
    "| limit 100",
  ]),
  query("side-service-failures", "all", "Side-service failures (lost metrics): which service, which snapshot, why", [
    "fields @timestamp, stage, snapshotId, service, message, error.name, error.message",
    '| filter event = "side-service-failure"',
    "| sort @timestamp desc",
    "| limit 100",
  ]),
];
