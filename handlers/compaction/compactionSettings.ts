/**
 * The compaction stage's settings, read once per container from the variables the component sets
 * and the one Lambda sets itself (the function's memory, which sizes the row budget).
 */
import { ENV } from "../../contract/environment";
import {
  choiceSetting,
  DEFAULT_PARQUET_GZIP_LEVEL,
  integerSetting,
  PARQUET_CODECS,
  readCommonSettings,
  requiredString,
  type CommonSettings,
  type Environment,
  type ParquetCodecSetting,
} from "../shared/settings";

export const DEFAULT_COMPACTION_LOOKBACK_DAYS = 7;
export const MAX_COMPACTION_LOOKBACK_DAYS = 30;
/** About 32 MB of uncompressed column data (26 MB compressed) per row group of a global day (docs/performance.md). */
export const DEFAULT_COMPACTION_ROW_GROUP_SIZE = 1_000_000;

/** Set by Lambda in every function's environment, and by the local harness. */
export const LAMBDA_MEMORY_VARIABLE = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE";

export interface CompactionSettings extends CommonSettings {
  processedBucket: string;
  lookbackDays: number;
  rowGroupSize: number;
  parquetCodec: ParquetCodecSetting;
  parquetGzipLevel: number;
  /** The function's memory in MB: the row budget is derived from it. */
  memorySizeMb: number;
}

function memorySize(env: Environment): number {
  const value = env[LAMBDA_MEMORY_VARIABLE]?.trim() ?? "";
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(parsed >= 128 && parsed <= 10_240)) {
    throw new Error(`${LAMBDA_MEMORY_VARIABLE}=${JSON.stringify(value)} is not a Lambda memory size (128–10240 MB); Lambda sets it, a test must too`);
  }
  return parsed;
}

export function readCompactionSettings(env: Environment = process.env): CompactionSettings {
  return {
    ...readCommonSettings(env),
    processedBucket: requiredString(env, ENV.processedBucket, "the processed bucket's name"),
    lookbackDays: integerSetting(env, ENV.compactionLookbackDays, { min: 1, max: MAX_COMPACTION_LOOKBACK_DAYS }, DEFAULT_COMPACTION_LOOKBACK_DAYS),
    rowGroupSize: integerSetting(env, ENV.compactionRowGroupSize, { min: 10_000, max: 10_000_000 }, DEFAULT_COMPACTION_ROW_GROUP_SIZE),
    parquetCodec: choiceSetting(env, ENV.parquetCodec, PARQUET_CODECS, "snappy", (value) => value.toLowerCase()),
    parquetGzipLevel: integerSetting(env, ENV.parquetGzipLevel, { min: 1, max: 9 }, DEFAULT_PARQUET_GZIP_LEVEL),
    memorySizeMb: memorySize(env),
  };
}
