/**
 * Every setting of the pipeline, defined once: its stack key (namespace `flight-data-pipeline:`),
 * the environment variable it becomes (when a handler needs it), its type, default, allowed values
 * and meaning. config/stackConfig.ts parses the stack with these definitions, the components write
 * each function's environment with them (contract/stageEnvironment.ts), the handlers read it back
 * with them (handlers/shared/settings.ts), and docs/configuration.md is generated from them.
 *
 * Handlers import this module and Pulumi's closure serializer ships what they use: plain data and
 * small functions only.
 */
import { STAGES, type StageName } from "./dataLayout";

// Defaults are `defaultValue`, never `default`: Pulumi's closure serializer takes an object with a
// `default` property for an `import *` result and fails on a primitive there.
interface Described {
  /** Dotted stack key; undefined for a variable the program sets from a resource it creates. */
  key?: string;
  /** The environment variable a handler reads it from. */
  env?: string;
  /** The stack keys a program-set variable is computed from. */
  derivedFrom?: readonly string[];
  meaning: string;
}

export interface IntegerSetting extends Described {
  kind: "integer";
  defaultValue?: number;
  min: number;
  /** "currentYear": the year the program runs in (the catalog's first year). */
  max: number | "currentYear";
  /** Shown after the range in problems: "days", "ms", … */
  unit?: string;
}

/** An integer that must be one of a list (CloudWatch's retention periods). */
export interface IntegerChoiceSetting extends Described {
  kind: "integerChoice";
  defaultValue: number;
  values: readonly number[];
}

export interface NumberSetting extends Described {
  kind: "number";
  defaultValue: number;
  min: number;
  max: number;
}

/** A number from 0 to 1. */
export interface FractionSetting extends Described {
  kind: "fraction";
  defaultValue: number;
}

export interface BooleanSetting extends Described {
  kind: "boolean";
  defaultValue: boolean;
}

export interface ChoiceSetting<T extends string = string> extends Described {
  kind: "choice";
  defaultValue: T;
  values: readonly T[];
}

/** Free text; `problem` says what is wrong with a value, or undefined when it is allowed. */
export interface TextSetting extends Described {
  kind: "text";
  defaultValue?: string;
  /** What the docs show as the default when there is none. */
  unsetMeans?: string;
  allowed?: string;
  problem?: (value: string) => string | undefined;
}

/** An https URL (http only on the loopback interface, where the local stand-ins listen). */
export interface UrlSetting extends Described {
  kind: "url";
  defaultValue: string;
}

export interface BoundingBoxSetting extends Described {
  kind: "boundingBox";
}

/** Maps, lists and groups that config/stackConfig.ts parses with rules of their own. */
export interface StructuredSetting extends Described {
  kind: "structured";
  defaultText: string;
  allowed: string;
}

export type SettingDefinition =
  | IntegerSetting
  | IntegerChoiceSetting
  | NumberSetting
  | FractionSetting
  | BooleanSetting
  | ChoiceSetting
  | TextSetting
  | UrlSetting
  | BoundingBoxSetting
  | StructuredSetting;

export const LOG_LEVELS = ["DEBUG", "INFO", "WARN", "ERROR"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** Lambda's own lines (platform.start, platform.report: INFO) are kept at this level and above. */
export const SYSTEM_LOG_LEVELS = ["DEBUG", "INFO", "WARN"] as const;
export type SystemLogLevel = (typeof SYSTEM_LOG_LEVELS)[number];
export const PARQUET_CODECS = ["snappy", "gzip", "zstd", "uncompressed"] as const;
export type ParquetCodec = (typeof PARQUET_CODECS)[number];
/** The Node.js runtimes Lambda supports and the policy pack allows; nodejs22.x until its 2027 deprecation. */
export const LAMBDA_RUNTIMES = ["nodejs24.x", "nodejs22.x"] as const;
export type LambdaRuntime = (typeof LAMBDA_RUNTIMES)[number];
export const LAMBDA_ARCHITECTURES = ["x86_64", "arm64"] as const;
export type LambdaArchitecture = (typeof LAMBDA_ARCHITECTURES)[number];
/** Where the daily compacted files move after compactedTransitionDays. */
export const COMPACTED_STORAGE_CLASSES = ["STANDARD_IA", "INTELLIGENT_TIERING", "GLACIER_IR"] as const;
export type CompactedStorageClass = (typeof COMPACTED_STORAGE_CLASSES)[number];
export const NAT_GATEWAY_MODES = ["single", "onePerAz"] as const;

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** The OpenSky query box, in degrees. */
export interface BoundingBox {
  lamin: number;
  lomin: number;
  lamax: number;
  lomax: number;
}

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

export const URL_RULE = "an absolute https:// URL (http:// only on 127.0.0.1, localhost or [::1])";

/** The URL without trailing slashes, or undefined when it breaks URL_RULE. */
export function normalizedUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const loopback = url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) return undefined;
  return value.replace(/\/+$/, "");
}

