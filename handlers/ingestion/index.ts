/**
 * The ingestion Lambda: fetch one OpenSky snapshot, check it, store it once in the raw bucket,
 * record the run in the tracking table and publish its metrics.
 *
 * `createIngestionHandler` takes its clients and settings, so tests, the local runner and Lambda
 * run the same code; `ingestionHandlerFromEnvironment` is the callbackFactory the component
 * serializes: it runs once per container, reading the settings and building the clients there.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Context } from "aws-lambda";
import { createLogger, type Logger } from "../shared/logger";
import { createMetricsPublisher, type Metric } from "../shared/metrics";
import { rawKeyForSnapshot, snapshotIdForTime } from "../shared/s3Keys";
import { type IngestionSettings, readIngestionSettings } from "../shared/settings";
import { createTrackingStore } from "../shared/tracking";
import { createAccessTokenProvider } from "./accessToken";
import { DEFAULT_RETRY_POLICY, fetchSnapshot, type RetryPolicy } from "./fetchSnapshot";
import { countMetric, INGESTION_METRICS } from "./ingestionMetrics";
import { anonymousAccess, credentialsFromSecretsManager } from "./openSkyCredentials";
import { buildStatesUrl } from "./statesRequest";
import { storeRawSnapshot } from "./storeRawSnapshot";

export { INGESTION_METRICS } from "./ingestionMetrics";

/** What EventBridge's scheduled event carries that ingestion uses; a manual invoke may send `{}`. */
export interface IngestionEvent {
  /** ISO time the rule fired. */
  time?: string;
}

export type InvocationContext = Pick<Context, "awsRequestId" | "getRemainingTimeInMillis">;

export interface IngestionResult {
  snapshotId: string;
  /** The raw object's key; absent when no snapshot arrived. */
  key?: string;
  states: number;
  stored: boolean;
  duplicate: boolean;
  rateLimited: boolean;
  /** Seconds OpenSky asked to wait, when rate-limited. */
  retryAfterSeconds?: number;
}

export interface IngestionDependencies {
  settings: IngestionSettings;
  s3: S3Client;
  dynamodb: DynamoDBClient;
  cloudwatch: CloudWatchClient;
  /** Needed only when settings name a credentials secret. */
  secretsManager?: SecretsManagerClient;
  clock?: () => Date;
  logger?: Logger;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  retryPolicy?: RetryPolicy;
  /** Kept back from the invocation's time for storing, tracking and metrics after the fetch. */
  reserveMs?: number;
  random?: () => number;
}

export type IngestionHandler = (event: IngestionEvent, context: InvocationContext) => Promise<IngestionResult>;

export const DEFAULT_RESERVE_MS = 5_000;

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The id a run is tracked under before a snapshot tells it the real one: the rule's fire time. */
function fireTimeSnapshotId(event: IngestionEvent, now: Date): string {
  const fired = event.time === undefined ? Number.NaN : Date.parse(event.time);
  return snapshotIdForTime(Math.floor((Number.isFinite(fired) ? fired : now.getTime()) / 1000));
}

