/**
 * The stack's configuration as the program uses it: every key typed, defaulted and checked.
 * `parseStackConfig` is pure (tests call it with plain values); `loadStackConfig` in
 * config/loadStackConfig.ts feeds it from the stack's Pulumi configuration.
 */
import { STAGES, type StageName } from "../contract/dataLayout";
import {
  allSettings,
  FUNCTION_SIZING_DEFAULTS,
  functionSettings,
  STACK_SETTINGS as S,
  type BoundingBox,
  type CompactedStorageClass,
  type LambdaArchitecture,
  type LambdaRuntime,
  type LogLevel,
  type ParquetCodec,
  type SystemLogLevel,
} from "../contract/settings";
import { ConfigReader } from "./configReader";
import { booleanOf, choiceOf, fractionOf, integerChoiceOf, integerOf, numberOf, optionalIntegerOf, optionalTextOf, textOf, urlOf } from "./settingReader";
import { alertEmailProblem, openskyClientIdProblem, REQUIRED_SETTING_COMMANDS } from "./placeholderValues";

export const CONFIG_NAMESPACE = "flight-data-pipeline";

export interface FunctionSettings {
  memorySize: number;
  timeout: number;
  reservedConcurrency: number;
  provisionedConcurrency: number;
  environmentVariables: Record<string, string>;
}

export type { BoundingBox, CompactedStorageClass, LambdaArchitecture, LambdaRuntime, LogLevel, ParquetCodec, SystemLogLevel } from "../contract/settings";
export { LAMBDA_RUNTIMES, scheduleExpressionProblem } from "../contract/settings";

export interface ExistingBucket {
  name: string;
  arn: string;
}

/** Either subnets and security groups the stack already has, or a VPC the program creates. */
export type VpcSettings =
  | { kind: "existing"; subnetIds: string[]; securityGroupIds: string[] }
  | { kind: "create"; cidrBlock: string; availabilityZones: number; natGateways: "single" | "onePerAz" };

export interface StackConfig {
  lambda: Record<StageName, FunctionSettings>;
  lambdaRuntime: LambdaRuntime;
  lambdaArchitecture: LambdaArchitecture;
  logLevel: LogLevel;
  systemLogLevel: SystemLogLevel;
  logRetentionDays: number;
  enableScheduledIngestion: boolean;
  ingestionScheduleExpression: string;
  enableXrayTracing: boolean;
  /** With enableXrayTracing: the SDK and OpenSky calls as subsegments (costs cold-start time; README "Traces"). */
  enableXrayInstrumentation: boolean;
  enableCloudwatchAlarms: boolean;
  createLambdaDashboard: boolean;
  enableLambdaInsights: boolean;
  /** Overrides the region- and architecture-derived Lambda Insights layer. */
  lambdaInsightsLayerArn?: string;
  dlqRetentionSeconds: number;
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
  createErrorNotificationTopic: boolean;
  errorNotificationEmail?: string;
  dataQuality: {
    qualityThreshold: number;
    minCompletenessScore: number;
    maxErrorRate: number;
    strictMode: boolean;
    circuitBreakerThreshold: number;
  };
  enableLambdaVersioning: boolean;
  enableProvisionedConcurrency: boolean;
  enableGradualDeployment: boolean;
  /** Share of the live alias's traffic the newest version gets; 1 promotes it (components/support/aliasRouting.ts). */
  gradualDeploymentWeight: number;
  sharedDependenciesLayer: boolean;
  vpc?: VpcSettings;
  opensky: {
    apiUrl: string;
    tokenUrl: string;
    clientId?: string;
    boundingBox?: BoundingBox;
    extended: boolean;
    requestTimeoutMs: number;
  };
  dataLake: {
    rawTransitionDays: number;
    rawExpirationDays: number;
    processedTransitionDays: number;
    athenaResultsExpirationDays: number;
    forceDestroy: boolean;
    existingBuckets?: { raw: ExistingBucket; processed: ExistingBucket; athenaResults: ExistingBucket };
    /** Days before per-snapshot Parquet under processed/ is deleted; the daily files keep its rows. */
    processedExpirationDays: number;
    compactedTransitionDays: number;
    compactedStorageClass: CompactedStorageClass;
    /** Unset keeps the daily files for good. */
    compactedExpirationDays?: number;
    reportsExpirationDays: number;
    quarantineExpirationDays: number;
  };
  compaction: {
    /** When the daily compaction runs: after the UTC day has ended. */
    scheduleExpression: string;
    /** Days checked on each run, the day just ended included, so late snapshots get their day compacted again. */
    lookbackDays: number;
    rowGroupSize: number;
  };
  catalog: {
    /** The first year the Glue tables' partition projection lists; it ends at the current year. */
    firstYear: number;
  };
  trackingTtlDays: number;
  parquet: { codec: ParquetCodec; gzipLevel: number; rowGroupSize: number };
  /** Five-minute periods with no processed records before the stale-feed alarm fires. */
  staleFeedPeriods: number;
  tags: Record<string, string>;
}

