/**
 * The handlers' settings, read once per container from the environment variables the components
 * set (names in contract/environment.ts). A missing or malformed variable stops the container at
 * init with an error naming the variable, its value and what is allowed, instead of surfacing
 * later as a confusing AWS error.
 */
import { ENV, type EnvName } from "../../contract/environment";
import { LOG_LEVELS, type LogLevel } from "./logger";

export type Environment = Readonly<Record<string, string | undefined>>;

function describe(value: string): string {
  return JSON.stringify(value);
}

/** A set variable with surrounding whitespace removed; undefined when unset or blank. */
function present(env: Environment, name: EnvName): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

export function requiredString(env: Environment, name: EnvName, meaning: string): string {
  const value = present(env, name);
  if (value === undefined) throw new Error(`${name} is not set: it must hold ${meaning}`);
  return value;
}

export function optionalString(env: Environment, name: EnvName): string | undefined {
  return present(env, name);
}

export function integerSetting(
  env: Environment,
  name: EnvName,
  range: { min: number; max: number },
  fallback?: number,
): number {
  const value = present(env, name);
  const allowed = `an integer from ${range.min} to ${range.max}`;
  if (value === undefined) {
    if (fallback === undefined) throw new Error(`${name} is not set: it must be ${allowed}`);
    return fallback;
  }
  const parsed = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < range.min || parsed > range.max) {
    throw new Error(`${name}=${describe(value)} is not allowed: it must be ${allowed}`);
  }
  return parsed;
}

/** A fraction in [0, 1], as the stack's dataQualityConfig thresholds are. */
export function fractionSetting(env: Environment, name: EnvName, fallback: number): number {
  const value = present(env, name);
  if (value === undefined) return fallback;
  const parsed = /^[0-9.eE+-]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
    throw new Error(`${name}=${describe(value)} is not allowed: it must be a number from 0 to 1`);
  }
  return parsed;
}

export function booleanSetting(env: Environment, name: EnvName, fallback: boolean): boolean {
  const value = present(env, name);
  if (value === undefined) return fallback;
  const lower = value.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  throw new Error(`${name}=${describe(value)} is not allowed: it must be true or false`);
}

export function choiceSetting<T extends string>(
  env: Environment,
  name: EnvName,
  choices: readonly T[],
  fallback: T,
  normalize: (value: string) => string = (value) => value,
): T {
  const value = present(env, name);
  if (value === undefined) return fallback;
  const match = choices.find((choice) => choice === normalize(value));
  if (match === undefined) {
    throw new Error(`${name}=${describe(value)} is not allowed: it must be one of ${choices.join(", ")}`);
  }
  return match;
}

export function urlSetting(env: Environment, name: EnvName, fallback: string): string {
  const value = present(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name}=${describe(value)} is not allowed: it must be an absolute http(s) URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Error(`${name}=${describe(value)} is not allowed: it must be an absolute http(s) URL`);
  }
  return value.replace(/\/+$/, "");
}

/** The OpenSky query box, in degrees. */
export interface BoundingBox {
  lamin: number;
  lomin: number;
  lamax: number;
  lomax: number;
}

export function boundingBoxSetting(env: Environment, name: EnvName): BoundingBox | undefined {
  const value = present(env, name);
  if (value === undefined) return undefined;
  const allowed =
    "four comma-separated numbers lamin,lomin,lamax,lomax with -90 ≤ lamin < lamax ≤ 90 and -180 ≤ lomin < lomax ≤ 180";
  const parts = value.split(",").map((part) => part.trim());
  const numbers = parts.map((part) => (part === "" ? Number.NaN : Number(part)));
  if (numbers.length !== 4 || numbers.some((n) => !Number.isFinite(n))) {
    throw new Error(`${name}=${describe(value)} is not allowed: it must be ${allowed}`);
  }
  const [lamin, lomin, lamax, lomax] = numbers as [number, number, number, number];
  const inRange = lamin >= -90 && lamax <= 90 && lamin < lamax && lomin >= -180 && lomax <= 180 && lomin < lomax;
  if (!inRange) throw new Error(`${name}=${describe(value)} is not allowed: it must be ${allowed}`);
  return { lamin, lomin, lamax, lomax };
}

/** What every stage reads. */
export interface CommonSettings {
  /** Stack name: the Environment dimension of every metric. */
  environment: string;
  logLevel: LogLevel;
  trackingTable: string;
  trackingTtlDays: number;
  /** Records the AWS and OpenSky calls as X-Ray subsegments (tracing.ts); off when absent. */
  tracing?: boolean;
}

export const DEFAULT_TRACKING_TTL_DAYS = 30;

