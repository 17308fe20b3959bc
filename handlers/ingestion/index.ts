/**
 * The ingestion Lambda: fetch one OpenSky snapshot, check that it is a states answer, store its
 * bytes once in the raw bucket, record the run in the tracking table and publish its metrics.
 *
 * `createIngestionHandler` takes its clients and settings, so tests, the local runner and Lambda
 * run the same code; `ingestionHandlerFromEnvironment` is the callbackFactory the component
 * serializes: it runs once per container, reading the settings and building the clients there.
 *
 * What each outcome leaves behind:
 * - stored: the raw object (which starts processing), a "succeeded" item, the snapshot's metrics
 *   once (IngestionSnapshotsStored, IngestionStatesIngested) however often the run is retried;
 * - a duplicate fire (another run stored the snapshot): no write, the item's attempt count goes up,
 *   IngestionDuplicateSnapshots;
 * - rate-limited: a "rate_limited" item under the fire's time, IngestionRateLimited, no error;
 * - an answer that cannot be a snapshot, or one with an impossible time: a SnapshotBodyError or
 *   SnapshotTimeError, IngestionRejectedSnapshots, a "failed" item, and Lambda's retries then the DLQ;
 * - any other failure: a "failed" item with the error's description, IngestionFailures, the error
 *   rethrown. Metrics that cannot be published are logged as a side-service failure and change
 *   nothing else.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { awsClientOptions, SDK_REQUEST_TIMEOUT_MS, withDeadline } from "../shared/invocationDeadline";
import type { Logger } from "../shared/logger";
import type { Metric } from "../shared/metrics";
import { isNamedError } from "../shared/namedError";
import { rawKeyForSnapshot, snapshotIdForTime } from "../shared/s3Keys";
import { type IngestionSettings, readIngestionSettings } from "../shared/settings";
import { createStageMetrics, createStageRuntime } from "../shared/stageRuntime";
import { deadlineBoundHandler, failureRecorded, type InvocationContext, sideServiceFailed } from "../shared/trackedStage";
import { SNAPSHOT_ANNOTATION } from "../shared/tracing";
import { createAccessTokenProvider } from "./accessToken";
import { DEFAULT_RETRY_POLICY, fetchSnapshot, type RetryPolicy } from "./fetchSnapshot";
import { countMetric, INGESTION_METRICS } from "./ingestionMetrics";
import { anonymousAccess, credentialsFromSecretsManager } from "./openSkyCredentials";
import { REFUSED_ANSWER_ERRORS } from "./snapshotBody";
import { buildStatesUrl } from "./statesRequest";
import { storeRawSnapshot } from "./storeRawSnapshot";

export { INGESTION_METRICS } from "./ingestionMetrics";

/** What EventBridge's scheduled event carries that ingestion uses; a manual invoke may send `{}`. */
export interface IngestionEvent {
  /** ISO time the rule fired. */
  time?: string;
}

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

export type IngestionHandler = (event: IngestionEvent, context?: InvocationContext) => Promise<IngestionResult>;

