/**
 * Validates one processed snapshot: read → assess → report → metrics → alert → track.
 *
 * The alert comes after the circuit breaker has recorded the outcome, so concurrent invocations
 * cannot both alert; if the publish then fails, the breaker's step is undone and the invocation
 * fails, so Lambda's retry takes the step again and sends the alert then.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { Alert, AlertPublisher } from "../shared/alerts";
import type { Logger } from "../shared/logger";
import type { MetricsPublisher } from "../shared/metrics";
import { isNamedError, namedError, type NamedError } from "../shared/namedError";
import { readObjectBytes, writeObject } from "../shared/s3Objects";
import { parseSnapshotKey, reportKeyForSnapshot, snapshotIdForTime } from "../shared/s3Keys";
import type { ValidationSettings } from "../shared/settings";
import { metadataFromKeyValues, type SnapshotFileMetadata } from "../shared/snapshotMetadata";
import type { TrackingStore } from "../shared/tracking";
import type { TypedSnapshot } from "../shared/columns";
import { circuitClosedAlert, circuitOpenAlert, qualityAlert } from "./alertMessages";
import type { BreakerAction, BreakerTransition, CircuitBreaker } from "./circuitBreaker";
import { readSnapshotParquet } from "./parquetReader";
import { assessSnapshot, type QualityAssessment, type QualityThresholds } from "./qualityAssessment";
import { quarantineSummary, type QualityCheck } from "./qualityChecks";
import { qualityMetrics } from "./qualityMetrics";
import { validationReport, type ValidationReport } from "./validationReport";

export interface ValidationServices {
  settings: ValidationSettings;
  s3: S3Client;
  tracking: TrackingStore;
  metrics: MetricsPublisher;
  alerts: AlertPublisher;
  breaker: CircuitBreaker;
  /** From createQualityChecks, built once per container. */
  checks: readonly QualityCheck[];
  logger: Logger;
  clock: () => Date;
}

export interface ValidatedSnapshot {
  processedKey: string;
  reportKey: string;
  passed: boolean;
  qualityScore: number;
  completeness: number;
  errorRate: number;
  breaches: string[];
  /** What the circuit breaker did with this snapshot's outcome. */
  breakerAction: BreakerAction;
  /** The kind of alert sent, if any. */
  alertSent?: string;
}

/** A processed object that cannot be validated; retrying will not help, so it ends in the DLQ. */
function unreadableParquet(key: string, error: unknown): NamedError<"UnreadableParquetError", { key: string }> {
  const reason = error instanceof Error ? error.message : String(error);
  return namedError("UnreadableParquetError", `processed snapshot ${key} cannot be validated: ${reason}`, { key });
}

/** Thrown when the snapshot breaks the thresholds and STRICT_MODE is on. */
const QUALITY_GATE_ERROR = "QualityGateError";

function snapshotTimeOf(key: string): number {
  let parsed;
  try {
    parsed = parseSnapshotKey(key);
  } catch (error) {
    throw unreadableParquet(key, error);
  }
  if (parsed.kind !== "processed") throw unreadableParquet(key, `it is a ${parsed.kind} key, not a processed one`);
  return parsed.snapshotTime;
}

async function readProcessed(
  bytes: Uint8Array,
  key: string,
  snapshotTime: number,
): Promise<{ snapshot: TypedSnapshot; metadata: SnapshotFileMetadata }> {
  try {
    const parquet = await readSnapshotParquet(bytes);
    const metadata = metadataFromKeyValues(parquet.metadata);
    if (metadata.snapshotTime !== snapshotTime || parquet.snapshot.snapshotTime !== snapshotTime) {
      throw new Error(
        `the key says snapshot ${snapshotTime}, the metadata ${metadata.snapshotTime}, the snapshot_time column ${parquet.snapshot.snapshotTime}`,
      );
    }
    if (metadata.writtenRows !== parquet.snapshot.rowCount) {
      throw new Error(`its metadata says ${metadata.writtenRows} rows were written, the file holds ${parquet.snapshot.rowCount}`);
    }
    return { snapshot: parquet.snapshot, metadata };
  } catch (error) {
    throw unreadableParquet(key, error);
  }
}

