/**
 * The environment variables the components set on each function and the handlers read at init.
 * Everything a handler needs to know about its stack arrives this way; nothing is baked in.
 */
export const ENV = {
  /** Stack name (dev, prod): the Environment dimension of every metric. */
  environment: "PIPELINE_ENVIRONMENT",
  /** DEBUG, INFO, WARN or ERROR. */
  logLevel: "LOG_LEVEL",
  rawBucket: "RAW_BUCKET",
  processedBucket: "PROCESSED_BUCKET",
  trackingTable: "TRACKING_TABLE",
  /** Days a tracking item is kept before DynamoDB's TTL removes it. */
  trackingTtlDays: "TRACKING_TTL_DAYS",
  alertTopicArn: "ALERT_TOPIC_ARN",
  /** "true" records the AWS SDK and OpenSky calls as X-Ray subsegments (with Active tracing). */
  tracingInstrumentation: "TRACING_INSTRUMENTATION",

  /** Base URL of the OpenSky REST API, e.g. https://opensky-network.org/api */
  openskyApiUrl: "OPENSKY_API_URL",
  /** OAuth2 token endpoint for client credentials. */
  openskyTokenUrl: "OPENSKY_TOKEN_URL",
  /** Secrets Manager secret holding {"clientId": …, "clientSecret": …}; unset means anonymous. */
  openskyCredentialsSecretArn: "OPENSKY_CREDENTIALS_SECRET_ARN",
  /** "lamin,lomin,lamax,lomax" or unset for the whole world. */
  openskyBoundingBox: "OPENSKY_BOUNDING_BOX",
  /** "true" adds extended=1 (the category column). */
  openskyExtended: "OPENSKY_EXTENDED",
  /** Per-request timeout in milliseconds. */
  openskyRequestTimeoutMs: "OPENSKY_REQUEST_TIMEOUT_MS",

  /** snappy (default), gzip, zstd or uncompressed. */
  parquetCodec: "PARQUET_CODEC",
  /** 1–9, used with gzip. */
  parquetGzipLevel: "PARQUET_GZIP_LEVEL",
  /** Rows per Parquet row group. */
  parquetRowGroupSize: "PARQUET_ROW_GROUP_SIZE",

  /** The stack's dataQualityConfig: fractions in [0, 1]. */
  qualityThreshold: "QUALITY_THRESHOLD",
  minCompletenessScore: "MIN_COMPLETENESS_SCORE",
  maxErrorRate: "MAX_ERROR_RATE",
  /** "true" makes a snapshot below the thresholds fail the invocation as well as alert. */
  strictMode: "STRICT_MODE",
  /** Consecutive failing snapshots that open the alert circuit breaker. */
  circuitBreakerThreshold: "CIRCUIT_BREAKER_THRESHOLD",

  /** Days before the scheduled day that compaction checks for late snapshots (1 = only the day just ended). */
  compactionLookbackDays: "COMPACTION_LOOKBACK_DAYS",
  /** Rows per row group of the compacted daily file. */
  compactionRowGroupSize: "COMPACTION_ROW_GROUP_SIZE",
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];
