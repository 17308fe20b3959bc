/**
 * The stack's configuration as the program uses it: every key typed, defaulted and checked.
 * `parseStackConfig` is pure (tests call it with plain values); `loadStackConfig` in
 * config/loadStackConfig.ts feeds it from the stack's Pulumi configuration.
 */
import { STAGES, type StageName } from "../contract/dataLayout";
import { ENV } from "../contract/environment";
import { ConfigReader } from "./configReader";
import { alertEmailProblem, openskyClientIdProblem, REQUIRED_SETTING_COMMANDS } from "./placeholderValues";

export const CONFIG_NAMESPACE = "flight-data-pipeline";

export interface FunctionSettings {
  memorySize: number;
  timeout: number;
  reservedConcurrency: number;
  provisionedConcurrency: number;
  environmentVariables: Record<string, string>;
}

export type LambdaRuntime = "nodejs22.x" | "nodejs24.x";
export type LambdaArchitecture = "x86_64" | "arm64";
export type LogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR";
/** Lambda's own lines (platform.start, platform.report: INFO) are kept at this level and above. */
export type SystemLogLevel = "DEBUG" | "INFO" | "WARN";
export type ParquetCodec = "snappy" | "gzip" | "zstd" | "uncompressed";
/** Where the daily compacted files move after compactedTransitionDays. */
export type CompactedStorageClass = "STANDARD_IA" | "INTELLIGENT_TIERING" | "GLACIER_IR";

export interface BoundingBox {
  lamin: number;
  lomin: number;
  lamax: number;
  lomax: number;
}

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

export const FUNCTION_DEFAULTS: Record<StageName, FunctionSettings> = {
  ingestion: { memorySize: 512, timeout: 60, reservedConcurrency: 10, provisionedConcurrency: 0, environmentVariables: {} },
  processing: { memorySize: 1024, timeout: 120, reservedConcurrency: 5, provisionedConcurrency: 0, environmentVariables: {} },
  validation: { memorySize: 512, timeout: 60, reservedConcurrency: 3, provisionedConcurrency: 0, environmentVariables: {} },
  // A global day (1.9 million rows) peaked under 900 MB and took 9–11 s in the benchmark; 3008 MB also buys
  // close to two vCPUs. One at a time: two runs over the same day would only write the same bytes.
  compaction: { memorySize: 3008, timeout: 900, reservedConcurrency: 1, provisionedConcurrency: 0, environmentVariables: {} },
};

/** The compaction stage's defaults (config keys compaction.*, dataLake.* retention). */
export const COMPACTION_DEFAULTS = {
  /** 00:15 UTC, once the day's last snapshot (23:55) has been processed and validated. */
  scheduleExpression: "cron(15 0 * * ? *)",
  lookbackDays: 7,
  rowGroupSize: 1_000_000,
} as const;

export const RETENTION_DEFAULTS = {
  processedExpirationDays: 30,
  compactedTransitionDays: 90,
  compactedStorageClass: "STANDARD_IA",
  reportsExpirationDays: 90,
  quarantineExpirationDays: 90,
} as const;

/** The earliest year the catalog lists by default: the oldest OpenSky history a backfill is likely to bring. */
export const DEFAULT_CATALOG_FIRST_YEAR = 2016;

/** The seed's data_quality_config. */
export const DATA_QUALITY_DEFAULTS = { qualityThreshold: 0.8, minCompletenessScore: 0.7, maxErrorRate: 0.05 } as const;

/** Parquet as processing writes it unless the stack says otherwise. */
export const PARQUET_DEFAULTS: StackConfig["parquet"] = { codec: "snappy", gzipLevel: 6, rowGroupSize: 100000 };

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** The Node.js runtimes Lambda supports and the policy pack allows; nodejs22.x until its 2027 deprecation. */
export const LAMBDA_RUNTIMES: readonly LambdaRuntime[] = ["nodejs24.x", "nodejs22.x"];
export const DEFAULT_LAMBDA_RUNTIME: LambdaRuntime = "nodejs24.x";
const ARCHITECTURES: readonly LambdaArchitecture[] = ["x86_64", "arm64"];
const LOG_LEVELS: readonly LogLevel[] = ["DEBUG", "INFO", "WARN", "ERROR"];
export const SYSTEM_LOG_LEVELS: readonly SystemLogLevel[] = ["DEBUG", "INFO", "WARN"];
const CODECS: readonly ParquetCodec[] = ["snappy", "gzip", "zstd", "uncompressed"];
const NAT_MODES = ["single", "onePerAz"] as const;
const COMPACTED_STORAGE_CLASSES: readonly CompactedStorageClass[] = ["STANDARD_IA", "INTELLIGENT_TIERING", "GLACIER_IR"];