function alertFor(transition: BreakerTransition, report: ValidationReport, assessment: QualityAssessment, reportKey: string): Alert | undefined {
  switch (transition.action) {
    case "alert":
      return qualityAlert(report, assessment, reportKey);
    case "open":
      return circuitOpenAlert(report, assessment, reportKey, transition.next.consecutiveFailures);
    case "close":
      return circuitClosedAlert(report, reportKey, transition.previous.consecutiveFailures);
    case "suppressed":
    case "none":
    case "repeat":
      return undefined;
  }
}

export async function validateSnapshot(
  services: ValidationServices,
  bucket: string,
  processedKey: string,
  requestId: string | undefined,
): Promise<ValidatedSnapshot> {
  const { settings } = services;
  const snapshotTime = snapshotTimeOf(processedKey);
  const snapshotId = snapshotIdForTime(snapshotTime);
  const logger = services.logger.child({ snapshotId, processedKey });
  const reportKey = reportKeyForSnapshot(snapshotTime);
  const run = await services.tracking.start({
    snapshotId,
    stage: "validation",
    s3Keys: { processed: processedKey },
    ...(requestId === undefined ? {} : { requestId }),
  });
  try {
    const { snapshot, metadata } = await readProcessed(await readObjectBytes(services.s3, bucket, processedKey), processedKey, snapshotTime);
    const thresholds: QualityThresholds = {
      qualityThreshold: settings.qualityThreshold,
      minCompletenessScore: settings.minCompletenessScore,
      maxErrorRate: settings.maxErrorRate,
    };
    const assessment = assessSnapshot({ snapshot, quarantine: quarantineSummary(metadata) }, thresholds, services.checks);
    const report = validationReport({
      bucket: settings.processedBucket,
      processedKey,
      metadata,
      assessment,
      thresholds,
      environment: settings.environment,
      validatedAt: services.clock(),
    });
    await writeObject(services.s3, settings.processedBucket, {
      key: reportKey,
      body: JSON.stringify(report, null, 2),
      contentType: "application/json",
    });
    await services.metrics.publish(qualityMetrics(assessment, snapshotTime, services.clock()));

    const transition = await services.breaker.record(snapshotId, !assessment.passed);
    const alert = alertFor(transition, report, assessment, reportKey);
    if (alert !== undefined) {
      try {
        await services.alerts.publish(alert);
      } catch (error) {
        await services.breaker.undo(transition);
        throw error;
      }
    }

    const { scores } = assessment;
    const strictFailure = settings.strictMode && !assessment.passed;
    const failureMessage = `snapshot ${processedKey} breaks the data-quality thresholds (STRICT_MODE): ${assessment.breaches.join("; ")}`;
    await run.finish({
      status: strictFailure ? "failed" : "succeeded",
      counts: { inputRows: scores.inputRows, errorRows: scores.errorRows, emergencySquawks: assessment.emergencies.length },
      s3Keys: { report: reportKey },
      details: {
        passed: assessment.passed,
        qualityScore: scores.qualityScore,
        completeness: scores.completeness,
        errorRate: scores.errorRate,
        breakerAction: transition.action,
        ...(alert === undefined ? {} : { alertSent: alert.kind }),
      },
      ...(strictFailure ? { errorMessage: failureMessage } : {}),
    });
    const fields = { ...scores, breaches: assessment.breaches, breakerAction: transition.action, alertSent: alert?.kind };
    if (assessment.passed) logger.info("snapshot passed validation", fields);
    else logger.warn("snapshot breaks the data-quality thresholds", fields);
    if (strictFailure) throw namedError(QUALITY_GATE_ERROR, failureMessage, {});
    return {
      processedKey,
      reportKey,
      passed: assessment.passed,
      qualityScore: scores.qualityScore,
      completeness: scores.completeness,
      errorRate: scores.errorRate,
      breaches: assessment.breaches,
      breakerAction: transition.action,
      ...(alert === undefined ? {} : { alertSent: alert.kind }),
    };
  } catch (error) {
    if (isNamedError(error, QUALITY_GATE_ERROR)) throw error;
    logger.error("validation failed", { error });
    await run
      .finish({ status: "failed", errorMessage: error instanceof Error ? error.message : String(error) })
      .catch((trackingError: unknown) => logger.error("could not record the failure in the tracking table", { error: trackingError }));
    throw error;
  }
}
