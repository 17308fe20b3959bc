import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { LambdaArchitecture } from "../contract/settings";
import { aliasRouting } from "./support/aliasRouting";
import type { InvokeTarget } from "./support/invokeTarget";
import { awsContext } from "./support/awsContext";
import { lambdaInsightsLayerArn } from "./support/lambdaInsights";
import { LAMBDA_TRUST_POLICY, policyDocument, type PolicyStatement } from "./support/iamStatements";
import { queueBacklogAlarm } from "./support/queueBacklogAlarm";
import { packagesToExclude } from "./support/runtimePackages";

/** AWS services that use the pipeline key for a function, with its role's permissions. */
export type KeyUsingService = "s3" | "sqs" | "sns" | "dynamodb" | "secretsmanager";

/** Which services ask KMS for which operation on the function's behalf. */
export interface KeyUse {
  /** Reading what the service keeps encrypted: S3 GetObject, DynamoDB items, a secret, SNS/SQS data keys. */
  decrypt: KeyUsingService[];
  /** Writing new encrypted data: S3 PutObject, SNS Publish, SQS SendMessage. */
  generateDataKeys: KeyUsingService[];
}

export interface PipelineFunctionArgs {
  /** Physical function name; also names its log group `/aws/lambda/<functionName>`. */
  functionName: string;
  description: string;
  /**
   * Runs once per container and returns the handler. Pass the handler module's own factory,
   * not a closure over component state: Pulumi serializes everything the function captures.
   * Each stage's handler takes an event type of its own, hence `never` for the event.
   */
  callbackFactory: aws.lambda.CallbackFactory<never, unknown>;
  /** Packages of package.json's `dependencies` this function's code loads at run time. */
  runtimePackages: string[];
  /** What the stage's code does with AWS, beyond logging, its DLQ, its key and tracing. */
  statements: PolicyStatement[];
  /** The services that use the key for the stage's code; SQS (for the function's DLQ) is added here. */
  keyUse: KeyUse;
  environment: Record<string, pulumi.Input<string>>;
  memorySize: number;
  timeout: number;
  reservedConcurrency: number;
  runtime: string;
  architecture: LambdaArchitecture;
  /** Encrypts environment variables, the log group and the DLQ. */
  kmsKeyArn: pulumi.Input<string>;
  logRetentionDays: number;
  /**
   * Lambda's JSON log format, with the levels it filters by: the handlers' lines by their `level`
   * field, its own platform lines (START, REPORT) by the system level.
   */
  logLevels: { application: "DEBUG" | "INFO" | "WARN" | "ERROR"; system: "DEBUG" | "INFO" | "WARN" };
  dlqRetentionSeconds: number;
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
  tracing: boolean;
  /** Adds the Lambda Insights layer; an ARN overrides the one derived from region and architecture. */
  insights: false | { layerArn?: pulumi.Input<string> };
  /** A layer that holds the runtime packages; the function's own package then holds only its code. */
  sharedDependenciesLayerArn?: pulumi.Input<string>;
  vpc?: { subnetIds: pulumi.Input<pulumi.Input<string>[]>; securityGroupIds: pulumi.Input<pulumi.Input<string>[]> };
  /** Publishes versions behind a `live` alias; triggers should target `invokeTarget`. */
  versioning?: {
    provisionedConcurrency: number;
    /** Share of traffic for a newly published version (components/support/aliasRouting.ts); unset routes all of it. */
    gradualDeploymentWeight?: number;
  };
  /** Creates the function's alarms; with a topic they notify it. */
  alarms?: { topicArn?: pulumi.Input<string> };
}

const INSIGHTS_LOG_GROUP = "/aws/lambda-insights";

/**
 * Statements every function's role may carry that the local run cannot exercise, and why: the
 * Lambda service uses them with the role for features the local harness does not run. The IAM
 * report (tools/iam) accepts them unused for these reasons; any other grant no call uses fails it.
 */