/** Each stage's function settings when the stack sets none. */
export const FUNCTION_DEFAULTS = Object.fromEntries(STAGES.map((stage) => [stage, { ...FUNCTION_SIZING_DEFAULTS[stage], environmentVariables: {} }])) as Record<
  StageName,
  FunctionSettings
>;

export const DEFAULT_LAMBDA_RUNTIME: LambdaRuntime = S.lambdaRuntime.defaultValue;
export const DEFAULT_CATALOG_FIRST_YEAR = S.catalogFirstYear.defaultValue;

/** The seed's data_quality_config. */
export const DATA_QUALITY_DEFAULTS = {
  qualityThreshold: S.qualityThreshold.defaultValue,
  minCompletenessScore: S.minCompletenessScore.defaultValue,
  maxErrorRate: S.maxErrorRate.defaultValue,
} as const;

/** Parquet as processing writes it unless the stack says otherwise. */
export const PARQUET_DEFAULTS: StackConfig["parquet"] = {
  codec: S.parquetCodec.defaultValue,
  gzipLevel: S.parquetGzipLevel.defaultValue,
  rowGroupSize: S.parquetRowGroupSize.defaultValue,
};

/** The stack the configuration belongs to: named in the `pulumi config set` commands problems suggest. */
export interface StackContext {
  stack?: string;
}

/**
 * Builds the typed configuration from raw values keyed by top-level config key (strings the way
 * the CLI stores them, JSON text for objects, or already-parsed values). Every problem is
 * collected and thrown together as a ConfigError naming each key, its value and what is allowed.
 */