/**
 * EventBridge accepts `rate(1 minute)` but not `rate(1 minutes)`, and `rate(5 minutes)` but not
 * `rate(5 minute)`; cron takes six fields.
 */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    if (value < 1) return "a rate must be at least 1";
    const singular = !rate[2].endsWith("s");
    if (value === 1 && !singular) return `use rate(1 ${rate[2].slice(0, -1)})`;
    if (value !== 1 && singular) return `use rate(${value} ${rate[2]}s)`;
    return undefined;
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  if (cron) {
    const fields = cron[1].trim().split(/\s+/);
    return fields.length === 6 ? undefined : `cron() takes 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`;
  }
  return "must be rate(<n> <minute(s)|hour(s)|day(s)>) or cron(<6 fields>)";
}

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
    const key = `lambdaConfig.${stage}`;
    const d = FUNCTION_DEFAULTS[stage];
    lambda[stage] = {
      memorySize: r.integer(`${key}.memorySize`, d.memorySize, 128, 10240, "MB"),
      timeout: r.integer(`${key}.timeout`, d.timeout, 1, 900, "seconds"),
      reservedConcurrency: r.integer(`${key}.reservedConcurrency`, d.reservedConcurrency, 1, 1000),
      provisionedConcurrency: r.integer(`${key}.provisionedConcurrency`, d.provisionedConcurrency, 0, 1000),
      environmentVariables: r.stringMap(
        `${key}.environmentVariables`,
        /^[A-Za-z][A-Za-z0-9_]*$/,
        "names must start with a letter and hold only letters, digits and _ (Lambda's rule)",
      ),
    };
  }

  const config: StackConfig = {
    lambda,
    lambdaRuntime: r.oneOf("lambdaRuntime", LAMBDA_RUNTIMES, DEFAULT_LAMBDA_RUNTIME),
    lambdaArchitecture: r.oneOf("lambdaArchitecture", ARCHITECTURES, "x86_64"),
    logLevel: r.oneOf("logLevel", LOG_LEVELS, "INFO"),
    systemLogLevel: r.oneOf("systemLogLevel", SYSTEM_LOG_LEVELS, "INFO"),
    logRetentionDays: r.integerAmong("logRetentionDays", 30, LOG_RETENTION_DAYS),
    enableScheduledIngestion: r.boolean("enableScheduledIngestion", true),
    ingestionScheduleExpression: r.string("ingestionScheduleExpression", "rate(5 minutes)", scheduleExpressionProblem),
    enableXrayTracing: r.boolean("enableXrayTracing", true),
    enableXrayInstrumentation: r.boolean("enableXrayInstrumentation", true),
    enableCloudwatchAlarms: r.boolean("enableCloudwatchAlarms", true),
    createLambdaDashboard: r.boolean("createLambdaDashboard", true),
    enableLambdaInsights: r.boolean("enableLambdaInsights", true),
    lambdaInsightsLayerArn: r.optionalString("lambdaInsightsLayerArn", (v) =>
      /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+$/.test(v) ? undefined : "must be a layer version ARN",
    ),
    dlqRetentionSeconds: r.integer("dlqRetentionSeconds", 1209600, 60, 1209600, "seconds"),
    maximumRetryAttempts: r.integer("maximumRetryAttempts", 2, 0, 2),
    maximumEventAgeSeconds: r.integer("maximumEventAgeSeconds", 21600, 60, 21600, "seconds"),
    createErrorNotificationTopic: r.boolean("createErrorNotificationTopic", true),
    errorNotificationEmail: r.optionalString("errorNotificationEmail", (v) => withCommand("errorNotificationEmail", alertEmailProblem(v))),
    dataQuality: {
      qualityThreshold: r.fraction("dataQualityConfig.qualityThreshold", DATA_QUALITY_DEFAULTS.qualityThreshold),
      minCompletenessScore: r.fraction("dataQualityConfig.minCompletenessScore", DATA_QUALITY_DEFAULTS.minCompletenessScore),
      maxErrorRate: r.fraction("dataQualityConfig.maxErrorRate", DATA_QUALITY_DEFAULTS.maxErrorRate),
      strictMode: r.boolean("dataQualityConfig.strictMode", false),
      circuitBreakerThreshold: r.integer("dataQualityConfig.circuitBreakerThreshold", 3, 1, 1000, "snapshots"),
    },
    enableLambdaVersioning: r.boolean("enableLambdaVersioning", false),
    enableProvisionedConcurrency: r.boolean("enableProvisionedConcurrency", false),
    enableGradualDeployment: r.boolean("enableGradualDeployment", false),
    gradualDeploymentWeight: r.number("gradualDeploymentWeight", 0.1, 0.01, 1),
    sharedDependenciesLayer: r.boolean("sharedDependenciesLayer", false),
    vpc: readVpc(r),
    opensky: {
      apiUrl: r.string("opensky.apiUrl", "https://opensky-network.org/api", httpsUrlProblem),
      tokenUrl: r.string(
        "opensky.tokenUrl",
        "https://auth.opensky-network.org/auth/realms/opensky-network/protocol/openid-connect/token",
        httpsUrlProblem,
      ),
      clientId: r.optionalString("opensky.clientId", (v) =>
        withCommand("opensky.clientId", openskyClientIdProblem(v, CONFIG_NAMESPACE, context.stack)),
      ),
      boundingBox: readBoundingBox(r),
      extended: r.boolean("opensky.extended", false),
      requestTimeoutMs: r.integer("opensky.requestTimeoutMs", 10000, 100, 60000, "ms"),
    },
    dataLake: {
      rawTransitionDays: r.integer("dataLake.rawTransitionDays", 30, 30, 3650, "days (S3 moves objects to STANDARD_IA after 30 days at the earliest)"),
      rawExpirationDays: r.integer("dataLake.rawExpirationDays", 365, 1, 36500, "days"),
      processedTransitionDays: r.integer("dataLake.processedTransitionDays", 90, 30, 3650, "days"),
      athenaResultsExpirationDays: r.integer("dataLake.athenaResultsExpirationDays", 30, 1, 3650, "days"),
      forceDestroy: r.boolean("dataLake.forceDestroy", false),
      existingBuckets: readExistingBuckets(r),
      processedExpirationDays: r.integer("dataLake.processedExpirationDays", RETENTION_DEFAULTS.processedExpirationDays, 2, 36500, "days"),
      compactedTransitionDays: r.integer("dataLake.compactedTransitionDays", RETENTION_DEFAULTS.compactedTransitionDays, 0, 3650, "days"),
      compactedStorageClass: r.oneOf("dataLake.compactedStorageClass", COMPACTED_STORAGE_CLASSES, RETENTION_DEFAULTS.compactedStorageClass),
      compactedExpirationDays: r.has("dataLake.compactedExpirationDays") ? r.integer("dataLake.compactedExpirationDays", 36500, 1, 36500, "days") : undefined,
      reportsExpirationDays: r.integer("dataLake.reportsExpirationDays", RETENTION_DEFAULTS.reportsExpirationDays, 1, 36500, "days"),
      quarantineExpirationDays: r.integer("dataLake.quarantineExpirationDays", RETENTION_DEFAULTS.quarantineExpirationDays, 1, 36500, "days"),
    },
    compaction: {
      scheduleExpression: r.string("compaction.scheduleExpression", COMPACTION_DEFAULTS.scheduleExpression, scheduleExpressionProblem),
      lookbackDays: r.integer("compaction.lookbackDays", COMPACTION_DEFAULTS.lookbackDays, 1, 30, "days"),
      rowGroupSize: r.integer("compaction.rowGroupSize", COMPACTION_DEFAULTS.rowGroupSize, 10000, 10000000, "rows"),
    },
    catalog: {
      firstYear: r.integer("catalog.firstYear", DEFAULT_CATALOG_FIRST_YEAR, 1970, new Date().getUTCFullYear(), "(the year of the oldest snapshot the tables should show)"),
    },
    trackingTtlDays: r.integer("trackingTtlDays", 30, 1, 3650, "days"),
    parquet: {
      codec: r.oneOf("parquet.codec", CODECS, PARQUET_DEFAULTS.codec),
      gzipLevel: r.integer("parquet.gzipLevel", PARQUET_DEFAULTS.gzipLevel, 1, 9),
      rowGroupSize: r.integer("parquet.rowGroupSize", PARQUET_DEFAULTS.rowGroupSize, 1000, 10000000, "rows"),
    },
    staleFeedPeriods: r.integer("staleFeedPeriods", 3, 1, 288, "five-minute periods"),
    tags: r.stringMap("tags"),
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

function httpsUrlProblem(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.hostname === "127.0.0.1" ? undefined : "must be an https:// URL";
  } catch {
    return "must be an https:// URL";
  }
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
    const name = r.optionalString(`${key}.name`, (v) =>
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v) ? undefined : "must be an S3 bucket name",
    );
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
  if (r.boolean("vpcConfig.create", false)) {
    return {
      kind: "create",
      cidrBlock: r.string("vpcConfig.cidrBlock", "10.42.0.0/16", (v) =>
        /^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-4])$/.test(v) ? undefined : "must be an IPv4 CIDR block from /16 to /24",
      ),
      availabilityZones: r.integer("vpcConfig.availabilityZones", 2, 2, 6),
      natGateways: r.oneOf("vpcConfig.natGateways", NAT_MODES, "single"),
    };
  }
  const subnetIds = r.stringList("vpcConfig.subnetIds", /^subnet-[0-9a-f]+$/, "must be a subnet id (subnet-…)");
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
const RESERVED_ENVIRONMENT = new Set<string>(Object.values(ENV));

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
    r.fail("dataLake.compactedTransitionDays", lake.compactedTransitionDays, "must be at least 30 for STANDARD_IA (S3's minimum); use INTELLIGENT_TIERING or GLACIER_IR for earlier");
  }
  if (lake.compactedExpirationDays !== undefined && lake.compactedExpirationDays <= lake.compactedTransitionDays) {
    r.fail(
      "dataLake.compactedExpirationDays",
      lake.compactedExpirationDays,
      `must be later than dataLake.compactedTransitionDays (${lake.compactedTransitionDays}), or unset to keep the daily files`,
    );
  }
}