export const PLATFORM_GRANT_REASONS: Readonly<Record<string, string>> = {
  WriteTraces:
    "with active tracing, Lambda's X-Ray integration uploads the function's trace segments and telemetry with the execution role " +
    "(the two actions AWS lists for it); the local harness runs no X-Ray daemon",
  LambdaInsightsWritesPerformanceLogs:
    "the Lambda Insights extension (a layer) writes one performance log event per invocation to /aws/lambda-insights with the " +
    "execution role; the local harness runs no extensions",
  ManageVpcNetworkInterfaces:
    "Lambda creates and removes the network interfaces of a function attached to a VPC with the execution role; the local run has no VPC",
};

/**
 * One pipeline stage's Lambda function with everything it needs to run safely: its own role and
 * inline policy, a KMS-encrypted log group created before the function, an encrypted DLQ that
 * receives failed asynchronous invocations after the retries, X-Ray, Lambda Insights, optional VPC
 * placement, versions behind a `live` alias with provisioned concurrency and weighted routing, and
 * its alarms.
 */
export class PipelineFunction extends pulumi.ComponentResource {
  readonly function: aws.lambda.CallbackFunction<never, unknown>;
  readonly functionName: pulumi.Output<string>;
  readonly functionArn: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  readonly deadLetterQueueArn: pulumi.Output<string>;
  readonly deadLetterQueueUrl: pulumi.Output<string>;
  readonly deadLetterQueueName: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;
  readonly invokeTarget: InvokeTarget;
  readonly alias?: aws.lambda.Alias;
  /** Bytes of the deployment package as Lambda stored it. */
  readonly packageSize: pulumi.Output<number>;

