/**
 * The processing Lambda: for each raw snapshot in an S3 event, type its rows, write them as
 * Parquet under the matching processed key, set aside the rows that cannot be typed in a
 * quarantine object, record the run in the tracking table and count the quarantined rows.
 *
 * A raw object that cannot be read at all (not JSON, wrong shape, a key outside the layout) fails
 * its record before anything is written, with a message naming the key and the reason; after
 * Lambda's retries the event goes to the function's DLQ. Rows that cannot be typed (a wrong field
 * count, a null row, a wrong type, bytes that are not UTF-8) are quarantined one by one with their
 * text as received. A delivery of a snapshot already processed, or being processed, does nothing
 * (the tracking ledger decides); an event with `"force": true` (a backfill) processes it again.
 *
 * `processingHandlerFromEnvironment` is the callbackFactory the component serializes: it runs once
 * per container, reading the settings and building the clients there.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import type { S3Event } from "aws-lambda";
import { awsClientOptions, SDK_REQUEST_TIMEOUT_MS, withDeadline } from "../shared/invocationDeadline";
import type { Logger } from "../shared/logger";
import { parquetCompression } from "../shared/parquetCodecs";
import { runEachObject } from "../shared/s3EventRecords";
import { readProcessingSettings, type ProcessingSettings } from "../shared/settings";
import { createStageMetrics, createStageRuntime } from "../shared/stageRuntime";
import { deadlineBoundHandler, type InvocationContext } from "../shared/trackedStage";
import { processRawObject, type ProcessedSnapshot, type ProcessingServices } from "./processRawObject";
import { createParquetEncoder, createSnapshotTransformer } from "./transformSnapshot";

export type { ProcessedSnapshot } from "./processRawObject";

export interface ProcessingDependencies {
  settings: ProcessingSettings;
  s3: S3Client;
  dynamodb: DynamoDBClient;
  cloudwatch: CloudWatchClient;
  clock?: () => Date;
  logger?: Logger;
  /** Kept back at the end of each invocation to record a failure. */
  reserveMs?: number;
}

export type ProcessingHandler = (event: S3Event, context?: InvocationContext) => Promise<ProcessedSnapshot[]>;

export function createProcessingHandler(deps: ProcessingDependencies): ProcessingHandler {
  const { settings } = deps;
  const clock = deps.clock ?? (() => new Date());
  // Resolved now, so a runtime without zstd fails at init rather than on every event.
  const compression = parquetCompression(settings.parquetCodec, settings.parquetGzipLevel);
  const runtime = createStageRuntime({
    stage: "processing",
    settings,
    dynamodb: deps.dynamodb,
    clock,
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.reserveMs === undefined ? {} : { reserveMs: deps.reserveMs }),
  });
  const services: ProcessingServices = {
    runtime,
    settings,
    compression,
    transform: createSnapshotTransformer(createParquetEncoder({ ...compression, rowGroupSize: settings.parquetRowGroupSize })),
    s3: withDeadline(runtime.tracing.client(deps.s3), runtime.deadline),
    metrics: createStageMetrics(runtime, deps.cloudwatch, settings, clock),
    clock,
  };
  return deadlineBoundHandler(runtime, (event: S3Event, context) => runEachObject(event, context, (object) => processRawObject(services, object)));
}

/**
 * The callbackFactory for `aws.lambda.CallbackFunction`: runs once per container. The SDK clients
 * take region, credentials and any AWS_ENDPOINT_URL_<SERVICE> override from the environment.
 */
export function processingHandlerFromEnvironment(): ProcessingHandler {
  const settings = readProcessingSettings(process.env);
  const clientOptions = awsClientOptions(SDK_REQUEST_TIMEOUT_MS);
  return createProcessingHandler({
    settings,
    s3: new S3Client(clientOptions),
    dynamodb: new DynamoDBClient(clientOptions),
    cloudwatch: new CloudWatchClient(clientOptions),
  });
}
