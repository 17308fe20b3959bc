/**
 * What the Pulumi program declares that the local run recreates, read from the resources the
 * mocked build recorded: functions and their packages, buckets, the tracking table, queues,
 * topics, secrets, which function each bucket notifies, what each schedule invokes, and each
 * function's asynchronous-invoke configuration. Physical names and ARNs are the mocks' own.
 */
import type { FunctionPackage } from "../../mocked-program/functionPackage";
import type { MockedProgram, MockedResource } from "../../mocked-program/mockedProgram";
import { STAGES, type StageName } from "../../contract/dataLayout";
import type { LoggingSettings } from "../function-runner/lambdaLogs";

export interface DeclaredFunction {
  stage: StageName;
  name: string;
  arn: string;
  pkg: FunctionPackage;
  reservedConcurrency?: number;
  logGroup: string;
  /** The function's loggingConfig: format and levels. */
  logging: LoggingSettings;
  /** Active: Lambda samples the invocations for X-Ray. */
  tracingActive: boolean;
  /** Retries after the first failed attempt, and where the failure record goes then. */
  maximumRetryAttempts: number;
  onFailureDestinationArn?: string;
}

export interface DeclaredTable {
  name: string;
  hashKey: string;
  rangeKey?: string;
  attributes: Array<{ name: string; type: string }>;
}

export interface BucketNotificationRule {
  bucket: string;
  functionName: string;
  events: string[];
  filterPrefix: string;
  filterSuffix: string;
}

export interface DeclaredNamedArn {
  name: string;
  arn: string;
}

/** An EventBridge schedule and the function its target invokes. */
export interface DeclaredSchedule {
  ruleArn: string;
  functionName: string;
  expression: string;
  /** The queue EventBridge sends a tick to when it cannot invoke the function. */
  deadLetterArn?: string;
}

export interface PipelineTopology {
  stack: string;
  region: string;
  accountId: string;
  functions: Record<StageName, DeclaredFunction>;
  buckets: string[];
  tables: DeclaredTable[];
  queues: DeclaredNamedArn[];
  topics: DeclaredNamedArn[];
  secrets: Array<DeclaredNamedArn & { secretString?: string }>;
  notifications: BucketNotificationRule[];
  /** Every schedule the program declares. */
  schedules: DeclaredSchedule[];
  /** The ingestion schedule, when the stack has it on. */
  schedule?: DeclaredSchedule;
}

/** Lambda's default when a function has no FunctionEventInvokeConfig. */
const DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 2;

/** `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]` → name. */
export function functionNameOfArn(arn: string): string {
  const match = /^arn:aws[\w-]*:lambda:[^:]*:\d*:function:([^:]+)(?::[^:]+)?$/.exec(arn);
  if (!match) throw new Error(`"${arn}" is not a Lambda function ARN`);
  return match[1] as string;
}

