/**
 * The processing Lambda: for each raw snapshot in an S3 event, type its rows, write them as
 * Parquet under the matching processed key, set aside the rows that cannot be typed in a
 * quarantine object, record the run in the tracking table and count the quarantined rows.
 *
 * A raw object that cannot be read at all (not JSON, wrong shape, a key outside the layout) fails
 * its record before anything is written, with a message naming the key and the reason; after
 * Lambda's retries the event goes to the function's DLQ. The output's key and bytes depend only on
 * the raw object, so a repeated event finds the same Parquet already there and leaves it, firing no
 * second validation.
 *
 * `processingHandlerFromEnvironment` is the callbackFactory the component serializes: it runs once
 * per container, reading the settings and building the clients there.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import type { S3Event } from "aws-lambda";
import { createLogger, type Logger } from "../shared/logger";
import { createMetricsPublisher } from "../shared/metrics";
import { parquetCompression } from "../shared/parquetCodecs";
import { runEachRecord, type S3InvocationContext } from "../shared/s3EventRecords";
import { decodeS3EventKey } from "../shared/s3Keys";
import { readProcessingSettings, type ProcessingSettings } from "../shared/settings";
import { createTrackingStore } from "../shared/tracking";
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
}

export type ProcessingHandler = (event: S3Event, context?: S3InvocationContext) => Promise<ProcessedSnapshot[]>;

export function createProcessingHandler(deps: ProcessingDependencies): ProcessingHandler {
  const { settings } = deps;
  const clock = deps.clock ?? (() => new Date());
  // Resolved now, so a runtime without zstd fails at init rather than on every event.
  const compression = parquetCompression(settings.parquetCodec, settings.parquetGzipLevel);
  const services: ProcessingServices = {
    settings,
    compression,
    transform: createSnapshotTransformer(createParquetEncoder({ ...compression, rowGroupSize: settings.parquetRowGroupSize })),
    s3: deps.s3,
    clock,
    logger: deps.logger ?? createLogger({ level: settings.logLevel, fields: { stage: "processing" } }),
    tracking: createTrackingStore({
      dynamodb: deps.dynamodb,
      tableName: settings.trackingTable,
      ttlDays: settings.trackingTtlDays,
      clock,
    }),
    metrics: createMetricsPublisher({ cloudwatch: deps.cloudwatch, environment: settings.environment, clock }),
  };
  return (event, context) =>
    runEachRecord(event, (record) =>
      processRawObject(services, record.s3.bucket.name, decodeS3EventKey(record.s3.object.key), context?.awsRequestId),
    );
}

/**
 * The callbackFactory for `aws.lambda.CallbackFunction`: runs once per container. The SDK clients
 * take region, credentials and any AWS_ENDPOINT_URL_<SERVICE> override from the environment.
 */
export function processingHandlerFromEnvironment(): ProcessingHandler {
  return createProcessingHandler({
    settings: readProcessingSettings(process.env),
    s3: new S3Client({}),
    dynamodb: new DynamoDBClient({}),
    cloudwatch: new CloudWatchClient({}),
  });
}
