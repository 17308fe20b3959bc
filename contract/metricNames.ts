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
  /** validation: rows failing each check, one datum per check with a `Check` dimension (Count). */
  checkFailures: "CheckFailures",
  /** processing: rows written to quarantine (Count). */
  quarantinedRows: "QuarantinedRows",
  /** ingestion: states in the stored snapshot (Count). */
  statesIngested: "IngestionStatesIngested",
  /** ingestion: 1 per snapshot written to the raw bucket (Count). */
  snapshotsStored: "IngestionSnapshotsStored",
  /** ingestion: 1 per fire whose snapshot was already stored (Count). */
  duplicateSnapshots: "IngestionDuplicateSnapshots",
  /** ingestion: runs that ended because OpenSky's credits were spent (Count). */
  rateLimited: "IngestionRateLimited",
  /** ingestion: OpenSky credits left today, from X-Rate-Limit-Remaining (Count). */
  rateLimitRemaining: "OpenSkyRateLimitRemaining",
  /** ingestion: HTTP attempts a run made (Count). */
  openSkyAttempts: "OpenSkyRequestAttempts",
  /** ingestion: 1 per failed run (Count). */
  ingestionFailures: "IngestionFailures",
  /** ingestion: wall time of a run (Milliseconds). */
  ingestionDuration: "IngestionDuration",
  /** ingestion: answers refused because they cannot be a states answer (not JSON, wrong shape, impossible time) (Count). */
  rejectedSnapshots: "IngestionRejectedSnapshots",
  /**
   * any stage: a side service (CloudWatch metrics, an alert) failed while the data was kept (Count).
   * Not published by the handlers, which cannot reach CloudWatch when it is the one failing: a log
   * metric filter counts the log lines tagged SIDE_SERVICE_FAILURE_EVENT.
   */
  sideServiceFailures: "SideServiceFailures",
} as const;

/** The `event` field of the log line a handler writes when a side service fails. */
export const SIDE_SERVICE_FAILURE_EVENT = "side-service-failure";