export function parseStackConfig(raw: Record<string, unknown>, context: StackContext = {}): StackConfig {
  const r = new ConfigReader(CONFIG_NAMESPACE, raw);
  const stackFlag = context.stack === undefined ? "" : ` --stack ${context.stack}`;
  const withCommand = (setting: string, problem: string | undefined) => problem && `${problem}; set it with: ${REQUIRED_SETTING_COMMANDS[setting](stackFlag)}`;

  const lambda = {} as Record<StageName, FunctionSettings>;
  for (const stage of STAGES) {
    const f = functionSettings(stage);
    lambda[stage] = {
      memorySize: integerOf(r, f.memorySize),
      timeout: integerOf(r, f.timeout),
      reservedConcurrency: integerOf(r, f.reservedConcurrency),
      provisionedConcurrency: integerOf(r, f.provisionedConcurrency),
      environmentVariables: r.stringMap(
        f.environmentVariables.key,
        /^[A-Za-z][A-Za-z0-9_]*$/,
        "names must start with a letter and hold only letters, digits and _ (Lambda's rule)",
      ),
    };
  }

  const config: StackConfig = {
    lambda,
    lambdaRuntime: choiceOf(r, S.lambdaRuntime),
    lambdaArchitecture: choiceOf(r, S.lambdaArchitecture),
    logLevel: choiceOf(r, S.logLevel),
    systemLogLevel: choiceOf(r, S.systemLogLevel),
    logRetentionDays: integerChoiceOf(r, S.logRetentionDays),
    enableScheduledIngestion: booleanOf(r, S.enableScheduledIngestion),
    ingestionScheduleExpression: textOf(r, S.ingestionScheduleExpression),
    enableXrayTracing: booleanOf(r, S.enableXrayTracing),
    enableXrayInstrumentation: booleanOf(r, S.enableXrayInstrumentation),
    enableCloudwatchAlarms: booleanOf(r, S.enableCloudwatchAlarms),
    createLambdaDashboard: booleanOf(r, S.createLambdaDashboard),
    enableLambdaInsights: booleanOf(r, S.enableLambdaInsights),
    lambdaInsightsLayerArn: optionalTextOf(r, S.lambdaInsightsLayerArn),
    dlqRetentionSeconds: integerOf(r, S.dlqRetentionSeconds),
    maximumRetryAttempts: integerOf(r, S.maximumRetryAttempts),
    maximumEventAgeSeconds: integerOf(r, S.maximumEventAgeSeconds),
    createErrorNotificationTopic: booleanOf(r, S.createErrorNotificationTopic),
    errorNotificationEmail: optionalTextOf(r, S.errorNotificationEmail, (v) => withCommand("errorNotificationEmail", alertEmailProblem(v))),
    dataQuality: {
      qualityThreshold: fractionOf(r, S.qualityThreshold),
      minCompletenessScore: fractionOf(r, S.minCompletenessScore),
      maxErrorRate: fractionOf(r, S.maxErrorRate),
      strictMode: booleanOf(r, S.strictMode),
      circuitBreakerThreshold: integerOf(r, S.circuitBreakerThreshold),
    },
    enableLambdaVersioning: booleanOf(r, S.enableLambdaVersioning),
    enableProvisionedConcurrency: booleanOf(r, S.enableProvisionedConcurrency),
    enableGradualDeployment: booleanOf(r, S.enableGradualDeployment),
    gradualDeploymentWeight: numberOf(r, S.gradualDeploymentWeight),
    sharedDependenciesLayer: booleanOf(r, S.sharedDependenciesLayer),
    vpc: readVpc(r),
    opensky: {
      apiUrl: urlOf(r, S.openskyApiUrl),
      tokenUrl: urlOf(r, S.openskyTokenUrl),
      clientId: optionalTextOf(r, S.openskyClientId, (v) => withCommand("opensky.clientId", openskyClientIdProblem(v, CONFIG_NAMESPACE, context.stack))),
      boundingBox: readBoundingBox(r),
      extended: booleanOf(r, S.openskyExtended),
      requestTimeoutMs: integerOf(r, S.openskyRequestTimeoutMs),
    },
    dataLake: {
      rawTransitionDays: integerOf(r, S.rawTransitionDays),
      rawExpirationDays: integerOf(r, S.rawExpirationDays),
      processedTransitionDays: integerOf(r, S.processedTransitionDays),
      athenaResultsExpirationDays: integerOf(r, S.athenaResultsExpirationDays),
      forceDestroy: booleanOf(r, S.forceDestroy),
      existingBuckets: readExistingBuckets(r),
      processedExpirationDays: integerOf(r, S.processedExpirationDays),
      compactedTransitionDays: integerOf(r, S.compactedTransitionDays),
      compactedStorageClass: choiceOf(r, S.compactedStorageClass),
      compactedExpirationDays: optionalIntegerOf(r, S.compactedExpirationDays),
      reportsExpirationDays: integerOf(r, S.reportsExpirationDays),
      quarantineExpirationDays: integerOf(r, S.quarantineExpirationDays),
    },
    compaction: {
      scheduleExpression: textOf(r, S.compactionScheduleExpression),
      lookbackDays: integerOf(r, S.compactionLookbackDays),
      rowGroupSize: integerOf(r, S.compactionRowGroupSize),
    },
    catalog: {
      firstYear: integerOf(r, S.catalogFirstYear),
    },
    trackingTtlDays: integerOf(r, S.trackingTtlDays),
    parquet: {
      codec: choiceOf(r, S.parquetCodec),
      gzipLevel: integerOf(r, S.parquetGzipLevel),
      rowGroupSize: integerOf(r, S.parquetRowGroupSize),
    },
    staleFeedPeriods: integerOf(r, S.staleFeedPeriods),
    tags: r.stringMap(S.tags.key),
  };

  const required = r.stringList(
    "requiredSettings",
    new RegExp(`^(${Object.keys(REQUIRED_SETTING_COMMANDS).join("|").replace(/\./g, "\\.")})$`),
    `must be one of ${Object.keys(REQUIRED_SETTING_COMMANDS).join(", ")}`,
  );
  for (const setting of required) {
    if (!r.has(setting)) {
      r.fail(setting, undefined, `is required on this stack (requiredSettings) and not set; set it with: ${REQUIRED_SETTING_COMMANDS[setting](stackFlag)}`);
    }
  }
  // A client id that was given (even one refused above) means the stack meant to use credentials.
  checkCrossKeyRules(config, r, { credentialsIntended: r.has("opensky.clientId") || required.includes("opensky.clientId") });
  if (config.opensky.clientId !== undefined && !r.has("openskyClientSecret")) {
    r.fail("openskyClientSecret", undefined, `is required with opensky.clientId: pulumi config set --secret openskyClientSecret${stackFlag} (prompts for it)`);
  }
  r.get("openskyClientSecret");
  r.finish();
  return config;
}