  constructor(name: string, args: PipelineFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("flightdata:compute:PipelineFunction", name, {}, opts);
    checkArgs(name, args);
    const parent = { parent: this };
    const ctx = awsContext(this);

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: `/aws/lambda/${args.functionName}`, retentionInDays: args.logRetentionDays, kmsKeyId: args.kmsKeyArn },
      parent,
    );
    const deadLetterQueue = new aws.sqs.Queue(
      `${name}-dlq`,
      {
        kmsMasterKeyId: args.kmsKeyArn,
        kmsDataKeyReusePeriodSeconds: 300,
        messageRetentionSeconds: args.dlqRetentionSeconds,
      },
      parent,
    );

    const role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: LAMBDA_TRUST_POLICY }, parent);
    const keyThroughServices = (sid: string, action: string, services: KeyUsingService[]): PolicyStatement => ({
      Sid: sid,
      Effect: "Allow",
      Action: action,
      Resource: args.kmsKeyArn,
      // KMS names services with the amazonaws.com suffix in every partition.
      Condition: {
        StringEquals: {
          "kms:ViaService": [...new Set<KeyUsingService>(["sqs", ...services])]
            .sort()
            .map((service) => pulumi.interpolate`${service}.${ctx.region}.amazonaws.com`),
        },
      },
    });
    const logArn = (group: pulumi.Input<string>) => pulumi.interpolate`arn:${ctx.partition}:logs:${ctx.region}:${ctx.accountId}:log-group:${group}`;
    const baseStatements: PolicyStatement[] = [
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: pulumi.interpolate`${logArn(logGroup.name)}:*`,
      },
      {
        Sid: "SendFailedEventsToOwnDlq",
        Effect: "Allow",
        Action: "sqs:SendMessage",
        Resource: deadLetterQueue.arn,
      },
      // The role uses the key only through AWS services working for it (kms:ViaService): SQS
      // for the DLQ's failure records, which Lambda sends with the role, and the services the
      // stage names. The environment needs nothing here: Lambda decrypts it through a grant it
      // creates for the role on the function's key.
      keyThroughServices("DecryptThroughServices", "kms:Decrypt", args.keyUse.decrypt),
      keyThroughServices("GenerateDataKeysThroughServices", "kms:GenerateDataKey", args.keyUse.generateDataKeys),
    ];
    if (args.insights) {
      baseStatements.push({
        Sid: "LambdaInsightsWritesPerformanceLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [logArn(INSIGHTS_LOG_GROUP), pulumi.interpolate`${logArn(INSIGHTS_LOG_GROUP)}:*`],
      });
    }
    if (args.tracing) {
      // X-Ray writes have no resource-level permissions.
      baseStatements.push({
        Sid: "WriteTraces",
        Effect: "Allow",
        Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
        Resource: "*",
      });
    }
    if (args.vpc) {
      // Lambda manages the function's network interfaces through its role; ENI actions have no
      // resource-level permissions.
      baseStatements.push({
        Sid: "ManageVpcNetworkInterfaces",
        Effect: "Allow",
        Action: [
          "ec2:CreateNetworkInterface",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSubnets",
          "ec2:DeleteNetworkInterface",
          "ec2:AssignPrivateIpAddresses",
          "ec2:UnassignPrivateIpAddresses",
        ],
        Resource: "*",
      });
    }
    const rolePolicy = new aws.iam.RolePolicy(`${name}-policy`, { role: role.id, policy: policyDocument([...baseStatements, ...args.statements]) }, parent);

    const layers: pulumi.Input<string>[] = [];
    if (args.sharedDependenciesLayerArn) layers.push(args.sharedDependenciesLayerArn);
    if (args.insights) {
      layers.push(args.insights.layerArn ?? ctx.region.apply((region) => lambdaInsightsLayerArn(region, args.architecture)));
    }
    const excluded = packagesToExclude(args.sharedDependenciesLayerArn ? [] : args.runtimePackages);

    // The log group must exist before the function first runs, or Lambda creates an unencrypted
    // one that never expires; the role's policy must exist before Lambda validates the VPC and
    // the DLQ destination against it.
    this.function = new aws.lambda.CallbackFunction(
      name,
      {
        name: args.functionName,
        description: args.description,
        role,
        callbackFactory: args.callbackFactory,
        codePathOptions: { extraExcludePackages: excluded },
        runtime: args.runtime,
        architectures: [args.architecture],
        memorySize: args.memorySize,
        timeout: args.timeout,
        reservedConcurrentExecutions: args.reservedConcurrency,
        environment: { variables: args.environment },
        kmsKeyArn: args.kmsKeyArn,
        tracingConfig: { mode: args.tracing ? "Active" : "PassThrough" },
        loggingConfig: {
          logFormat: "JSON",
          applicationLogLevel: args.logLevels.application,
          systemLogLevel: args.logLevels.system,
          logGroup: logGroup.name,
        },
        layers,
        vpcConfig: args.vpc,
        publish: args.versioning !== undefined,
      },
      { parent: this, dependsOn: [logGroup, rolePolicy] },
    );

    let invokeTarget: InvokeTarget = { functionName: this.function.name, arn: this.function.arn };
    let invokeConfigDependencies: pulumi.Resource[] = [rolePolicy];
    if (args.versioning) {
      const weight = args.versioning.gradualDeploymentWeight;
      const previousVersion: Promise<string | undefined> =
        weight === undefined
          ? Promise.resolve(undefined)
          : aws.lambda
              .getAlias({ functionName: args.functionName, name: "live" }, { parent: this })
              .then((alias) => alias.functionVersion)
              .catch(() => undefined);
      const routing = pulumi.all([this.function.version, previousVersion]).apply(([newVersion, previous]) => aliasRouting(previous, newVersion, weight ?? 1));
      this.alias = new aws.lambda.Alias(
        `${name}-live`,
        {
          name: "live",
          functionName: this.function.name,
          functionVersion: routing.functionVersion,
          routingConfig: routing.apply((r) => (r.additionalVersionWeights ? { additionalVersionWeights: r.additionalVersionWeights } : undefined)),
        },
        parent,
      );
      if (args.versioning.provisionedConcurrency > 0) {
        new aws.lambda.ProvisionedConcurrencyConfig(
          `${name}-provisioned`,
          {
            functionName: this.function.name,
            qualifier: this.alias.name,
            provisionedConcurrentExecutions: args.versioning.provisionedConcurrency,
          },
          parent,
        );
      }
      invokeTarget = { functionName: this.function.name, qualifier: this.alias.name, arn: this.alias.arn };
      invokeConfigDependencies = [rolePolicy, this.alias];
    }

    new aws.lambda.FunctionEventInvokeConfig(
      `${name}-async`,
      {
        functionName: this.function.name,
        qualifier: invokeTarget.qualifier ?? "$LATEST",
        maximumRetryAttempts: args.maximumRetryAttempts,
        maximumEventAgeInSeconds: args.maximumEventAgeSeconds,
        destinationConfig: { onFailure: { destination: deadLetterQueue.arn } },
      },
      { parent: this, dependsOn: invokeConfigDependencies },
    );

    if (args.alarms) {
      this.createAlarms(name, args, deadLetterQueue.name, args.alarms.topicArn);
      if (this.alias && args.versioning?.gradualDeploymentWeight !== undefined) {
        this.createCanaryAlarms(name, args, this.alias, args.alarms.topicArn);
      }
    }

    this.functionName = this.function.name;
    this.functionArn = this.function.arn;
    this.roleArn = role.arn;
    this.deadLetterQueueArn = deadLetterQueue.arn;
    this.deadLetterQueueUrl = deadLetterQueue.url;
    this.deadLetterQueueName = deadLetterQueue.name;
    this.logGroupName = logGroup.name;
    this.invokeTarget = invokeTarget;
    this.packageSize = this.function.sourceCodeSize;
    this.registerOutputs({
      functionName: this.functionName,
      functionArn: this.functionArn,
      invokeArn: this.invokeTarget.arn,
      deadLetterQueueUrl: this.deadLetterQueueUrl,
      logGroupName: this.logGroupName,
      packageSize: this.packageSize,
    });
  }

  private createAlarms(name: string, args: PipelineFunctionArgs, deadLetterQueueName: pulumi.Output<string>, topicArn: pulumi.Input<string> | undefined): void {
    const actions = topicArn ? [topicArn] : [];
    const common = {
      evaluationPeriods: 1,
      period: 300,
      treatMissingData: "notBreaching",
      alarmActions: actions,
      okActions: actions,
    };
    const lambdaMetric = { namespace: "AWS/Lambda", dimensions: { FunctionName: this.function.name } };
    const alarm = (suffix: string, description: string, props: Partial<aws.cloudwatch.MetricAlarmArgs>) =>
      new aws.cloudwatch.MetricAlarm(
        `${name}-${suffix}`,
        {
          name: `${args.functionName}-${suffix}`,
          alarmDescription: description,
          comparisonOperator: "GreaterThanThreshold",
          ...common,
          ...props,
        } as aws.cloudwatch.MetricAlarmArgs,
        { parent: this },
      );

    // At the pipeline's pace (an event every 5 minutes, retried twice) a failing stage makes at most
    // three or four errors in 5 minutes, so a count threshold would never fire; errors in two
    // periods in a row is a failure that persists past a retry, at any pace.
    alarm("errors", `${args.functionName} failed in two 5-minute periods in a row`, {
      ...lambdaMetric,
      metricName: "Errors",
      statistic: "Sum",
      threshold: 0,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
    });
    alarm("duration", `${args.functionName} ran longer than 80% of its ${args.timeout} s timeout`, {
      ...lambdaMetric,
      metricName: "Duration",
      statistic: "Maximum",
      threshold: Math.round(args.timeout * 1000 * 0.8),
    });
    alarm("throttles", `${args.functionName} was throttled (reserved concurrency ${args.reservedConcurrency} reached)`, {
      ...lambdaMetric,
      metricName: "Throttles",
      statistic: "Sum",
      threshold: 0,
    });
    queueBacklogAlarm(
      `${name}-dlq-messages`,
      {
        alarmName: `${args.functionName}-dlq-messages`,
        description: `Events that ${args.functionName} could not process are waiting in its dead-letter queue`,
        queueName: deadLetterQueueName,
        topicArn,
      },
      this,
    );
  }

  /**
   * Alarms on the version this deployment published, as the live alias runs it: Lambda reports an
   * alias's invocations per executed version (dimensions FunctionName, Resource "<function>:<alias>"
   * and ExecutedVersion), so the canary's errors are not diluted by the stable version's traffic.
   * Watch these before promoting.
   */
  private createCanaryAlarms(name: string, args: PipelineFunctionArgs, alias: aws.lambda.Alias, topicArn: pulumi.Input<string> | undefined): void {
    const actions = topicArn ? [topicArn] : [];
    const dimensions = {
      FunctionName: this.function.name,
      Resource: pulumi.interpolate`${this.function.name}:${alias.name}`,
      ExecutedVersion: this.function.version,
    };
    const canary = (suffix: string, description: pulumi.Input<string>, props: Partial<aws.cloudwatch.MetricAlarmArgs>) =>
      new aws.cloudwatch.MetricAlarm(
        `${name}-${suffix}`,
        {
          name: `${args.functionName}-${suffix}`,
          alarmDescription: description,
          namespace: "AWS/Lambda",
          dimensions,
          comparisonOperator: "GreaterThanThreshold",
          evaluationPeriods: 1,
          period: 300,
          treatMissingData: "notBreaching",
          alarmActions: actions,
          okActions: actions,
          ...props,
        } as aws.cloudwatch.MetricAlarmArgs,
        { parent: this },
      );
    canary("canary-errors", pulumi.interpolate`Version ${this.function.version} of ${args.functionName} failed through the live alias: do not promote it`, {
      metricName: "Errors",
      statistic: "Sum",
      threshold: 0,
    });
    canary(
      "canary-duration",
      pulumi.interpolate`Version ${this.function.version} of ${args.functionName} ran longer than 80% of its ${args.timeout} s timeout through the live alias`,
      { metricName: "Duration", statistic: "Maximum", threshold: Math.round(args.timeout * 1000 * 0.8) },
    );
  }
}