export function createIngestionHandler(deps: IngestionDependencies): IngestionHandler {
  const { settings } = deps;
  const clock = deps.clock ?? (() => new Date());
  const baseLogger = deps.logger ?? createLogger({ level: settings.logLevel, fields: { stage: "ingestion" } });
  const fetchImpl = deps.fetch ?? fetch;
  const reserveMs = deps.reserveMs ?? DEFAULT_RESERVE_MS;
  const tracking = createTrackingStore({
    dynamodb: deps.dynamodb,
    tableName: settings.trackingTable,
    ttlDays: settings.trackingTtlDays,
    clock,
  });

  const secretArn = settings.openskyCredentialsSecretArn;
  if (secretArn !== undefined && deps.secretsManager === undefined) {
    throw new Error(`settings name the OpenSky credentials secret ${secretArn} but no Secrets Manager client was given`);
  }
  // Built once per container: the token it caches outlives the invocation.
  const tokens = createAccessTokenProvider({
    tokenUrl: settings.openskyTokenUrl,
    credentials:
      secretArn !== undefined && deps.secretsManager !== undefined
        ? credentialsFromSecretsManager(deps.secretsManager, secretArn)
        : anonymousAccess,
    fetch: fetchImpl,
    clock,
  });
  const url = buildStatesUrl(settings.openskyApiUrl, { boundingBox: settings.boundingBox, extended: settings.extended });

  return async (event, context) => {
    const startedAt = clock();
    const requestId = context.awsRequestId;
    const metrics = createMetricsPublisher({ cloudwatch: deps.cloudwatch, environment: settings.environment, clock });
    let snapshotId = fireTimeSnapshotId(event, startedAt);
    let logger = baseLogger.child({ requestId, snapshotId });

    const publish = async (runMetrics: Metric[]): Promise<void> => {
      runMetrics.push({ name: INGESTION_METRICS.duration, value: clock().getTime() - startedAt.getTime(), unit: "Milliseconds" });
      try {
        await metrics.publish(runMetrics);
      } catch (error) {
        // The snapshot is stored and tracked; failing now would only make Lambda fetch it again.
        logger.error("could not publish ingestion metrics", { error });
      }
    };

    try {
      const outcome = await fetchSnapshot({
        url,
        requestTimeoutMs: settings.requestTimeoutMs,
        tokens,
        fetch: fetchImpl,
        timeLeftMs: () => context.getRemainingTimeInMillis() - reserveMs,
        policy: deps.retryPolicy ?? DEFAULT_RETRY_POLICY,
        sleep: deps.sleep ?? sleepFor,
        logger,
        ...(deps.random ? { random: deps.random } : {}),
      });
      const runMetrics: Metric[] = [countMetric(INGESTION_METRICS.openSkyAttempts, outcome.attempts)];
      if (outcome.rateLimitRemaining !== undefined) {
        runMetrics.push(countMetric(INGESTION_METRICS.rateLimitRemaining, outcome.rateLimitRemaining));
      }

      if (outcome.kind === "rateLimited") {
        logger.warn("OpenSky credits exhausted; ending this run as rate-limited", {
          retryAfterSeconds: outcome.retryAfterSeconds,
          attempts: outcome.attempts,
        });
        await tracking.record({
          snapshotId,
          stage: "ingestion",
          status: "rate_limited",
          startedAt,
          requestId,
          counts: { attempts: outcome.attempts },
          details: outcome.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: outcome.retryAfterSeconds },
        });
        runMetrics.push(countMetric(INGESTION_METRICS.rateLimited, 1));
        await publish(runMetrics);
        const result: IngestionResult = { snapshotId, states: 0, stored: false, duplicate: false, rateLimited: true };
        if (outcome.retryAfterSeconds !== undefined) result.retryAfterSeconds = outcome.retryAfterSeconds;
        return result;
      }

      const { snapshot } = outcome;
      snapshotId = snapshotIdForTime(snapshot.time);
      logger = baseLogger.child({ requestId, snapshotId });
      const states = snapshot.states?.length ?? 0;
      const key = rawKeyForSnapshot(snapshot.time);
      const { stored } = await storeRawSnapshot(deps.s3, {
        bucket: settings.rawBucket,
        key,
        body: outcome.body,
        metadata: { "snapshot-time": String(snapshot.time), states: String(states) },
      });
      logger.info(stored ? "stored snapshot" : "snapshot already stored; nothing written", {
        key,
        states,
        attempts: outcome.attempts,
        rateLimitRemaining: outcome.rateLimitRemaining,
      });
      if (stored) {
        await tracking.record({
          snapshotId,
          stage: "ingestion",
          status: "succeeded",
          startedAt,
          requestId,
          counts: { states, attempts: outcome.attempts, bytes: Buffer.byteLength(outcome.body) },
          s3Keys: { raw: key },
        });
      } else {
        await tracking.noteRepeat({ snapshotId, stage: "ingestion", startedAt, requestId, s3Keys: { raw: key } });
      }
      runMetrics.push(
        countMetric(INGESTION_METRICS.statesIngested, stored ? states : 0),
        countMetric(stored ? INGESTION_METRICS.snapshotsStored : INGESTION_METRICS.duplicateSnapshots, 1),
      );
      await publish(runMetrics);
      return { snapshotId, key, states, stored, duplicate: !stored, rateLimited: false };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.error("ingestion failed", { error });
      try {
        await tracking.record({ snapshotId, stage: "ingestion", status: "failed", startedAt, requestId, errorMessage: message });
      } catch (trackingError) {
        logger.error("could not record the failure in the tracking table", { error: trackingError });
      }
      await publish([countMetric(INGESTION_METRICS.failures, 1)]);
      throw error;
    }
  };
}

/**
 * The callbackFactory for `aws.lambda.CallbackFunction`: runs once per container. The SDK clients
 * take region, credentials and any AWS_ENDPOINT_URL_<SERVICE> override from the environment.
 */
export function ingestionHandlerFromEnvironment(): IngestionHandler {
  const settings = readIngestionSettings(process.env);
  return createIngestionHandler({
    settings,
    s3: new S3Client({}),
    dynamodb: new DynamoDBClient({}),
    cloudwatch: new CloudWatchClient({}),
    ...(settings.openskyCredentialsSecretArn !== undefined ? { secretsManager: new SecretsManagerClient({}) } : {}),
  });
}
