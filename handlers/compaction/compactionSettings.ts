/**
 * The compaction stage's settings, read once per container from the variables the component sets
 * (contract/stageEnvironment.ts) and the one Lambda sets itself (the function's memory, which sizes
 * the row budget).
 */
import { readChoice, readInteger, readRequiredText, type Environment } from "../../contract/settingEnvironment";
import { PROGRAM_SETTINGS as P, STACK_SETTINGS as S } from "../../contract/settings";
import type { CompactionEnvironmentSettings } from "../../contract/stageEnvironment";
import { readCommonSettings } from "../shared/settings";

export const DEFAULT_COMPACTION_ROW_GROUP_SIZE = S.compactionRowGroupSize.defaultValue;

/** Set by Lambda in every function's environment, and by the local harness. */
export const LAMBDA_MEMORY_VARIABLE = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE";

export interface CompactionSettings extends CompactionEnvironmentSettings {
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
    processedBucket: readRequiredText(env, P.processedBucket),
    lookbackDays: readInteger(env, S.compactionLookbackDays),
    rowGroupSize: readInteger(env, S.compactionRowGroupSize),
    parquetCodec: readChoice(env, S.parquetCodec),
    parquetGzipLevel: readInteger(env, S.parquetGzipLevel),
    memorySizeMb: memorySize(env),
  };
}
