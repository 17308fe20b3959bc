/**
 * The handlers' settings, read once per container from the environment the components wrote
 * (contract/stageEnvironment.ts), with the definitions the stack configuration was checked against
 * (contract/settings.ts).
 */
import {
  readBoolean,
  readBoundingBox,
  readChoice,
  readFraction,
  readInteger,
  readOptionalText,
  readRequiredText,
  readUrl,
  type Environment,
} from "../../contract/settingEnvironment";
import { PROGRAM_SETTINGS as P, STACK_SETTINGS as S } from "../../contract/settings";
import type { CommonSettings, IngestionSettings, ProcessingSettings, ValidationSettings } from "../../contract/stageEnvironment";

export type { Environment } from "../../contract/settingEnvironment";
export type { BoundingBox, ParquetCodec as ParquetCodecSetting } from "../../contract/settings";
export type { CommonSettings, IngestionSettings, ProcessingSettings, ValidationSettings } from "../../contract/stageEnvironment";

export function readCommonSettings(env: Environment = process.env): CommonSettings {
  return {
    environment: readRequiredText(env, P.environment),
    logLevel: readChoice(env, S.logLevel),
    trackingTable: readRequiredText(env, P.trackingTable),
    trackingTtlDays: readInteger(env, S.trackingTtlDays),
    tracing: readBoolean(env, P.tracingInstrumentation),
  };
}

export function readIngestionSettings(env: Environment = process.env): IngestionSettings {
  const settings: IngestionSettings = {
    ...readCommonSettings(env),
    rawBucket: readRequiredText(env, P.rawBucket),
    openskyApiUrl: readUrl(env, S.openskyApiUrl),
    openskyTokenUrl: readUrl(env, S.openskyTokenUrl),
    extended: readBoolean(env, S.openskyExtended),
    requestTimeoutMs: readInteger(env, S.openskyRequestTimeoutMs),
  };
  const secretArn = readOptionalText(env, P.openskyCredentialsSecretArn);
  if (secretArn !== undefined) settings.openskyCredentialsSecretArn = secretArn;
  const boundingBox = readBoundingBox(env, S.openskyBoundingBox);
  if (boundingBox !== undefined) settings.boundingBox = boundingBox;
  return settings;
}

export function readProcessingSettings(env: Environment = process.env): ProcessingSettings {
  return {
    ...readCommonSettings(env),
    rawBucket: readRequiredText(env, P.rawBucket),
    processedBucket: readRequiredText(env, P.processedBucket),
    parquetCodec: readChoice(env, S.parquetCodec),
    parquetGzipLevel: readInteger(env, S.parquetGzipLevel),
    parquetRowGroupSize: readInteger(env, S.parquetRowGroupSize),
  };
}

export function readValidationSettings(env: Environment = process.env): ValidationSettings {
  return {
    ...readCommonSettings(env),
    processedBucket: readRequiredText(env, P.processedBucket),
    alertTopicArn: readOptionalText(env, P.alertTopicArn),
    qualityThreshold: readFraction(env, S.qualityThreshold),
    minCompletenessScore: readFraction(env, S.minCompletenessScore),
    maxErrorRate: readFraction(env, S.maxErrorRate),
    strictMode: readBoolean(env, S.strictMode),
    circuitBreakerThreshold: readInteger(env, S.circuitBreakerThreshold),
  };
}
