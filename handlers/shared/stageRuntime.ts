/**
 * Builds a stage's StageRuntime once per container: the tracking ledger, the redactor every log
 * line passes through, the invocation deadline every AWS call carries, the invocation scope whose
 * request, trace and snapshot ids every log line carries, and the tracing that records the AWS
 * calls (each client traced first, then seen through the deadline); and, for stages that publish
 * metrics, their publisher, traced and bound to the same deadline.
 */
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { StageName } from "../../contract/dataLayout";
import { createInvocationDeadline, withDeadline } from "./invocationDeadline";
import { createInvocationScope } from "./invocationScope";
import { createLogger, type Logger } from "./logger";
import { createMetricsPublisher, type MetricsPublisher } from "./metrics";
import { createRedactor } from "./redaction";
import type { CommonSettings } from "./settings";
import { createTrackingStore } from "./tracking";
import type { StageRuntime } from "./trackedStage";
import { createTracing } from "./tracing";

export interface StageRuntimeOptions {
  stage: StageName;
  settings: CommonSettings;
  dynamodb: DynamoDBClient;
  clock: () => Date;
  /** Tests pass a logger that captures its lines; by default lines go to stdout, redacted. */
  logger?: Logger;
  /** Kept back at the end of each invocation to record a failure. */
  reserveMs?: number;
}

/** The service name on every trace: the project's. */
export const TRACE_SERVICE_NAME = "flight-data-pipeline";

/** Enough for a tracking write to get through its connection and one retry. */
export const DEFAULT_RESERVE_MS = 5_000;

export function createStageRuntime(options: StageRuntimeOptions): StageRuntime {
  const { settings, clock } = options;
  const redactor = createRedactor();
  const deadline = createInvocationDeadline({ reserveMs: options.reserveMs ?? DEFAULT_RESERVE_MS });
  const invocation = createInvocationScope();
  const tracing = createTracing({ instrument: settings.tracing === true, stage: options.stage, serviceName: TRACE_SERVICE_NAME });
  const logger =
    options.logger ??
    createLogger({
      level: settings.logLevel,
      fields: { stage: options.stage, environment: settings.environment },
      redact: redactor.text,
    });
  return {
    stage: options.stage,
    redactor,
    deadline,
    invocation,
    tracing,
    logger: logger.withContext(invocation.fields),
    tracking: createTrackingStore({
      dynamodb: withDeadline(tracing.client(options.dynamodb), deadline),
      tableName: settings.trackingTable,
      ttlDays: settings.trackingTtlDays,
      clock,
    }),
  };
}

/** The stage's metrics publisher (namespace FlightDataPipeline, the stack as Environment). */
export function createStageMetrics(runtime: StageRuntime, cloudwatch: CloudWatchClient, settings: CommonSettings, clock: () => Date): MetricsPublisher {
  return createMetricsPublisher({ cloudwatch: withDeadline(runtime.tracing.client(cloudwatch), runtime.deadline), environment: settings.environment, clock });
}
