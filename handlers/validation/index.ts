/**
 * The validation Lambda: for each processed Parquet file in an S3 event, read it back, run the
 * quality checks, write the validation report, publish the metrics, and alert through SNS when
 * the snapshot breaks the stack's thresholds, unless the circuit breaker holds the alert back.
 * With STRICT_MODE on a snapshot that breaks the thresholds also fails the invocation.
 *
 * `validationHandlerFromEnvironment` is the callbackFactory the component serializes: it runs
 * once per container, reading the settings and building the clients there.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import type { S3Event } from "aws-lambda";
import { createAlertPublisher, createLoggedAlertPublisher } from "../shared/alerts";
import { createLogger, type Logger } from "../shared/logger";
import { createMetricsPublisher } from "../shared/metrics";
import { readValidationSettings, type ValidationSettings } from "../shared/settings";
import { createTrackingStore } from "../shared/tracking";
import { runEachRecord, type S3InvocationContext } from "../shared/s3EventRecords";
import { decodeS3EventKey } from "../shared/s3Keys";
import { createCircuitBreaker } from "./circuitBreaker";
import { createQualityChecks } from "./qualityChecks";
import { validateSnapshot, type ValidatedSnapshot, type ValidationServices } from "./validateSnapshot";

export type { ValidatedSnapshot } from "./validateSnapshot";

export interface ValidationDependencies {
  settings: ValidationSettings;
  s3: S3Client;
  dynamodb: DynamoDBClient;
  cloudwatch: CloudWatchClient;
  /** Required when the settings name an alert topic. */
  sns?: SNSClient;
  clock?: () => Date;
  logger?: Logger;
}

export type ValidationHandler = (event: S3Event, context?: S3InvocationContext) => Promise<ValidatedSnapshot[]>;

export function createValidationHandler(deps: ValidationDependencies): ValidationHandler {
  const { settings } = deps;
  const clock = deps.clock ?? (() => new Date());
  const logger = deps.logger ?? createLogger({ level: settings.logLevel, fields: { stage: "validation" } });
  const topicArn = settings.alertTopicArn;
  if (topicArn !== undefined && deps.sns === undefined) {
    throw new Error(`settings name the alert topic ${topicArn} but no SNS client was given`);
  }
  const services: ValidationServices = {
    checks: createQualityChecks(),
    settings,
    s3: deps.s3,
    clock,
    logger,
    tracking: createTrackingStore({
      dynamodb: deps.dynamodb,
      tableName: settings.trackingTable,
      ttlDays: settings.trackingTtlDays,
      clock,
    }),
    metrics: createMetricsPublisher({ cloudwatch: deps.cloudwatch, environment: settings.environment, clock }),
    alerts:
      topicArn !== undefined && deps.sns !== undefined
        ? createAlertPublisher({ sns: deps.sns, topicArn, environment: settings.environment })
        : createLoggedAlertPublisher(logger),
    breaker: createCircuitBreaker({
      dynamodb: deps.dynamodb,
      tableName: settings.trackingTable,
      threshold: settings.circuitBreakerThreshold,
      clock,
    }),
  };
  return (event, context) =>
    runEachRecord(event, (record) =>
      validateSnapshot(services, record.s3.bucket.name, decodeS3EventKey(record.s3.object.key), context?.awsRequestId),
    );
}

/**
 * The callbackFactory for `aws.lambda.CallbackFunction`: runs once per container. The SDK clients
 * take region, credentials and any AWS_ENDPOINT_URL_<SERVICE> override from the environment.
 */
export function validationHandlerFromEnvironment(): ValidationHandler {
  const settings = readValidationSettings(process.env);
  return createValidationHandler({
    settings,
    s3: new S3Client({}),
    dynamodb: new DynamoDBClient({}),
    cloudwatch: new CloudWatchClient({}),
    ...(settings.alertTopicArn !== undefined ? { sns: new SNSClient({}) } : {}),
  });
}