/** An integer setting's upper bound as of now. */
export function upperBound(setting: IntegerSetting): number {
  return setting.max === "currentYear" ? new Date().getUTCFullYear() : setting.max;
}

export const BOUNDING_BOX_RULE = "-90 ≤ lamin < lamax ≤ 90 and -180 ≤ lomin < lomax ≤ 180";

/** Settings each function of a stage has, keyed by stage; the defaults are the seed's lambda_config. */
export interface FunctionSizing {
  memorySize: number;
  timeout: number;
  reservedConcurrency: number;
  provisionedConcurrency: number;
}

export const FUNCTION_SIZING_DEFAULTS: Record<StageName, FunctionSizing> = {
  ingestion: { memorySize: 512, timeout: 60, reservedConcurrency: 10, provisionedConcurrency: 0 },
  processing: { memorySize: 1024, timeout: 120, reservedConcurrency: 5, provisionedConcurrency: 0 },
  validation: { memorySize: 512, timeout: 60, reservedConcurrency: 3, provisionedConcurrency: 0 },
  // A global day (1.9 million rows) peaked under 900 MB and took 9–11 s in the benchmark; 3008 MB also buys
  // close to two vCPUs. One at a time: two runs over the same day would only write the same bytes.
  compaction: { memorySize: 3008, timeout: 900, reservedConcurrency: 1, provisionedConcurrency: 0 },
};

/** Why the compaction function is sized as it is. */
const COMPACTION_SIZING =
  ": a global day (1.9 million rows) peaks under 900 MB and took 9–11 s in the benchmark, plus its S3 reads; the memory " +
  "sets the row budget (5.6 million rows at 3008 MB) and buys nearly two vCPUs; the timeout leaves room for a week of " +
  "catching up or a month of backfill in one invocation";

/** The lambdaConfig.<stage>.* settings of one stage. */
export function functionSettings(stage: StageName) {
  const key = `lambdaConfig.${stage}`;
  const d = FUNCTION_SIZING_DEFAULTS[stage];
  const of = `the ${stage} function`;
  return {
    memorySize: {
      kind: "integer",
      key: `${key}.memorySize`,
      defaultValue: d.memorySize,
      min: 128,
      max: 10240,
      unit: "MB",
      meaning: `memory of ${of}${stage === "compaction" ? COMPACTION_SIZING : ""}`,
    },
    timeout: { kind: "integer", key: `${key}.timeout`, defaultValue: d.timeout, min: 1, max: 900, unit: "seconds", meaning: `timeout of ${of}` },
    reservedConcurrency: {
      kind: "integer",
      key: `${key}.reservedConcurrency`,
      defaultValue: d.reservedConcurrency,
      min: 1,
      max: 1000,
      meaning: `reserved concurrency of ${of}`,
    },
    provisionedConcurrency: {
      kind: "integer",
      key: `${key}.provisionedConcurrency`,
      defaultValue: d.provisionedConcurrency,
      min: 0,
      max: 1000,
      meaning: `provisioned concurrency of ${of}: at most its reserved concurrency, only with enableProvisionedConcurrency (and versioning), never with gradual deployment`,
    },
    environmentVariables: {
      kind: "structured",
      key: `${key}.environmentVariables`,
      defaultText: "{}",
      allowed: "a map; names start with a letter and hold letters, digits and _; names the program sets (and AWS_*) are refused",
      meaning: `extra environment variables of ${of}`,
    },
  } satisfies Record<keyof FunctionSizing | "environmentVariables", SettingDefinition>;
}