export function topologyOf(program: MockedProgram): PipelineTopology {
  const ofType = (type: string) => program.resources.filter((resource) => resource.type === type);
  const functionNames = program.outputs.functionNames as Record<StageName, string> | undefined;
  if (!functionNames) throw new Error("the program exports no functionNames output; the local run finds the stages' functions through it");

  const functions = {} as Record<StageName, DeclaredFunction>;
  for (const stage of STAGES) {
    const name = functionNames[stage];
    const resource = ofType("aws:lambda/function:Function").find((candidate) => candidate.inputs.name === name);
    const pkg = program.functionPackages[name];
    if (!resource || !pkg) throw new Error(`the program declares no function ${name} for the ${stage} stage`);
    const invokeConfig = ofType("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").find((candidate) => candidate.inputs.functionName === name);
    const reserved = resource.inputs.reservedConcurrentExecutions as number | undefined;
    const onFailure = invokeConfig?.inputs.destinationConfig?.onFailure?.destination as string | undefined;
    const loggingConfig = resource.inputs.loggingConfig as Record<string, string | undefined> | undefined;
    functions[stage] = {
      stage,
      name,
      arn: resource.state.arn,
      pkg,
      ...(reserved !== undefined && reserved > 0 ? { reservedConcurrency: reserved } : {}),
      logGroup: loggingConfig?.logGroup ?? `/aws/lambda/${name}`,
      logging: {
        format: loggingConfig?.logFormat === "JSON" ? "JSON" : "Text",
        ...(loggingConfig?.applicationLogLevel === undefined ? {} : { applicationLogLevel: loggingConfig.applicationLogLevel }),
        ...(loggingConfig?.systemLogLevel === undefined ? {} : { systemLogLevel: loggingConfig.systemLogLevel }),
      },
      tracingActive: resource.inputs.tracingConfig?.mode === "Active",
      maximumRetryAttempts: invokeConfig?.inputs.maximumRetryAttempts ?? DEFAULT_MAXIMUM_RETRY_ATTEMPTS,
      ...(onFailure === undefined ? {} : { onFailureDestinationArn: onFailure }),
    };
  }

  const namedArn = (resource: MockedResource): DeclaredNamedArn => ({ name: resource.state.name, arn: resource.state.arn });
  const secretVersions = ofType("aws:secretsmanager/secretVersion:SecretVersion");
  const schedules = ofType("aws:cloudwatch/eventRule:EventRule").flatMap((rule): DeclaredSchedule[] => {
    const target = ofType("aws:cloudwatch/eventTarget:EventTarget").find((candidate) => candidate.inputs.rule === rule.state.name);
    if (!target) return [];
    const deadLetterArn = target.inputs.deadLetterConfig?.arn as string | undefined;
    return [
      {
        ruleArn: rule.state.arn,
        functionName: functionNameOfArn(target.inputs.arn),
        expression: rule.inputs.scheduleExpression,
        ...(deadLetterArn === undefined ? {} : { deadLetterArn }),
      },
    ];
  });
  const ingestionSchedule = schedules.find((schedule) => schedule.functionName === functions.ingestion.name);

  return {
    stack: program.stack,
    region: program.region,
    accountId: functions.ingestion.arn.split(":")[4] as string,
    functions,
    buckets: ofType("aws:s3/bucket:Bucket").map((resource) => resource.state.bucket as string),
    tables: ofType("aws:dynamodb/table:Table").map((resource) => ({
      name: resource.state.name,
      hashKey: resource.inputs.hashKey,
      ...(resource.inputs.rangeKey === undefined ? {} : { rangeKey: resource.inputs.rangeKey }),
      attributes: resource.inputs.attributes,
    })),
    queues: ofType("aws:sqs/queue:Queue").map(namedArn),
    topics: ofType("aws:sns/topic:Topic").map(namedArn),
    secrets: ofType("aws:secretsmanager/secret:Secret").map((resource) => {
      const version = secretVersions.find((candidate) => candidate.inputs.secretId === resource.state.arn || candidate.inputs.secretId === resource.state.id);
      return { ...namedArn(resource), ...(version ? { secretString: version.inputs.secretString as string } : {}) };
    }),
    notifications: ofType("aws:s3/bucketNotification:BucketNotification").flatMap((resource) =>
      (resource.inputs.lambdaFunctions ?? []).map((target: Record<string, any>) => ({
        bucket: resource.inputs.bucket,
        functionName: functionNameOfArn(target.lambdaFunctionArn),
        events: target.events,
        filterPrefix: target.filterPrefix ?? "",
        filterSuffix: target.filterSuffix ?? "",
      })),
    ),
    schedules,
    ...(ingestionSchedule ? { schedule: ingestionSchedule } : {}),
  };
}

/** The OpenSky stand-in accepts the client credentials the program stores in its secret, if any. */
export function openSkyClientsOf(topology: PipelineTopology): Record<string, string> {
  const clients: Record<string, string> = {};
  for (const secret of topology.secrets) {
    if (secret.secretString === undefined) continue;
    const parsed = JSON.parse(secret.secretString) as { clientId?: unknown; clientSecret?: unknown };
    if (typeof parsed.clientId === "string" && typeof parsed.clientSecret === "string") clients[parsed.clientId] = parsed.clientSecret;
  }
  return clients;
}