export function readCommonSettings(env: Environment = process.env): CommonSettings {
  return {
    environment: requiredString(env, ENV.environment, "the stack name (e.g. dev, prod)"),
    logLevel: choiceSetting(env, ENV.logLevel, LOG_LEVELS, "INFO", (value) => value.toUpperCase()),
    trackingTable: requiredString(env, ENV.trackingTable, "the execution-tracking table's name"),
    trackingTtlDays: integerSetting(env, ENV.trackingTtlDays, { min: 1, max: 3650 }, DEFAULT_TRACKING_TTL_DAYS),
    tracing: booleanSetting(env, ENV.tracingInstrumentation, false),
  };
}

export const DEFAULT_OPENSKY_API_URL = "https://opensky-network.org/api";
export const DEFAULT_OPENSKY_TOKEN_URL =
  "https://auth.opensky-network.org/auth/realms/opensky-network/protocol/openid-connect/token";
export const DEFAULT_OPENSKY_REQUEST_TIMEOUT_MS = 20_000;

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

export function readIngestionSettings(env: Environment = process.env): IngestionSettings {
  const settings: IngestionSettings = {
    ...readCommonSettings(env),
    rawBucket: requiredString(env, ENV.rawBucket, "the raw bucket's name"),
    openskyApiUrl: urlSetting(env, ENV.openskyApiUrl, DEFAULT_OPENSKY_API_URL),
    openskyTokenUrl: urlSetting(env, ENV.openskyTokenUrl, DEFAULT_OPENSKY_TOKEN_URL),
    extended: booleanSetting(env, ENV.openskyExtended, false),
    requestTimeoutMs: integerSetting(
      env,
      ENV.openskyRequestTimeoutMs,
      { min: 100, max: 900_000 },
      DEFAULT_OPENSKY_REQUEST_TIMEOUT_MS,
    ),
  };
  const secretArn = optionalString(env, ENV.openskyCredentialsSecretArn);
  if (secretArn !== undefined) settings.openskyCredentialsSecretArn = secretArn;
  const boundingBox = boundingBoxSetting(env, ENV.openskyBoundingBox);
  if (boundingBox !== undefined) settings.boundingBox = boundingBox;
  return settings;
}

export const PARQUET_CODECS = ["snappy", "gzip", "zstd", "uncompressed"] as const;
export type ParquetCodecSetting = (typeof PARQUET_CODECS)[number];
export const DEFAULT_PARQUET_GZIP_LEVEL = 6;
export const DEFAULT_PARQUET_ROW_GROUP_SIZE = 100_000;

export interface ProcessingSettings extends CommonSettings {
  rawBucket: string;
  processedBucket: string;
  parquetCodec: ParquetCodecSetting;
  parquetGzipLevel: number;
  parquetRowGroupSize: number;
}

export function readProcessingSettings(env: Environment = process.env): ProcessingSettings {
  return {
    ...readCommonSettings(env),
    rawBucket: requiredString(env, ENV.rawBucket, "the raw bucket's name"),
    processedBucket: requiredString(env, ENV.processedBucket, "the processed bucket's name"),
    parquetCodec: choiceSetting(env, ENV.parquetCodec, PARQUET_CODECS, "snappy", (value) => value.toLowerCase()),
    parquetGzipLevel: integerSetting(env, ENV.parquetGzipLevel, { min: 1, max: 9 }, DEFAULT_PARQUET_GZIP_LEVEL),
    parquetRowGroupSize: integerSetting(
      env,
      ENV.parquetRowGroupSize,
      { min: 1_000, max: 10_000_000 },
      DEFAULT_PARQUET_ROW_GROUP_SIZE,
    ),
  };
}

/** The design reference's dataQualityConfig defaults. */
export const DEFAULT_QUALITY_THRESHOLD = 0.8;
export const DEFAULT_MIN_COMPLETENESS_SCORE = 0.7;
export const DEFAULT_MAX_ERROR_RATE = 0.05;
export const DEFAULT_CIRCUIT_BREAKER_THRESHOLD = 3;

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

export function readValidationSettings(env: Environment = process.env): ValidationSettings {
  return {
    ...readCommonSettings(env),
    processedBucket: requiredString(env, ENV.processedBucket, "the processed bucket's name"),
    alertTopicArn: optionalString(env, ENV.alertTopicArn),
    qualityThreshold: fractionSetting(env, ENV.qualityThreshold, DEFAULT_QUALITY_THRESHOLD),
    minCompletenessScore: fractionSetting(env, ENV.minCompletenessScore, DEFAULT_MIN_COMPLETENESS_SCORE),
    maxErrorRate: fractionSetting(env, ENV.maxErrorRate, DEFAULT_MAX_ERROR_RATE),
    strictMode: booleanSetting(env, ENV.strictMode, false),
    circuitBreakerThreshold: integerSetting(
      env,
      ENV.circuitBreakerThreshold,
      { min: 1, max: 1_000 },
      DEFAULT_CIRCUIT_BREAKER_THRESHOLD,
    ),
  };
}