/** Variables the program sets from the resources it creates, or computes from several keys: no stack key of their own. */
export const PROGRAM_SETTINGS = {
  environment: { kind: "text", env: "PIPELINE_ENVIRONMENT", meaning: "the stack name (e.g. dev, prod): the Environment dimension of every metric" },
  rawBucket: { kind: "text", env: "RAW_BUCKET", meaning: "the raw bucket's name" },
  processedBucket: { kind: "text", env: "PROCESSED_BUCKET", meaning: "the processed bucket's name" },
  trackingTable: { kind: "text", env: "TRACKING_TABLE", meaning: "the execution-tracking table's name" },
  alertTopicArn: {
    kind: "text",
    env: "ALERT_TOPIC_ARN",
    meaning: "the alert topic's ARN; unset when the stack has no topic (createErrorNotificationTopic: false), and alerts are then logged only",
  },
  openskyCredentialsSecretArn: {
    kind: "text",
    env: "OPENSKY_CREDENTIALS_SECRET_ARN",
    derivedFrom: ["opensky.clientId", "openskyClientSecret"],
    meaning: 'the Secrets Manager secret holding {"clientId", "clientSecret"} when opensky.clientId is set; unset means anonymous access',
  },
  tracingInstrumentation: {
    kind: "boolean",
    env: "TRACING_INSTRUMENTATION",
    derivedFrom: ["enableXrayTracing", "enableXrayInstrumentation"],
    // Absent (a function deployed before the variable existed, a test) means no tracer.
    defaultValue: false,
    meaning: "true records the AWS SDK and OpenSky calls as X-Ray subsegments: set when both enableXrayTracing and enableXrayInstrumentation are",
  },
} satisfies Record<string, SettingDefinition>;

