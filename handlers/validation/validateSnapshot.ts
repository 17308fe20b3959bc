/**
 * Validates one processed snapshot: claim → read → assess → report → alert → metrics, in the
 * tracked stage skeleton (handlers/shared/trackedStage.ts), so a duplicate delivery does nothing.
 *
 * The alert comes before the metrics: CloudWatch failing must not stop it. It comes after the
 * circuit breaker has recorded the outcome, so concurrent invocations cannot both alert; a publish
 * that fails is retried while the invocation has time, and if it still fails the breaker's step is
 * undone and the invocation fails, so Lambda's retry (or a redrive from the DLQ) takes the step
 * again and sends the alert then. The metrics are published at most once per snapshot, never again
 * on those retries, and their failure changes nothing else.
 *
 * Under STRICT_MODE a snapshot that breaks the thresholds is recorded as "rejected" and fails the
 * invocation; its retries find the verdict recorded and fail the same way without acting again.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { Alert, AlertPublisher } from "../shared/alerts";
import type { TypedSnapshot } from "../shared/columns";
import type { Logger } from "../shared/logger";
import type { MetricsPublisher } from "../shared/metrics";
import { describeError, namedError, type NamedError } from "../shared/namedError";
import type { S3ObjectRef } from "../shared/s3EventRecords";
import { readObjectBytes, writeObject } from "../shared/s3Objects";
import { parseSnapshotKey, reportKeyForSnapshot, snapshotIdForTime } from "../shared/s3Keys";
import type { ValidationSettings } from "../shared/settings";
import { metadataFromKeyValues, type SnapshotFileMetadata } from "../shared/snapshotMetadata";
import type { Claim, OutcomeInput } from "../shared/tracking";
import { publishSnapshotMetrics, runClaimedStage, type StageRuntime } from "../shared/trackedStage";
import { circuitClosedAlert, circuitOpenAlert, qualityAlert } from "./alertMessages";
import type { BreakerAction, BreakerTransition, CircuitBreaker } from "./circuitBreaker";
import { readSnapshotParquet } from "./parquetReader";
import { assessSnapshot, type QualityAssessment, type QualityThresholds } from "./qualityAssessment";
import { quarantineSummary, type QualityCheck } from "./qualityChecks";
import { qualityMetrics } from "./qualityMetrics";
import { validationReport, type ValidationReport } from "./validationReport";

export interface ValidationServices {
  runtime: StageRuntime;
  settings: ValidationSettings;
  s3: S3Client;
  metrics: MetricsPublisher;
  alerts: AlertPublisher;
  breaker: CircuitBreaker;
  /** From createQualityChecks, built once per container. */
  checks: readonly QualityCheck[];
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
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
  /** Set when this delivery did nothing: the snapshot was validated, or is being validated by another invocation. */
  duplicate?: "done" | "busy";
}

/** A validation and, under STRICT_MODE, the reason it fails the invocation. */
interface Verdict {
  validated: ValidatedSnapshot;
  gateFailure?: string;
}