/** OpenSky's daily credits for anonymous callers. */
export const ANONYMOUS_DAILY_CREDITS = 400;

/** What one /states/all call costs: by the area asked for, 4 for the whole world. */
export function creditsPerCall(box: BoundingBox | undefined): number {
  if (!box) return 4;
  const area = (box.lamax - box.lamin) * (box.lomax - box.lomin);
  return area <= 25 ? 1 : area <= 100 ? 2 : area <= 400 ? 3 : 4;
}

/** Calls a day a rate() schedule makes; undefined for cron(), whose rate is not fixed. */
export function callsPerDay(expression: string): number | undefined {
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (!rate) return undefined;
  const minutes = Number(rate[1]) * ({ minute: 1, hour: 60, day: 1440 } as const)[rate[2] as "minute" | "hour" | "day"];
  return 1440 / minutes;
}

/**
 * An anonymous schedule that spends more credits than OpenSky grants would be rate-limited for
 * most of every day: refused here rather than discovered in production.
 */
function anonymousCreditProblem(config: StackConfig): string | undefined {
  if (!config.enableScheduledIngestion || config.opensky.clientId !== undefined) return undefined;
  const calls = callsPerDay(config.ingestionScheduleExpression);
  if (calls === undefined) return undefined;
  const perCall = creditsPerCall(config.opensky.boundingBox);
  if (calls * perCall <= ANONYMOUS_DAILY_CREDITS) return undefined;
  return (
    `makes ${calls} anonymous OpenSky calls a day at ${perCall} credit(s) each (${calls * perCall} credits), ` +
    `but anonymous access has ${ANONYMOUS_DAILY_CREDITS} a day: set opensky.clientId and openskyClientSecret, ` +
    "a bounding box of at most 25 sq° (1 credit), or a slower schedule"
  );
}

function readBoundingBox(r: ConfigReader): BoundingBox | undefined {
  if (!r.has("opensky.boundingBox")) return undefined;
  const box = {
    lamin: r.requiredNumber("opensky.boundingBox.lamin", -90, 90),
    lamax: r.requiredNumber("opensky.boundingBox.lamax", -90, 90),
    lomin: r.requiredNumber("opensky.boundingBox.lomin", -180, 180),
    lomax: r.requiredNumber("opensky.boundingBox.lomax", -180, 180),
  };
  if (box.lamin >= box.lamax) r.fail("opensky.boundingBox.lamin", box.lamin, `must be below lamax (${box.lamax})`);
  if (box.lomin >= box.lomax) r.fail("opensky.boundingBox.lomin", box.lomin, `must be below lomax (${box.lomax})`);
  return box;
}

