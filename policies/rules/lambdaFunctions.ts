import * as aws from "@pulumi/aws";
import { PolicyConfigSchema, PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { JoinTarget, refersTo } from "../lib/resourceGraph";
import { configWithDefaults } from "../lib/ruleConfig";
import { checkEach } from "../lib/unknownValues";

/** What every pipeline function needs to be observable, bounded and recoverable. */

export const functionTracingActive: ResourceValidationPolicy = {
  name: "lambda-tracing-active",
  description: "Every Lambda function has X-Ray tracing in Active mode.",
  severity: "low",
  enforcementLevel: "mandatory",
  tags: ["lambda", "observability"],
  remediationSteps:
    'Set tracingConfig: { mode: "Active" } and allow xray:PutTraceSegments and xray:PutTelemetryRecords ' + '(Resource "*") in the function\'s role.',
  validateResource: validateResourceOfType(aws.lambda.Function, (fn, _args, reportViolation) => {
    const mode = fn.tracingConfig?.mode;
    if (mode !== "Active") reportViolation(`tracingConfig.mode is ${mode ?? "not set"}`);
  }),
};

export const functionReservedConcurrency: ResourceValidationPolicy = {
  name: "lambda-reserved-concurrency",
  description: "Every Lambda function sets reservedConcurrentExecutions (0 or more; -1 means unreserved).",
  severity: "medium",
  enforcementLevel: "mandatory",
  tags: ["lambda", "availability"],
  remediationSteps:
    "Set reservedConcurrentExecutions to the most concurrent runs the stage may use, so a burst cannot starve the " +
    "account's other functions nor flood OpenSky and the downstream stores.",
  validateResource: validateResourceOfType(aws.lambda.Function, (fn, _args, reportViolation) => {
    const reserved = fn.reservedConcurrentExecutions;
    if (reserved === undefined || reserved < 0) {
      reportViolation(`reservedConcurrentExecutions is ${reserved ?? "not set"}`);
    }
  }),
};

const runtimeSchema: PolicyConfigSchema = {
  properties: {
    allowedRuntimes: {
      type: "array",
      items: { type: "string" },
      description: "Lambda runtimes that still receive security patches.",
      default: ["nodejs22.x", "nodejs24.x"],
    },
  },
};

interface RuntimeConfig {
  allowedRuntimes: string[];
}

export const functionSupportedRuntime: ResourceValidationPolicy = {
  name: "lambda-supported-runtime",
  description: "Every zip-packaged Lambda function uses a runtime on the allowed list (nodejs20.x is deprecated on 2026-04-30).",
  severity: "high",
  enforcementLevel: "mandatory",
  tags: ["lambda", "patching"],
  remediationSteps: "Set runtime to one of the allowed runtimes (config allowedRuntimes) and test the handler on it.",
  configSchema: runtimeSchema,
  validateResource: validateResourceOfType(aws.lambda.Function, (fn, args, reportViolation) => {
    if (fn.packageType === "Image") args.notApplicable("container image functions bring their own runtime");
    const allowed = configWithDefaults<RuntimeConfig>(args, runtimeSchema).allowedRuntimes;
    const runtime = fn.runtime;
    if (runtime === undefined || !allowed.includes(runtime)) {
      reportViolation(`runtime ${runtime ?? "is not set"}; allowed: ${allowed.join(", ")}`);
    }
  }),
};

const FUNCTION: JoinTarget = {
  identifierProperties: ["name", "arn"],
  isSameKind: (resource) => resource.isType(aws.lambda.Function),
};

function onFailureDestination(invokeConfig: PolicyResource): string | undefined {
  return invokeConfig.asType(aws.lambda.FunctionEventInvokeConfig)?.destinationConfig?.onFailure?.destination;
}

export const functionFailureDestination: StackValidationPolicy = {
  name: "lambda-failure-destination",
  description:
    "Every Lambda function keeps failed asynchronous events: a dead-letter queue (deadLetterConfig) or a " +
    "FunctionEventInvokeConfig with an on-failure destination.",
  severity: "medium",
  enforcementLevel: "mandatory",
  tags: ["lambda", "reliability"],
  remediationSteps:
    "Add an aws.lambda.FunctionEventInvokeConfig with functionName: <function>.name and destinationConfig: " +
    "{ onFailure: { destination: <queue ARN> } }, or set deadLetterConfig.targetArn; the role must be allowed to " +
    "send to that queue with the queue's key.",
  validateStack: (args, reportViolation) => {
    const functions = args.resources.filter(FUNCTION.isSameKind);
    if (functions.length === 0) args.notApplicable("the stack has no Lambda function");
    const invokeConfigs = args.resources.filter((r) => r.isType(aws.lambda.FunctionEventInvokeConfig));
    checkEach(functions, (fn) => {
      const deadLetterTarget = fn.asType(aws.lambda.Function)?.deadLetterConfig?.targetArn;
      if (deadLetterTarget !== undefined && deadLetterTarget !== "") return;
      const destinations = invokeConfigs.filter((config) => refersTo(config, "functionName", fn, FUNCTION)).map(onFailureDestination);
      if (!destinations.some((destination) => destination !== undefined && destination !== "")) {
        reportViolation(`function ${fn.name} has neither deadLetterConfig nor an on-failure destination`, fn.urn);
      }
    });
  },
};

export const permissionScopedToSource: ResourceValidationPolicy = {
  name: "lambda-permission-source-scoped",
  description: "Every Lambda permission names the invoking resource (sourceArn), and also the account (sourceAccount) for S3.",
  severity: "critical",
  enforcementLevel: "mandatory",
  tags: ["lambda", "iam", "confused-deputy"],
  remediationSteps:
    "Set sourceArn to the bucket, rule or topic ARN that invokes the function. Bucket ARNs carry no account id, so " +
    "for s3.amazonaws.com also set sourceAccount to the bucket owner's account.",
  validateResource: validateResourceOfType(aws.lambda.Permission, (permission, _args, reportViolation) => {
    if (permission.sourceArn === undefined || permission.sourceArn === "") {
      reportViolation(`lets ${permission.principal} invoke the function from any ${permission.principal} resource (no sourceArn)`);
    }
    const fromS3 = permission.principal.toLowerCase() === "s3.amazonaws.com";
    if (fromS3 && (permission.sourceAccount === undefined || permission.sourceAccount === "")) {
      reportViolation("lets s3.amazonaws.com invoke the function without sourceAccount, so a bucket of that name in another account could");
    }
  }),
};