/** A processed object that cannot be validated; retrying will not help, so it ends in the DLQ. */
function unreadableParquet(key: string, error: unknown): NamedError<"UnreadableParquetError", { key: string }> {
  const reason = typeof error === "string" ? error : describeError(error);
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

async function readProcessed(bytes: Uint8Array, key: string, snapshotTime: number): Promise<{ snapshot: TypedSnapshot; metadata: SnapshotFileMetadata }> {
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

/** Longest wait between two attempts to publish an alert. */
const MAX_ALERT_WAIT_MS = 8_000;
/** Attempts within one invocation (each is already up to three SDK attempts); Lambda's retries and the DLQ take it from there. */
const MAX_ALERT_ATTEMPTS = 5;

/**
 * Publishes the alert, trying again with growing waits while the invocation has time for another
 * attempt; throws the last error when it has not.
 */
async function publishAlertPersistently(services: ValidationServices, alert: Alert, logger: Logger): Promise<void> {
  let waitMs = 1_000;
  for (let attempt = 1; ; attempt++) {
    try {
      await services.alerts.publish(alert);
      return;
    } catch (error) {
      if (attempt === MAX_ALERT_ATTEMPTS || services.runtime.deadline.workLeftMs() < waitMs + 2_000) throw error;
      logger.warn("could not publish the alert; trying again", { error, attempt, waitMs });
      await services.sleep(waitMs);
      waitMs = Math.min(waitMs * 2, MAX_ALERT_WAIT_MS);
    }
  }
}

function duplicateVerdict(processedKey: string, reportKey: string, claim: Exclude<Claim, { kind: "acquired" }>): Verdict {
  const { details, status, errorMessage } = claim.record;
  const numberOf = (name: string): number => (typeof details[name] === "number" ? (details[name] as number) : 0);
  const validated: ValidatedSnapshot = {
    processedKey,
    reportKey,
    passed: details.passed === true,
    qualityScore: numberOf("qualityScore"),
    completeness: numberOf("completeness"),
    errorRate: numberOf("errorRate"),
    breaches: [],
    breakerAction: "repeat",
    duplicate: claim.kind,
  };
  return claim.kind === "done" && status === "rejected"
    ? { validated, gateFailure: errorMessage ?? `snapshot ${processedKey} was rejected by STRICT_MODE` }
    : { validated };
}

export async function validateSnapshot(services: ValidationServices, object: S3ObjectRef): Promise<ValidatedSnapshot> {
  const { settings, runtime } = services;
  const processedKey = object.key;
  const snapshotTime = snapshotTimeOf(processedKey);
  const snapshotId = snapshotIdForTime(snapshotTime);
  const reportKey = reportKeyForSnapshot(snapshotTime);
  const verdict = await runClaimedStage<Verdict>(
    runtime,
    {
      snapshotId,
      requestId: object.requestId,
      input: object.eTag,
      s3Keys: { processed: processedKey },
      ...(object.force ? { force: true } : {}),
    },
    {
      duplicate: (claim) => duplicateVerdict(processedKey, reportKey, claim),
      async run(run, stageLogger): Promise<{ result: Verdict; outcome: OutcomeInput }> {
        const logger = stageLogger.child({ processedKey });
        const { snapshot, metadata } = await readProcessed(await readObjectBytes(services.s3, object.bucket, processedKey), processedKey, snapshotTime);
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

        const transition = await services.breaker.record(snapshotId, !assessment.passed);
        const alert = alertFor(transition, report, assessment, reportKey);
        if (alert !== undefined) {
          try {
            await publishAlertPersistently(services, alert, logger);
          } catch (error) {
            await services.breaker.undo(transition);
            throw error;
          }
        }

        const metrics = await publishSnapshotMetrics(services.metrics, logger, run.claimMetrics, qualityMetrics(assessment, snapshotTime, services.clock()));
        const { scores } = assessment;
        const gateFailure =
          settings.strictMode && !assessment.passed
            ? `snapshot ${processedKey} breaks the data-quality thresholds (STRICT_MODE): ${assessment.breaches.join("; ")}`
            : undefined;
        const fields = { ...scores, breaches: assessment.breaches, breakerAction: transition.action, alertSent: alert?.kind, metrics };
        if (assessment.passed) logger.info("snapshot passed validation", fields);
        else logger.warn("snapshot breaks the data-quality thresholds", fields);
        const validated: ValidatedSnapshot = {
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
        return {
          result: gateFailure === undefined ? { validated } : { validated, gateFailure },
          outcome: {
            status: gateFailure === undefined ? "succeeded" : "rejected",
            counts: { inputRows: scores.inputRows, errorRows: scores.errorRows, emergencySquawks: assessment.emergencies.length },
            s3Keys: { report: reportKey },
            details: {
              passed: assessment.passed,
              qualityScore: scores.qualityScore,
              completeness: scores.completeness,
              errorRate: scores.errorRate,
              breakerAction: transition.action,
              metrics,
              ...(alert === undefined ? {} : { alertSent: alert.kind }),
            },
            ...(gateFailure === undefined ? {} : { errorMessage: gateFailure }),
          },
        };
      },
    },
  );
  if (verdict.gateFailure !== undefined) throw namedError(QUALITY_GATE_ERROR, verdict.gateFailure, {});
  return verdict.validated;
}
