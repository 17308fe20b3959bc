import * as aws from "@pulumi/aws";
import { PolicyConfigSchema, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { configWithDefaults } from "../lib/ruleConfig";

/** Retention, retries and recovery: the settings that decide what survives a failure. */

const retentionSchema: PolicyConfigSchema = {
  properties: {
    minimumRetentionDays: {
      type: "integer",
      minimum: 1,
      description: "The shortest retention a log group may have.",
      default: 7,
    },
  },
};

interface RetentionConfig {
  minimumRetentionDays: number;
}

export const logGroupRetention: ResourceValidationPolicy = {
  name: "cloudwatch-log-group-retention",
  description: "Every CloudWatch log group sets retentionInDays, at least the configured minimum and not 0 (never expire).",
  severity: "medium",
  enforcementLevel: "mandatory",
  tags: ["logs", "cost", "compliance"],
  remediationSteps:
    "Set retentionInDays to one of CloudWatch's allowed values (1, 3, 5, 7, 14, 30, 60, 90, ...) at or above " +
    "minimumRetentionDays. Create each function's /aws/lambda/<name> log group in the program, or Lambda creates one " +
    "that never expires.",
  configSchema: retentionSchema,
  validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (logGroup, args, reportViolation) => {
    const { minimumRetentionDays } = configWithDefaults<RetentionConfig>(args, retentionSchema);
    const retention = logGroup.retentionInDays;
    if (retention === undefined || retention === 0) {
      reportViolation("retentionInDays is not set, so the logs never expire");
    } else if (retention < minimumRetentionDays) {
      reportViolation(`retentionInDays ${retention} is below the minimum of ${minimumRetentionDays}`);
    }
  }),
};

export const eventTargetRetryAndDeadLetter: ResourceValidationPolicy = {
  name: "eventbridge-target-retry-and-dlq",
  description: "Every EventBridge target has a retry policy and a dead-letter queue.",
  severity: "medium",
  enforcementLevel: "mandatory",
  tags: ["eventbridge", "reliability"],
  remediationSteps:
    "Set retryPolicy { maximumRetryAttempts, maximumEventAgeInSeconds } and deadLetterConfig { arn: <queue ARN> }; " +
    "the queue policy must let events.amazonaws.com send with aws:SourceArn = the rule, and the key policy must let " +
    "EventBridge use the queue's key.",
  validateResource: validateResourceOfType(aws.cloudwatch.EventTarget, (target, _args, reportViolation) => {
    const retry = target.retryPolicy;
    if (retry?.maximumRetryAttempts === undefined && retry?.maximumEventAgeInSeconds === undefined) {
      reportViolation("retryPolicy is not set, so EventBridge's defaults (185 attempts over 24 hours) apply");
    }
    const deadLetterArn = target.deadLetterConfig?.arn;
    if (deadLetterArn === undefined || deadLetterArn === "") {
      reportViolation("deadLetterConfig.arn is not set, so events that exhaust their retries are dropped");
    }
  }),
};

export const tablePointInTimeRecovery: ResourceValidationPolicy = {
  name: "dynamodb-point-in-time-recovery",
  description: "Every DynamoDB table has point-in-time recovery enabled.",
  severity: "medium",
  enforcementLevel: "mandatory",
  tags: ["dynamodb", "backup"],
  remediationSteps: "Set pointInTimeRecovery: { enabled: true }.",
  validateResource: validateResourceOfType(aws.dynamodb.Table, (table, _args, reportViolation) => {
    if (table.pointInTimeRecovery?.enabled !== true) reportViolation("pointInTimeRecovery.enabled is not true");
  }),
};
