/**
 * The environment variables the components set on each function and the handlers read at init,
 * by the setting each carries (contract/settings.ts defines them). Everything a handler needs to
 * know about its stack arrives this way; nothing is baked in.
 */
import { PROGRAM_SETTINGS as P, STACK_SETTINGS as S } from "./settings";

export const ENV = {
  environment: P.environment.env,
  logLevel: S.logLevel.env,
  rawBucket: P.rawBucket.env,
  processedBucket: P.processedBucket.env,
  trackingTable: P.trackingTable.env,
  trackingTtlDays: S.trackingTtlDays.env,
  alertTopicArn: P.alertTopicArn.env,
  tracingInstrumentation: P.tracingInstrumentation.env,
  openskyApiUrl: S.openskyApiUrl.env,
  openskyTokenUrl: S.openskyTokenUrl.env,
  openskyCredentialsSecretArn: P.openskyCredentialsSecretArn.env,
  openskyBoundingBox: S.openskyBoundingBox.env,
  openskyExtended: S.openskyExtended.env,
  openskyRequestTimeoutMs: S.openskyRequestTimeoutMs.env,
  parquetCodec: S.parquetCodec.env,
  parquetGzipLevel: S.parquetGzipLevel.env,
  parquetRowGroupSize: S.parquetRowGroupSize.env,
  qualityThreshold: S.qualityThreshold.env,
  minCompletenessScore: S.minCompletenessScore.env,
  maxErrorRate: S.maxErrorRate.env,
  strictMode: S.strictMode.env,
  circuitBreakerThreshold: S.circuitBreakerThreshold.env,
  compactionLookbackDays: S.compactionLookbackDays.env,
  compactionRowGroupSize: S.compactionRowGroupSize.env,
} as const;