function readExistingBuckets(r: ConfigReader): StackConfig["dataLake"]["existingBuckets"] {
  if (!r.has("dataLake.existingBuckets")) return undefined;
  const bucket = (role: "raw" | "processed" | "athenaResults"): ExistingBucket => {
    const key = `dataLake.existingBuckets.${role}`;
    const name = r.optionalString(`${key}.name`, (v) => (/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v) ? undefined : "must be an S3 bucket name"));
    if (name === undefined && !r.has(`${key}.name`)) r.fail(`${key}.name`, undefined, "is required when dataLake.existingBuckets is set");
    const arn = r.string(`${key}.arn`, `arn:aws:s3:::${name ?? ""}`, (v) =>
      v === `arn:aws:s3:::${name}` || /^arn:aws-[a-z-]+:s3:::/.test(v) ? undefined : `must be the bucket's ARN, arn:aws:s3:::${name}`,
    );
    return { name: name ?? "", arn };
  };
  return { raw: bucket("raw"), processed: bucket("processed"), athenaResults: bucket("athenaResults") };
}

function readVpc(r: ConfigReader): VpcSettings | undefined {
  if (!r.has("vpcConfig")) return undefined;
  if (booleanOf(r, S.vpcCreate)) {
    return {
      kind: "create",
      cidrBlock: textOf(r, S.vpcCidrBlock),
      availabilityZones: integerOf(r, S.vpcAvailabilityZones),
      natGateways: choiceOf(r, S.vpcNatGateways),
    };
  }
  const subnetIds = r.stringList(S.vpcSubnetIds.key, /^subnet-[0-9a-f]+$/, "must be a subnet id (subnet-…)");
  const securityGroupIds = r.stringList("vpcConfig.securityGroupIds", /^sg-[0-9a-f]+$/, "must be a security group id (sg-…)");
  if (subnetIds.length === 0) {
    r.fail("vpcConfig.subnetIds", r.get("vpcConfig.subnetIds"), "needs at least one subnet (or set vpcConfig.create: true)");
  }
  if (securityGroupIds.length === 0) {
    r.fail("vpcConfig.securityGroupIds", r.get("vpcConfig.securityGroupIds"), "needs at least one security group");
  }
  return { kind: "existing", subnetIds, securityGroupIds };
}

/**
 * Why provisioned concurrency and gradual deployment exclude each other: AWS refuses to change
 * provisioned concurrency on an alias that carries a routing weight, and the alias carries one
 * for the whole of a release.
 */
const PROVISIONED_WITH_ROUTING =
  "cannot be combined with enableGradualDeployment: true. A release is promoted in two steps (pulumi up publishes the " +
  "new version at gradualDeploymentWeight; after watching its canary alarms, gradualDeploymentWeight: 1 and pulumi up " +
  "promote it), and between them the live alias carries a routing weight, on which AWS refuses every change to " +
  'provisioned concurrency ("Alias with weights can not be used with Provisioned Concurrency"): a pulumi up that ' +
  "changes code and provisioned concurrency together, or a pulumi destroy during a release, fails half-way. Set it to 0 " +
  "(or enableProvisionedConcurrency: false) to keep gradual deployment, or set enableGradualDeployment: false";

/** Names the program sets itself, and the prefix Lambda reserves. */
const RESERVED_ENVIRONMENT = new Set<string>(allSettings().flatMap((setting) => (setting.env === undefined ? [] : [setting.env])));

