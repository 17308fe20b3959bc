/**
 * Where the pipeline's data lives and what its records are called. The components (bucket
 * notifications, Glue table, IAM resources, dashboard) and the handlers (keys they write, metrics
 * they publish) both read these, so a rename cannot leave one side behind.
 */

/** Raw API responses, in the raw bucket: raw/year=YYYY/month=MM/day=DD/hour=HH/states_<time>.json */
export const RAW_PREFIX = "raw/";
export const RAW_SUFFIX = ".json";

/** Typed snapshots, in the processed bucket: processed/year=…/hour=HH/states_<time>.parquet */
export const PROCESSED_PREFIX = "processed/";
export const PROCESSED_SUFFIX = ".parquet";

/**
 * Validation reports, in the processed bucket beside the data but outside `processed/`, so the
 * Glue table over `processed/` never sees a JSON file: reports/year=…/hour=HH/states_<time>.json
 */
export const REPORTS_PREFIX = "reports/";

/** Rows that could not be typed, with the reason, in the processed bucket: quarantine/year=…/states_<time>.jsonl */
export const QUARANTINE_PREFIX = "quarantine/";

/**
 * What the compaction stage makes of each UTC day, in the processed bucket. No notification
 * watches it, so nothing is validated twice.
 */
export const COMPACTED_PREFIX = "compacted/";
/** The day's rows in one Parquet file, sorted by icao24 then snapshot_time: compacted/states/year=…/day=DD/states_YYYY-MM-DD.parquet */
export const COMPACTED_STATES_PREFIX = `${COMPACTED_PREFIX}states/`;
/** The day's validation scores, one JSON line per snapshot: compacted/quality/year=…/day=DD/quality_YYYY-MM-DD.jsonl */
export const COMPACTED_QUALITY_PREFIX = `${COMPACTED_PREFIX}quality/`;

/** CloudWatch namespace of every metric the handlers publish. */
export const METRICS_NAMESPACE = "FlightDataPipeline";

/** The dimension every pipeline metric carries, valued with the stack name. */
export const ENVIRONMENT_DIMENSION = "Environment";

/** The execution-tracking table's key schema: one item per snapshot and stage. */
export const TRACKING_PARTITION_KEY = "snapshotId";
export const TRACKING_SORT_KEY = "stage";
/** Epoch seconds after which DynamoDB's TTL removes an item. */
export const TRACKING_TTL_ATTRIBUTE = "expiresAt";

/** The partition of the validation circuit breaker's one item: a key no snapshot id can take. */
export const CIRCUIT_BREAKER_PARTITION = "circuit-breaker";

/**
 * The partition keys of snapshot items, as an IAM `dynamodb:LeadingKeys` pattern list. A snapshot
 * id is its time in unix seconds, digits only; IAM patterns have no character classes, so "starts
 * with a digit" is what tells every snapshot's items from the circuit breaker's.
 */
export const SNAPSHOT_PARTITION_PATTERNS: readonly string[] = Array.from({ length: 10 }, (_, digit) => `${digit}*`);

export const STAGES = ["ingestion", "processing", "validation", "compaction"] as const;
export type StageName = (typeof STAGES)[number];
