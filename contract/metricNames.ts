/**
 * Names of the metrics the handlers publish in the FlightDataPipeline namespace. The dashboard
 * and the business alarms chart and watch these, so both sides import them from here.
 */
export const METRIC = {
  /** validation: the snapshot's quality score, 0–100 (Percent). */
  dataQualityScore: "DataQualityScore",
  /** validation: rows checked in the snapshot (Count). */
  recordsProcessed: "RecordsProcessed",
  /** validation: completeness, 0–100 (Percent). */
  completenessScore: "CompletenessScore",
  /** validation: share of rows failing a hard check, 0–100 (Percent). */
  errorRate: "ErrorRate",
  /** validation: aircraft squawking 7500/7600/7700 (Count). */
  emergencySquawks: "EmergencySquawks",
  /** validation: median seconds between last contact and snapshot time (Seconds). */
  contactStaleness: "ContactStalenessSeconds",
  /** ingestion: OpenSky credits left today, from X-Rate-Limit-Remaining (Count). */
  rateLimitRemaining: "OpenSkyRateLimitRemaining",
  /** ingestion: runs that ended because the credits were spent (Count). */
  rateLimited: "IngestionRateLimited",
  /** processing: rows written to quarantine (Count). */
  quarantinedRows: "QuarantinedRows",
} as const;