/** What storing, tracking and publishing need after the fetch: the fetch may use the rest. */
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
  const fetchImpl = deps.fetch ?? fetch;
  const sleep = deps.sleep ?? sleepFor;
  const runtime = createStageRuntime({
    stage: "ingestion",
    settings,
    dynamodb: deps.dynamodb,
    clock,
    reserveMs: deps.reserveMs ?? DEFAULT_RESERVE_MS,
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
  const { tracking, redactor, deadline, tracing } = runtime;
  const publisher = createStageMetrics(runtime, deps.cloudwatch, settings, clock);
  const s3 = withDeadline(tracing.client(deps.s3), deadline);

  const secretArn = settings.openskyCredentialsSecretArn;
  if (secretArn !== undefined && deps.secretsManager === undefined) {
    throw new Error(`settings name the OpenSky credentials secret ${secretArn} but no Secrets Manager client was given`);
  }
  // Built once per container: the token it caches outlives the invocation.
  const tokens = createAccessTokenProvider({
    tokenUrl: settings.openskyTokenUrl,
    credentials:
      secretArn !== undefined && deps.secretsManager !== undefined
        ? credentialsFromSecretsManager(withDeadline(tracing.client(deps.secretsManager), deadline), secretArn)
        : anonymousAccess,
    fetch: fetchImpl,
    clock,
    redactor,
  });
  const url = buildStatesUrl(settings.openskyApiUrl, { boundingBox: settings.boundingBox, extended: settings.extended });

  return deadlineBoundHandler(runtime, async (event: IngestionEvent, context) => {
    const startedAt = clock();
    const requestId = context.awsRequestId ?? `unbound-${globalThis.crypto.randomUUID()}`;
    let snapshotId = fireTimeSnapshotId(event, startedAt);
    let logger = runtime.logger.child({ requestId, snapshotId });
    runtime.invocation.focus(snapshotId);
    tracing.annotate(SNAPSHOT_ANNOTATION, snapshotId);
    const runMetrics: Metric[] = [];

    /** Per-fire metrics go out every run; a failure to publish them is logged and changes nothing. */
    const publish = async (metrics: Metric[]): Promise<void> => {
      metrics.push({ name: INGESTION_METRICS.duration, value: clock().getTime() - startedAt.getTime(), unit: "Milliseconds" });
      try {
        await publisher.publish(metrics);
      } catch (error) {
        sideServiceFailed(logger, "cloudwatch", "could not publish the ingestion metrics; the snapshot is kept and they are not retried", error);
      }
    };

    const result = await failureRecorded(
      runtime,
      logger,
      async (): Promise<IngestionResult> => {
        const outcome = await fetchSnapshot({
          url,
          requestTimeoutMs: settings.requestTimeoutMs,
          tokens,
          fetch: fetchImpl,
          timeLeftMs: deadline.workLeftMs,
          policy: deps.retryPolicy ?? DEFAULT_RETRY_POLICY,
          sleep,
          logger,
          clock,
          redact: redactor.text,
          ...(deps.random ? { random: deps.random } : {}),
        });
        runMetrics.push(countMetric(INGESTION_METRICS.openSkyAttempts, outcome.attempts));
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
          const rateLimited: IngestionResult = { snapshotId, states: 0, stored: false, duplicate: false, rateLimited: true };
          if (outcome.retryAfterSeconds !== undefined) rateLimited.retryAfterSeconds = outcome.retryAfterSeconds;
          return rateLimited;
        }

        const { snapshot } = outcome;
        snapshotId = snapshotIdForTime(snapshot.time);
        logger = runtime.logger.child({ requestId, snapshotId });
        runtime.invocation.focus(snapshotId);
        tracing.annotate(SNAPSHOT_ANNOTATION, snapshotId);
        const states = snapshot.states?.length ?? 0;
        const key = rawKeyForSnapshot(snapshot.time);
        const { stored, refusals } = await storeRawSnapshot(
          s3,
          {
            bucket: settings.rawBucket,
            key,
            body: outcome.body,
            metadata: { "snapshot-time": String(snapshot.time), states: String(states) },
            writerId: `${requestId}/${startedAt.getTime()}`,
          },
          sleep,
        );
        logger.info(stored ? "stored snapshot" : "snapshot already stored by another run; nothing written", {
          key,
          states,
          bytes: outcome.body.byteLength,
          attempts: outcome.attempts,
          rateLimitRemaining: outcome.rateLimitRemaining,
          ...(refusals > 0 ? { conditionalWriteRefusals: refusals } : {}),
        });
        if (!stored) {
          await tracking.noteRepeat({ snapshotId, stage: "ingestion", startedAt, requestId, s3Keys: { raw: key } });
          runMetrics.push(countMetric(INGESTION_METRICS.duplicateSnapshots, 1));
          return { snapshotId, key, states, stored: false, duplicate: true, rateLimited: false };
        }
        await tracking.record({
          snapshotId,
          stage: "ingestion",
          status: "succeeded",
          startedAt,
          requestId,
          counts: { states, attempts: outcome.attempts, bytes: outcome.body.byteLength },
          s3Keys: { raw: key },
        });
        // The snapshot's own metrics once, even when a retried run stores the same snapshot again.
        let claimed = false;
        try {
          claimed = await tracking.claimMetrics(snapshotId, "ingestion");
        } catch (error) {
          sideServiceFailed(logger, "dynamodb", "could not claim the snapshot's metrics; not publishing them", error);
        }
        if (claimed) {
          runMetrics.push(countMetric(INGESTION_METRICS.statesIngested, states), countMetric(INGESTION_METRICS.snapshotsStored, 1));
        }
        return { snapshotId, key, states, stored: true, duplicate: false, rateLimited: false };
      },
      async (errorMessage) => {
        await tracking.record({ snapshotId, stage: "ingestion", status: "failed", startedAt, requestId, errorMessage });
      },
    ).catch(async (error: unknown) => {
      runMetrics.push(countMetric(INGESTION_METRICS.failures, 1));
      if (REFUSED_ANSWER_ERRORS.some((name) => isNamedError(error, name))) {
        runMetrics.push(countMetric(INGESTION_METRICS.rejectedSnapshots, 1));
      }
      await publish(runMetrics);
      throw error;
    });
    await publish(runMetrics);
    return result;
  });
}

/**
 * The callbackFactory for `aws.lambda.CallbackFunction`: runs once per container. The SDK clients
 * take region, credentials and any AWS_ENDPOINT_URL_<SERVICE> override from the environment.
 */
export function ingestionHandlerFromEnvironment(): IngestionHandler {
  const settings = readIngestionSettings(process.env);
  const clientOptions = awsClientOptions(SDK_REQUEST_TIMEOUT_MS);
  return createIngestionHandler({
    settings,
    s3: new S3Client(clientOptions),
    dynamodb: new DynamoDBClient(clientOptions),
    cloudwatch: new CloudWatchClient(clientOptions),
    ...(settings.openskyCredentialsSecretArn !== undefined ? { secretsManager: new SecretsManagerClient(clientOptions) } : {}),
  });
}