function checkArgs(name: string, args: PipelineFunctionArgs): void {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(args.functionName)) {
    problems.push(`functionName "${args.functionName}" must be 1–64 letters, digits, - or _`);
  }
  if (args.memorySize < 128 || args.memorySize > 10240) problems.push(`memorySize ${args.memorySize} must be 128–10240 MB`);
  if (args.timeout < 1 || args.timeout > 900) problems.push(`timeout ${args.timeout} must be 1–900 s`);
  if (args.reservedConcurrency < 1) problems.push(`reservedConcurrency ${args.reservedConcurrency} must be at least 1`);
  if (args.versioning && args.versioning.provisionedConcurrency > args.reservedConcurrency) {
    problems.push(`provisioned concurrency ${args.versioning.provisionedConcurrency} must not exceed reserved concurrency ${args.reservedConcurrency}`);
  }
  for (const statement of args.statements) {
    const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
    const wildcard = actions.find((a) => a === "*" || a.endsWith(":*"));
    if (wildcard) problems.push(`statement ${statement.Sid ?? "(no Sid)"} grants the wildcard action ${wildcard}`);
  }
  if (problems.length > 0) throw new Error(`PipelineFunction ${name}: ${problems.join("; ")}`);
}

/** A stage's code as the program hands it over: components never import handlers. */
export interface StageHandler {
  /** The handler module's `…HandlerFromEnvironment`: runs once per container, returns the handler. */
  callbackFactory: aws.lambda.CallbackFactory<never, unknown>;
  /** npm packages (from package.json `dependencies`) the handler loads at run time. */
  runtimePackages: string[];
  /** Packages the handler loads only when the stack instruments tracing (TRACING_INSTRUMENTATION). */
  tracingPackages?: string[];
}

/**
 * Everything about a stage's function that the stage itself does not decide: sizing, runtime,
 * encryption, tracing, versioning, alarms and the environment every stage shares. The stage adds
 * its description, its permissions (the services that use the key among them), its own
 * environment and its trigger.
 */
export type StageFunctionArgs = Omit<PipelineFunctionArgs, "description" | "callbackFactory" | "runtimePackages" | "statements" | "keyUse"> & {
  handler: StageHandler;
};