/** The stack's settings, in the order the docs list them. */
export const STACK_SETTINGS = {
  lambdaRuntime: {
    kind: "choice",
    key: "lambdaRuntime",
    defaultValue: "nodejs24.x" as LambdaRuntime,
    values: LAMBDA_RUNTIMES,
    meaning: "nodejs24.x or nodejs22.x (until Lambda deprecates it with Node 22's end of life, April 2027); the local harness runs the same major",
  },
  lambdaArchitecture: {
    kind: "choice",
    key: "lambdaArchitecture",
    defaultValue: "x86_64" as LambdaArchitecture,
    values: LAMBDA_ARCHITECTURES,
    meaning: "the functions' instruction set (also picks the Lambda Insights layer)",
  },
  logLevel: {
    kind: "choice",
    key: "logLevel",
    env: "LOG_LEVEL",
    defaultValue: "INFO" as LogLevel,
    values: LOG_LEVELS,
    meaning: "the handlers' log level, and the application log level of Lambda's JSON log format, which drops lines below it",
  },
  systemLogLevel: {
    kind: "choice",
    key: "systemLogLevel",
    defaultValue: "INFO" as SystemLogLevel,
    values: SYSTEM_LOG_LEVELS,
    meaning:
      "the level of Lambda's own log records; WARN drops `platform.start` and `platform.report` (START and REPORT), which the runbook's duration queries read",
  },
  logRetentionDays: {
    kind: "integerChoice",
    key: "logRetentionDays",
    defaultValue: 30,
    values: LOG_RETENTION_DAYS,
    meaning: "retention of each function's log group, in days (one of CloudWatch's values)",
  },
  enableScheduledIngestion: { kind: "boolean", key: "enableScheduledIngestion", defaultValue: true, meaning: "false: no schedule (invoke ingestion by hand)" },
  ingestionScheduleExpression: {
    kind: "text",
    key: "ingestionScheduleExpression",
    defaultValue: "rate(5 minutes)",
    allowed: "EventBridge `rate(…)` or six-field `cron(…)`",
    problem: scheduleExpressionProblem,
    meaning: "when ingestion runs",
  },
  enableXrayTracing: { kind: "boolean", key: "enableXrayTracing", defaultValue: true, meaning: "Active tracing, and the role's X-Ray statement" },
  enableXrayInstrumentation: {
    kind: "boolean",
    key: "enableXrayInstrumentation",
    defaultValue: true,
    meaning:
      "with `enableXrayTracing`: every AWS SDK call and OpenSky request as an X-Ray subsegment, the snapshot id as an annotation " +
      "(Powertools Tracer); false ships and loads no tracer: each cold start saves 83–117 ms of a snapshot stage (12–22%; 59–94 ms of CPU at init, " +
      "46–66 ms in the first invocation) and each package about 590 KiB (README, Performance)",
  },
  enableCloudwatchAlarms: { kind: "boolean", key: "enableCloudwatchAlarms", defaultValue: true, meaning: "every alarm (README, Alarms)" },
  createLambdaDashboard: { kind: "boolean", key: "createLambdaDashboard", defaultValue: true, meaning: "the CloudWatch dashboard" },
  enableLambdaInsights: { kind: "boolean", key: "enableLambdaInsights", defaultValue: true, meaning: "the Lambda Insights layer and its log permissions" },
  lambdaInsightsLayerArn: {
    kind: "text",
    key: "lambdaInsightsLayerArn",
    unsetMeans: "derived",
    allowed: "a layer version ARN",
    problem: (value: string) => (/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+$/.test(value) ? undefined : "must be a layer version ARN"),
    meaning:
      "overrides the layer ARN (needed in regions without a known one); the derived one is extension 1.0.498.0, per region and " +
      "architecture, as AWS listed it on 2026-11-10 (a test fails once that list is 180 days old)",
  },
  dlqRetentionSeconds: {
    kind: "integer",
    key: "dlqRetentionSeconds",
    defaultValue: 1209600,
    min: 60,
    max: 1209600,
    unit: "seconds",
    meaning: "how long failed events wait in the DLQs",
  },
  maximumRetryAttempts: {
    kind: "integer",
    key: "maximumRetryAttempts",
    defaultValue: 2,
    min: 0,
    max: 2,
    meaning: "retries of a failed asynchronous invocation",
  },
  maximumEventAgeSeconds: {
    kind: "integer",
    key: "maximumEventAgeSeconds",
    defaultValue: 21600,
    min: 60,
    max: 21600,
    unit: "seconds",
    meaning: "oldest event Lambda still retries",
  },
  createErrorNotificationTopic: {
    kind: "boolean",
    key: "createErrorNotificationTopic",
    defaultValue: true,
    meaning: "false: no topic; alarms have no actions and quality alerts are only logged",
  },
  errorNotificationEmail: {
    kind: "text",
    key: "errorNotificationEmail",
    unsetMeans: "unset",
    allowed: "an email address; addresses at reserved names (example.com, `.test`, …) are refused",
    meaning: "email subscribed to the alert topic (confirm the subscription mail)",
  },
  requiredSettings: {
    kind: "structured",
    key: "requiredSettings",
    defaultText: "[]",
    allowed: "a list of errorNotificationEmail, opensky.clientId",
    meaning: "settings the stack refuses to deploy without; the preview prints the `pulumi config set` command for each one missing",
  },
  qualityThreshold: {
    kind: "fraction",
    key: "dataQualityConfig.qualityThreshold",
    env: "QUALITY_THRESHOLD",
    defaultValue: 0.8,
    meaning: "quality score below it alerts (and fires the quality alarm)",
  },
  minCompletenessScore: {
    kind: "fraction",
    key: "dataQualityConfig.minCompletenessScore",
    env: "MIN_COMPLETENESS_SCORE",
    defaultValue: 0.7,
    meaning: "completeness below it alerts",
  },
  maxErrorRate: { kind: "fraction", key: "dataQualityConfig.maxErrorRate", env: "MAX_ERROR_RATE", defaultValue: 0.05, meaning: "error rate above it alerts" },
  strictMode: {
    kind: "boolean",
    key: "dataQualityConfig.strictMode",
    env: "STRICT_MODE",
    defaultValue: false,
    meaning: "true: a snapshot below the thresholds also fails the invocation",
  },
  circuitBreakerThreshold: {
    kind: "integer",
    key: "dataQualityConfig.circuitBreakerThreshold",
    env: "CIRCUIT_BREAKER_THRESHOLD",
    defaultValue: 3,
    min: 1,
    max: 1000,
    unit: "snapshots",
    meaning: 'consecutive failing snapshots before one "circuit open" alert replaces per-snapshot alerts',
  },
  enableLambdaVersioning: {
    kind: "boolean",
    key: "enableLambdaVersioning",
    defaultValue: false,
    meaning: "publishes versions behind a `live` alias that the triggers invoke",
  },
  enableProvisionedConcurrency: {
    kind: "boolean",
    key: "enableProvisionedConcurrency",
    defaultValue: false,
    meaning: "provisioned concurrency on the alias (per function, from `lambdaConfig`); needs versioning; refused with gradual deployment (README, Deploying)",
  },
  enableGradualDeployment: {
    kind: "boolean",
    key: "enableGradualDeployment",
    defaultValue: false,
    meaning: "weighted routing of new versions on the alias, and canary alarms on the new version; needs versioning",
  },
  gradualDeploymentWeight: {
    kind: "number",
    key: "gradualDeploymentWeight",
    defaultValue: 0.1,
    min: 0.01,
    max: 1,
    meaning: "share of traffic a new version gets (1 promotes it)",
  },
  sharedDependenciesLayer: {
    kind: "boolean",
    key: "sharedDependenciesLayer",
    defaultValue: false,
    meaning: "one layer with the npm packages; functions ship only their code",
  },
  vpcSubnetIds: {
    kind: "structured",
    key: "vpcConfig.subnetIds",
    defaultText: "unset",
    allowed: "a list of subnet ids (subnet-…), with vpcConfig.securityGroupIds",
    meaning:
      "run the functions in these subnets (they need NAT, or interface endpoints, for CloudWatch, SNS, Secrets Manager and X-Ray, and NAT for ingestion to reach OpenSky)",
  },
  vpcSecurityGroupIds: {
    kind: "structured",
    key: "vpcConfig.securityGroupIds",
    defaultText: "unset",
    allowed: "a list of security group ids (sg-…)",
    meaning: "the functions' security groups in those subnets",
  },
  vpcCreate: {
    kind: "boolean",
    key: "vpcConfig.create",
    defaultValue: false,
    meaning: "create a VPC: private subnets behind NAT, S3 and DynamoDB gateway endpoints (instead of subnetIds and securityGroupIds)",
  },
  vpcCidrBlock: {
    kind: "text",
    key: "vpcConfig.cidrBlock",
    defaultValue: "10.42.0.0/16",
    allowed: "an IPv4 CIDR block from /16 to /24",
    problem: (value: string) => (/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-4])$/.test(value) ? undefined : "must be an IPv4 CIDR block from /16 to /24"),
    meaning: "the created VPC's address range",
  },
  vpcAvailabilityZones: {
    kind: "integer",
    key: "vpcConfig.availabilityZones",
    defaultValue: 2,
    min: 2,
    max: 6,
    meaning: "availability zones the created VPC spans",
  },
  vpcNatGateways: {
    kind: "choice",
    key: "vpcConfig.natGateways",
    defaultValue: "single" as (typeof NAT_GATEWAY_MODES)[number],
    values: NAT_GATEWAY_MODES,
    meaning: "one NAT gateway for the created VPC, or one per availability zone",
  },
  openskyApiUrl: {
    kind: "url",
    key: "opensky.apiUrl",
    env: "OPENSKY_API_URL",
    defaultValue: "https://opensky-network.org/api",
    meaning: "base URL of the OpenSky REST API",
  },
  openskyTokenUrl: {
    kind: "url",
    key: "opensky.tokenUrl",
    env: "OPENSKY_TOKEN_URL",
    defaultValue: "https://auth.opensky-network.org/auth/realms/opensky-network/protocol/openid-connect/token",
    meaning: "OpenSky's OAuth2 token endpoint for client credentials",
  },
  openskyClientId: {
    kind: "text",
    key: "opensky.clientId",
    unsetMeans: "unset (anonymous)",
    allowed: "your OpenSky API client id (made-up ids are refused, see README, Deploying); needs the secret openskyClientSecret",
    meaning:
      "OAuth2 client credentials, kept in Secrets Manager (the function gets the secret's ARN). Anonymous access has 400 credits " +
      "a day: a scheduled anonymous stack whose calls would spend more (a global call costs 4, a box of at most 25 sq° costs 1) " +
      "is refused with the numbers",
  },
  openskyClientSecret: {
    kind: "text",
    key: "openskyClientSecret",
    unsetMeans: "unset",
    allowed: "a secret: `pulumi config set --secret openskyClientSecret`",
    meaning: "the client secret that goes with opensky.clientId",
  },
  openskyBoundingBox: {
    kind: "boundingBox",
    key: "opensky.boundingBox",
    env: "OPENSKY_BOUNDING_BOX",
    meaning: "fetch one area, `{lamin, lomin, lamax, lomax}` in degrees (≤ 25 sq° costs 1 credit instead of 4); unset fetches the whole world",
  },
  openskyExtended: {
    kind: "boolean",
    key: "opensky.extended",
    env: "OPENSKY_EXTENDED",
    defaultValue: false,
    meaning: "adds `extended=1` (the `category` column)",
  },
  openskyRequestTimeoutMs: {
    kind: "integer",
    key: "opensky.requestTimeoutMs",
    env: "OPENSKY_REQUEST_TIMEOUT_MS",
    defaultValue: 10000,
    min: 100,
    max: 60000,
    unit: "ms",
    meaning: "per-request timeout of the OpenSky calls",
  },
  rawTransitionDays: {
    kind: "integer",
    key: "dataLake.rawTransitionDays",
    defaultValue: 30,
    min: 30,
    max: 3650,
    unit: "days (S3 moves objects to STANDARD_IA after 30 days at the earliest)",
    meaning: "days before raw snapshots move to STANDARD_IA",
  },
  rawExpirationDays: {
    kind: "integer",
    key: "dataLake.rawExpirationDays",
    defaultValue: 365,
    min: 1,
    max: 36500,
    unit: "days",
    meaning: "days before raw snapshots are deleted (later than the transition)",
  },
  processedTransitionDays: {
    kind: "integer",
    key: "dataLake.processedTransitionDays",
    defaultValue: 90,
    min: 30,
    max: 3650,
    unit: "days",
    meaning: "days before anything in the processed bucket that outlives the rules below moves to STANDARD_IA",
  },
  processedExpirationDays: {
    kind: "integer",
    key: "dataLake.processedExpirationDays",
    defaultValue: 30,
    min: 2,
    max: 36500,
    unit: "days",
    meaning:
      "days before per-snapshot Parquet under `processed/` is deleted; more than `compaction.lookbackDays` + 1, so its day has been compacted for the last time",
  },
  compactedTransitionDays: {
    kind: "integer",
    key: "dataLake.compactedTransitionDays",
    defaultValue: 90,
    min: 0,
    max: 3650,
    unit: "days",
    meaning: "days before the daily files under `compacted/` move to `compactedStorageClass` (≥ 30 for STANDARD_IA)",
  },
  compactedStorageClass: {
    kind: "choice",
    key: "dataLake.compactedStorageClass",
    defaultValue: "STANDARD_IA" as CompactedStorageClass,
    values: COMPACTED_STORAGE_CLASSES,
    meaning: "where the daily files move after compactedTransitionDays",
  },
  compactedExpirationDays: {
    kind: "integer",
    key: "dataLake.compactedExpirationDays",
    min: 1,
    max: 36500,
    unit: "days",
    meaning: "days before the daily files are deleted (later than the transition); unset keeps them",
  },
  reportsExpirationDays: {
    kind: "integer",
    key: "dataLake.reportsExpirationDays",
    defaultValue: 90,
    min: 1,
    max: 36500,
    unit: "days",
    meaning: "days before validation reports under `reports/` are deleted (their scores stay in `compacted/quality/`)",
  },
  quarantineExpirationDays: {
    kind: "integer",
    key: "dataLake.quarantineExpirationDays",
    defaultValue: 90,
    min: 1,
    max: 36500,
    unit: "days",
    meaning: "days before quarantined rows are deleted",
  },
  athenaResultsExpirationDays: {
    kind: "integer",
    key: "dataLake.athenaResultsExpirationDays",
    defaultValue: 30,
    min: 1,
    max: 3650,
    unit: "days",
    meaning: "days Athena results are kept",
  },
  forceDestroy: {
    kind: "boolean",
    key: "dataLake.forceDestroy",
    defaultValue: false,
    meaning: "lets `pulumi destroy` empty the buckets; also shortens the key's deletion window to 7 days and turns off the table's deletion protection",
  },
  existingBuckets: {
    kind: "structured",
    key: "dataLake.existingBuckets",
    defaultText: "unset",
    allowed: "`{raw, processed, athenaResults}`, each `{name, arn}` (arn defaults to arn:aws:s3:::<name>); three different buckets",
    meaning: "use existing buckets instead of creating them (their notification configuration is replaced)",
  },
  trackingTtlDays: {
    kind: "integer",
    key: "trackingTtlDays",
    env: "TRACKING_TTL_DAYS",
    defaultValue: 30,
    min: 1,
    max: 3650,
    unit: "days",
    meaning: "days a tracking item is kept before DynamoDB's TTL removes it",
  },
  parquetCodec: {
    kind: "choice",
    key: "parquet.codec",
    env: "PARQUET_CODEC",
    defaultValue: "snappy" as ParquetCodec,
    values: PARQUET_CODECS,
    meaning: "compression of the Parquet files processing and compaction write",
  },
  parquetGzipLevel: {
    kind: "integer",
    key: "parquet.gzipLevel",
    env: "PARQUET_GZIP_LEVEL",
    defaultValue: 6,
    min: 1,
    max: 9,
    meaning: "gzip level, with codec gzip",
  },
  parquetRowGroupSize: {
    kind: "integer",
    key: "parquet.rowGroupSize",
    env: "PARQUET_ROW_GROUP_SIZE",
    defaultValue: 100000,
    min: 1000,
    max: 10000000,
    unit: "rows",
    meaning: "rows per row group of each snapshot's Parquet file",
  },
  compactionScheduleExpression: {
    kind: "text",
    key: "compaction.scheduleExpression",
    // 00:15 UTC, once the day's last snapshot (23:55) has been processed and validated.
    defaultValue: "cron(15 0 * * ? *)",
    allowed: "EventBridge `rate(…)` or six-field `cron(…)`",
    problem: scheduleExpressionProblem,
    meaning: "when the daily compaction runs (UTC): after the day's last snapshot has been validated",
  },
  compactionLookbackDays: {
    kind: "integer",
    key: "compaction.lookbackDays",
    env: "COMPACTION_LOOKBACK_DAYS",
    defaultValue: 7,
    min: 1,
    max: 30,
    unit: "days",
    meaning: "days each run checks, the day just ended included: a snapshot arriving up to this late gets its day compacted again",
  },
  compactionRowGroupSize: {
    kind: "integer",
    key: "compaction.rowGroupSize",
    env: "COMPACTION_ROW_GROUP_SIZE",
    // About 32 MB of uncompressed column data (26 MB compressed) per row group of a global day (README, Performance).
    defaultValue: 1000000,
    min: 10000,
    max: 10000000,
    unit: "rows",
    meaning: "rows per row group of the daily files",
  },
  catalogFirstYear: {
    kind: "integer",
    key: "catalog.firstYear",
    // The oldest OpenSky history a backfill is likely to bring.
    defaultValue: 2016,
    min: 1970,
    max: "currentYear",
    unit: "(the year of the oldest snapshot the tables should show)",
    meaning: "the first year the Glue tables list (1970 to the current year); set it to the year of the oldest snapshot a backfill brings",
  },
  staleFeedPeriods: {
    kind: "integer",
    key: "staleFeedPeriods",
    defaultValue: 3,
    min: 1,
    max: 288,
    unit: "five-minute periods",
    meaning: "five-minute periods without validated records before the feed-stale alarm",
  },
  tags: {
    kind: "structured",
    key: "tags",
    defaultText: "{}",
    allowed: "a map of strings",
    meaning: "extra tags on every taggable resource (beside the project and environment tags)",
  },
} satisfies Record<string, SettingDefinition>;

/** Every setting, stack keys first (each stage's lambdaConfig leading), then the resource-derived variables. */
export function allSettings(): SettingDefinition[] {
  return [
    ...STAGES.flatMap((stage) => Object.values(functionSettings(stage)) as SettingDefinition[]),
    ...(Object.values(STACK_SETTINGS) as SettingDefinition[]),
    ...(Object.values(PROGRAM_SETTINGS) as SettingDefinition[]),
  ];
}
