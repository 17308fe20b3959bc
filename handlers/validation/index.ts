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
import type { SNSClient } from "@aws-sdk/client-sns";
import type { S3Event } from "aws-lambda";
import { createAlertPublisher, createLoggedAlertPublisher, snsClientOf, type SnsClientSource } from "../shared/alerts";
import { awsClientOptions, SDK_REQUEST_TIMEOUT_MS, withDeadline } from "../shared/invocationDeadline";
import type { Logger } from "../shared/logger";
import { runEachObject } from "../shared/s3EventRecords";
import { readValidationSettings, type ValidationSettings } from "../shared/settings";
import { createStageMetrics, createStageRuntime } from "../shared/stageRuntime";
import { deadlineBoundHandler, type InvocationContext } from "../shared/trackedStage";
import { createCircuitBreaker } from "./circuitBreaker";
import { createQualityChecks } from "./qualityChecks";
import { validateSnapshot, type ValidatedSnapshot, type ValidationServices } from "./validateSnapshot";

export type { ValidatedSnapshot } from "./validateSnapshot";

export interface ValidationDependencies {
  settings: ValidationSettings;
  s3: S3Client;
  dynamodb: DynamoDBClient;
  cloudwatch: CloudWatchClient;
  /** The SNS client, or a function giving it at the first alert; required when the settings name an alert topic. */
  sns?: SnsClientSource;
  clock?: () => Date;
  logger?: Logger;
  /** Waits between alert attempts; tests shorten them. */
  sleep?: (ms: number) => Promise<void>;
  /** Kept back at the end of each invocation to record a failure. */
  reserveMs?: number;
}

export type ValidationHandler = (event: S3Event, context?: InvocationContext) => Promise<ValidatedSnapshot[]>;

export function createValidationHandler(deps: ValidationDependencies): ValidationHandler {
  const { settings } = deps;
  const clock = deps.clock ?? (() => new Date());
  const topicArn = settings.alertTopicArn;
  const sns = deps.sns;
  if (topicArn !== undefined && sns === undefined) {
    throw new Error(`settings name the alert topic ${topicArn} but no SNS client was given`);
  }
  const runtime = createStageRuntime({
    stage: "validation",
    settings,
    dynamodb: deps.dynamodb,
    clock,
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.reserveMs === undefined ? {} : { reserveMs: deps.reserveMs }),
  });
  let alertSns: SNSClient | undefined;
  const services: ValidationServices = {
    runtime,
    checks: createQualityChecks(),
    settings,
    s3: withDeadline(runtime.tracing.client(deps.s3), runtime.deadline),
    metrics: createStageMetrics(runtime, deps.cloudwatch, settings, clock),
    clock,
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    alerts:
      topicArn !== undefined && sns !== undefined
        ? createAlertPublisher({
            sns: () => (alertSns ??= withDeadline(runtime.tracing.client(snsClientOf(sns)), runtime.deadline)),
            topicArn,
            environment: settings.environment,
          })
        : createLoggedAlertPublisher(runtime.logger),
    breaker: createCircuitBreaker({
      dynamodb: withDeadline(runtime.tracing.client(deps.dynamodb), runtime.deadline),
      tableName: settings.trackingTable,
      threshold: settings.circuitBreakerThreshold,
      clock,
    }),
  };
  return deadlineBoundHandler(runtime, (event: S3Event, context) => runEachObject(event, context, (object) => validateSnapshot(services, object)));
}

/**
 * The callbackFactory for `aws.lambda.CallbackFunction`: runs once per container. The SDK clients
 * take region, credentials and any AWS_ENDPOINT_URL_<SERVICE> override from the environment.
 */
export function validationHandlerFromEnvironment(): ValidationHandler {
  const settings = readValidationSettings(process.env);
  const clientOptions = awsClientOptions(SDK_REQUEST_TIMEOUT_MS);
  return createValidationHandler({
    settings,
    s3: new S3Client(clientOptions),
    dynamodb: new DynamoDBClient(clientOptions),
    cloudwatch: new CloudWatchClient(clientOptions),
    ...(settings.alertTopicArn !== undefined
      ? { sns: () => new (require("@aws-sdk/client-sns") as typeof import("@aws-sdk/client-sns")).SNSClient(clientOptions) }
      : {}),
  });
}
