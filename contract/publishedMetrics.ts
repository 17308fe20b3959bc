/**
 * The metric series the stages publish beyond validation's scores: ingestion's, and one
 * CheckFailures series per validation check (its `Check` dimension). The cost estimate counts
 * them from here rather than from the handlers; the handlers' tests hold the handlers to it.
 */
import { METRIC } from "./metricNames";

export const INGESTION_METRICS = {
  statesIngested: METRIC.statesIngested,
  snapshotsStored: METRIC.snapshotsStored,
  duplicateSnapshots: METRIC.duplicateSnapshots,
  rateLimited: METRIC.rateLimited,
  rateLimitRemaining: METRIC.rateLimitRemaining,
  openSkyAttempts: METRIC.openSkyAttempts,
  failures: METRIC.ingestionFailures,
  rejectedSnapshots: METRIC.rejectedSnapshots,
  duration: METRIC.ingestionDuration,
} as const;

/** Validation's checks, in the order it runs them (handlers/validation/qualityChecks.ts). */
export const QUALITY_CHECK_NAMES = [
  "row_shape",
  "field_types",
  "icao24_format",
  "icao24_unique",
  "callsign_format",
  "origin_country_present",
  "position_present",
  "latitude_range",
  "longitude_range",
  "timestamp_order",
  "contact_freshness",
  "contact_delay",
  "baro_altitude_range",
  "velocity_range",
  "true_track_range",
  "vertical_rate_range",
  "squawk_format",
  "on_ground_consistency",
  "position_source_known",
  "category_range",
] as const;
