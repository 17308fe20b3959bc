/**
 * What each stage's function knows about its stack, as the handlers use it, and the environment
 * the components write for it. The handlers read these back (handlers/shared/settings.ts,
 * handlers/compaction/compactionSettings.ts) with the same definitions; a round-trip test builds
 * every stage's environment from stack configurations and reads it back to the same values.
 *
 * `Ref` is how a value the program only knows once a resource exists (a bucket's name) is passed:
 * plain strings in tests and handlers, Pulumi inputs in the components.
 */
import { formatBoundingBox } from "./settingEnvironment";
import { PROGRAM_SETTINGS as P, STACK_SETTINGS as S, type BoundingBox, type LogLevel, type ParquetCodec } from "./settings";

export interface CommonSettings<Ref = string> {
  /** Stack name: the Environment dimension of every metric. */
  environment: string;
  logLevel: LogLevel;
  trackingTable: Ref;
  trackingTtlDays: number;
  /** Records the AWS and OpenSky calls as X-Ray subsegments (tracing.ts); off when absent. */
  tracing?: boolean;
}

export interface IngestionSettings extends CommonSettings {
  rawBucket: string;
  openskyApiUrl: string;
  openskyTokenUrl: string;
  /** Unset means anonymous access. */
  openskyCredentialsSecretArn?: string;
  /** Unset means the whole world. */
  boundingBox?: BoundingBox;
  extended: boolean;
  requestTimeoutMs: number;
}

export interface ProcessingSettings extends CommonSettings {
  rawBucket: string;
  processedBucket: string;
  parquetCodec: ParquetCodec;
  parquetGzipLevel: number;
  parquetRowGroupSize: number;
}

export interface ValidationSettings extends CommonSettings {
  processedBucket: string;
  /** Unset when the stack has no alert topic: alerts are then logged only. */
  alertTopicArn?: string;
  qualityThreshold: number;
  minCompletenessScore: number;
  maxErrorRate: number;
  strictMode: boolean;
  circuitBreakerThreshold: number;
}

/** The compaction stage's settings from its environment (its memory comes from Lambda: compactionSettings.ts). */
export interface CompactionEnvironmentSettings extends CommonSettings {
  processedBucket: string;
  lookbackDays: number;
  rowGroupSize: number;
  parquetCodec: ParquetCodec;
  parquetGzipLevel: number;
}

export type StageEnvironment<Ref> = Record<string, string | Ref>;

/** Replaces the fields that name resources with what the program passes for them. */
type Written<T, Ref, Fields extends keyof T> = Omit<T, Fields> & { [F in Fields]: Ref | Extract<T[F], undefined> };

export function commonEnvironment<Ref>(settings: CommonSettings<Ref>): StageEnvironment<Ref> {
  return {
    [P.environment.env]: settings.environment,
    [S.logLevel.env]: settings.logLevel,
    [P.trackingTable.env]: settings.trackingTable,
    [S.trackingTtlDays.env]: String(settings.trackingTtlDays),
    [P.tracingInstrumentation.env]: String(settings.tracing ?? false),
  };
}

/** The ingestion stage's own variables (beside the common ones). */
export function ingestionEnvironment<Ref>(
  settings: Written<Omit<IngestionSettings, keyof CommonSettings>, Ref, "rawBucket" | "openskyCredentialsSecretArn">,
): StageEnvironment<Ref> {
  const environment: StageEnvironment<Ref> = {
    [P.rawBucket.env]: settings.rawBucket,
    [S.openskyApiUrl.env]: settings.openskyApiUrl,
    [S.openskyTokenUrl.env]: settings.openskyTokenUrl,
    [S.openskyExtended.env]: String(settings.extended),
    [S.openskyRequestTimeoutMs.env]: String(settings.requestTimeoutMs),
  };
  if (settings.boundingBox !== undefined) environment[S.openskyBoundingBox.env] = formatBoundingBox(settings.boundingBox);
  if (settings.openskyCredentialsSecretArn !== undefined) environment[P.openskyCredentialsSecretArn.env] = settings.openskyCredentialsSecretArn;
  return environment;
}

export function processingEnvironment<Ref>(
  settings: Written<Omit<ProcessingSettings, keyof CommonSettings>, Ref, "rawBucket" | "processedBucket">,
): StageEnvironment<Ref> {
  return {
    [P.rawBucket.env]: settings.rawBucket,
    [P.processedBucket.env]: settings.processedBucket,
    [S.parquetCodec.env]: settings.parquetCodec,
    [S.parquetGzipLevel.env]: String(settings.parquetGzipLevel),
    [S.parquetRowGroupSize.env]: String(settings.parquetRowGroupSize),
  };
}

export function validationEnvironment<Ref>(
  settings: Written<Omit<ValidationSettings, keyof CommonSettings>, Ref, "processedBucket" | "alertTopicArn">,
): StageEnvironment<Ref> {
  const environment: StageEnvironment<Ref> = {
    [P.processedBucket.env]: settings.processedBucket,
    [S.qualityThreshold.env]: String(settings.qualityThreshold),
    [S.minCompletenessScore.env]: String(settings.minCompletenessScore),
    [S.maxErrorRate.env]: String(settings.maxErrorRate),
    [S.strictMode.env]: String(settings.strictMode),
    [S.circuitBreakerThreshold.env]: String(settings.circuitBreakerThreshold),
  };
  if (settings.alertTopicArn !== undefined) environment[P.alertTopicArn.env] = settings.alertTopicArn;
  return environment;
}

export function compactionEnvironment<Ref>(
  settings: Written<Omit<CompactionEnvironmentSettings, keyof CommonSettings>, Ref, "processedBucket">,
): StageEnvironment<Ref> {
  return {
    [P.processedBucket.env]: settings.processedBucket,
    [S.parquetCodec.env]: settings.parquetCodec,
    [S.parquetGzipLevel.env]: String(settings.parquetGzipLevel),
    [S.compactionLookbackDays.env]: String(settings.lookbackDays),
    [S.compactionRowGroupSize.env]: String(settings.rowGroupSize),
  };
}