function checkCrossKeyRules(config: StackConfig, r: ConfigReader, intent: { credentialsIntended: boolean }): void {
  for (const stage of STAGES) {
    const f = config.lambda[stage];
    for (const variable of Object.keys(f.environmentVariables)) {
      if (RESERVED_ENVIRONMENT.has(variable) || variable.startsWith("AWS_")) {
        r.fail(
          `lambdaConfig.${stage}.environmentVariables.${variable}`,
          f.environmentVariables[variable],
          "is set by the program (or reserved by Lambda) and cannot be overridden; use the matching configuration key",
        );
      }
    }
    const key = `lambdaConfig.${stage}.provisionedConcurrency`;
    if (f.provisionedConcurrency > f.reservedConcurrency) {
      r.fail(key, f.provisionedConcurrency, `must not exceed lambdaConfig.${stage}.reservedConcurrency (${f.reservedConcurrency})`);
    }
    if (f.provisionedConcurrency > 0 && !config.enableProvisionedConcurrency) {
      r.fail(key, f.provisionedConcurrency, "needs enableProvisionedConcurrency: true");
    }
  }
  if (config.enableGradualDeployment && config.enableProvisionedConcurrency) {
    for (const stage of STAGES) {
      const provisioned = config.lambda[stage].provisionedConcurrency;
      if (provisioned > 0) r.fail(`lambdaConfig.${stage}.provisionedConcurrency`, provisioned, PROVISIONED_WITH_ROUTING);
    }
  }
  if (config.enableProvisionedConcurrency && !config.enableLambdaVersioning) {
    r.fail("enableProvisionedConcurrency", true, "needs enableLambdaVersioning: true (provisioned concurrency targets the live alias, never $LATEST)");
  }
  if (config.enableGradualDeployment && !config.enableLambdaVersioning) {
    r.fail("enableGradualDeployment", true, "needs enableLambdaVersioning: true (weighted routing lives on the live alias)");
  }
  const credits = intent.credentialsIntended ? undefined : anonymousCreditProblem(config);
  if (credits) r.fail("ingestionScheduleExpression", config.ingestionScheduleExpression, credits);
  const lake = config.dataLake;
  if (lake.rawExpirationDays <= lake.rawTransitionDays) {
    r.fail(
      "dataLake.rawExpirationDays",
      lake.rawExpirationDays,
      `must be later than dataLake.rawTransitionDays (${lake.rawTransitionDays}): S3 rejects an expiration before the transition`,
    );
  }
  const existing = lake.existingBuckets;
  if (existing !== undefined && existing.raw.name !== "" && existing.raw.name === existing.processed.name) {
    r.fail(
      "dataLake.existingBuckets.processed.name",
      existing.processed.name,
      "must differ from dataLake.existingBuckets.raw.name: S3 keeps one notification configuration per bucket, so with one bucket " +
        "the raw snapshots' notification (processing) and the Parquet files' notification (validation) would replace each other",
    );
  }
  if (existing !== undefined && existing.athenaResults.name !== "" && [existing.raw.name, existing.processed.name].includes(existing.athenaResults.name)) {
    r.fail(
      "dataLake.existingBuckets.athenaResults.name",
      existing.athenaResults.name,
      "must differ from dataLake.existingBuckets.raw.name and dataLake.existingBuckets.processed.name: the Athena results expire on their own schedule",
    );
  }
  checkRetentionRules(config, r);
  if (config.errorNotificationEmail && !config.createErrorNotificationTopic) {
    r.fail("errorNotificationEmail", config.errorNotificationEmail, "needs createErrorNotificationTopic: true");
  }
}

/**
 * Per-snapshot files may only expire once no compaction run will look at their day again, or a
 * late snapshot could find its day's other files gone; and S3 refuses an expiration before the
 * transition, or a move to STANDARD_IA before 30 days.
 */
function checkRetentionRules(config: StackConfig, r: ConfigReader): void {
  const lake = config.dataLake;
  const lastLook = config.compaction.lookbackDays + 1;
  if (lake.processedExpirationDays <= lastLook) {
    r.fail(
      "dataLake.processedExpirationDays",
      lake.processedExpirationDays,
      `must be more than compaction.lookbackDays + 1 (${lastLook}): compaction looks at a day for the last time ${lastLook} days after it began, and needs its per-snapshot files until then`,
    );
  }
  if (lake.compactedStorageClass === "STANDARD_IA" && lake.compactedTransitionDays < 30) {
    r.fail(
      "dataLake.compactedTransitionDays",
      lake.compactedTransitionDays,
      "must be at least 30 for STANDARD_IA (S3's minimum); use INTELLIGENT_TIERING or GLACIER_IR for earlier",
    );
  }
  if (lake.compactedExpirationDays !== undefined && lake.compactedExpirationDays <= lake.compactedTransitionDays) {
    r.fail(
      "dataLake.compactedExpirationDays",
      lake.compactedExpirationDays,
      `must be later than dataLake.compactedTransitionDays (${lake.compactedTransitionDays}), or unset to keep the daily files`,
    );
  }
}
