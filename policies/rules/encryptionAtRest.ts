import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { isAwsManagedKeyAlias } from "../lib/iamPatterns";

/**
 * Encryption at rest with a customer-managed KMS key: only a key the project owns has a policy
 * the project writes, rotation it controls and CloudTrail records of every use.
 */

/** Why a key reference is not a customer-managed key, or undefined when it is one. */
function notCustomerManaged(keyId: string | undefined, input: string): string | undefined {
  if (keyId === undefined || keyId === "") return `${input} is not set`;
  if (isAwsManagedKeyAlias(keyId)) return `${input} is the AWS-managed key ${keyId}`;
  return undefined;
}

export const queueEncryptedWithCustomerManagedKey: ResourceValidationPolicy = {
  name: "sqs-queue-cmk-encryption",
  description: "Every SQS queue is encrypted with a customer-managed KMS key (not alias/aws/sqs, not SSE-SQS only).",
  severity: "high",
  enforcementLevel: "mandatory",
  tags: ["encryption", "sqs"],
  remediationSteps: "Set kmsMasterKeyId to the ARN of the project's KMS key, whose policy must let the queue's producers use it.",
  validateResource: validateResourceOfType(aws.sqs.Queue, (queue, _args, reportViolation) => {
    const problem = notCustomerManaged(queue.kmsMasterKeyId, "kmsMasterKeyId");
    if (problem === undefined) return;
    const sqsManaged = queue.sqsManagedSseEnabled === true ? " (SSE-SQS uses a key AWS owns)" : "";
    reportViolation(`${problem}${sqsManaged}`);
  }),
};

export const topicEncryptedWithCustomerManagedKey: ResourceValidationPolicy = {
  name: "sns-topic-cmk-encryption",
  description: "Every SNS topic is encrypted with a customer-managed KMS key (not alias/aws/sns).",
  severity: "high",
  enforcementLevel: "mandatory",
  tags: ["encryption", "sns"],
  remediationSteps:
    "Set kmsMasterKeyId to the project's key ARN and let each publisher (for example cloudwatch.amazonaws.com for " +
    "alarms) use kms:GenerateDataKey and kms:Decrypt in the key policy.",
  validateResource: validateResourceOfType(aws.sns.Topic, (topic, _args, reportViolation) => {
    const problem = notCustomerManaged(topic.kmsMasterKeyId, "kmsMasterKeyId");
    if (problem !== undefined) reportViolation(problem);
  }),
};

export const logGroupEncryptedWithCustomerManagedKey: ResourceValidationPolicy = {
  name: "cloudwatch-log-group-cmk-encryption",
  description: "Every CloudWatch log group is encrypted with a customer-managed KMS key.",
  severity: "medium",
  enforcementLevel: "mandatory",
  tags: ["encryption", "logs"],
  remediationSteps:
    "Set kmsKeyId to the project's key ARN; the key policy must allow logs.<region>.amazonaws.com with a " +
    "kms:EncryptionContext:aws:logs:arn condition, or the log group fails to create.",
  validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (logGroup, _args, reportViolation) => {
    const problem = notCustomerManaged(logGroup.kmsKeyId, "kmsKeyId");
    if (problem !== undefined) reportViolation(problem);
  }),
};

export const tableEncryptedWithCustomerManagedKey: ResourceValidationPolicy = {
  name: "dynamodb-table-cmk-encryption",
  description: "Every DynamoDB table has server-side encryption enabled with a customer-managed KMS key.",
  severity: "medium",
  enforcementLevel: "mandatory",
  tags: ["encryption", "dynamodb"],
  remediationSteps: "Set serverSideEncryption: { enabled: true, kmsKeyArn: <the project's key ARN> }.",
  validateResource: validateResourceOfType(aws.dynamodb.Table, (table, _args, reportViolation) => {
    const encryption = table.serverSideEncryption;
    if (encryption?.enabled !== true) {
      reportViolation("serverSideEncryption.enabled is not true, so the table uses a key AWS owns");
      return;
    }
    const problem = notCustomerManaged(encryption.kmsKeyArn, "serverSideEncryption.kmsKeyArn");
    if (problem !== undefined) reportViolation(problem);
  }),
};

export const functionEnvironmentEncryptedWithCustomerManagedKey: ResourceValidationPolicy = {
  name: "lambda-environment-cmk-encryption",
  description: "Every Lambda function with environment variables encrypts them with a customer-managed KMS key.",
  severity: "medium",
  enforcementLevel: "mandatory",
  tags: ["encryption", "lambda"],
  remediationSteps: "Set kmsKeyArn on the function and give its role kms:Decrypt on that key.",
  validateResource: validateResourceOfType(aws.lambda.Function, (fn, args, reportViolation) => {
    const variables = Object.keys(fn.environment?.variables ?? {});
    if (variables.length === 0) args.notApplicable("the function has no environment variables");
    const problem = notCustomerManaged(fn.kmsKeyArn, "kmsKeyArn");
    if (problem !== undefined) reportViolation(`${problem}, so ${variables.join(", ")} are encrypted with a key AWS owns`);
  }),
};

export const secretEncryptedWithCustomerManagedKey: ResourceValidationPolicy = {
  name: "secretsmanager-secret-cmk-encryption",
  description: "Every Secrets Manager secret is encrypted with a customer-managed KMS key (not alias/aws/secretsmanager).",
  severity: "high",
  enforcementLevel: "mandatory",
  tags: ["encryption", "secretsmanager"],
  remediationSteps: "Set kmsKeyId to the project's key ARN and give the reading role kms:Decrypt on it.",
  validateResource: validateResourceOfType(aws.secretsmanager.Secret, (secret, _args, reportViolation) => {
    const problem = notCustomerManaged(secret.kmsKeyId, "kmsKeyId");
    if (problem !== undefined) reportViolation(problem);
  }),
};

export const keyRotationEnabled: ResourceValidationPolicy = {
  name: "kms-key-rotation-enabled",
  description: "Every symmetric encryption KMS key has automatic key rotation enabled.",
  severity: "medium",
  enforcementLevel: "mandatory",
  tags: ["encryption", "kms"],
  remediationSteps: "Set enableKeyRotation: true (AWS rotates the key material yearly, or per rotationPeriodInDays).",
  validateResource: validateResourceOfType(aws.kms.Key, (key, args, reportViolation) => {
    // AWS only rotates symmetric encryption keys; asymmetric and HMAC keys cannot have rotation on.
    const spec = key.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
    const usage = key.keyUsage ?? "ENCRYPT_DECRYPT";
    if (spec !== "SYMMETRIC_DEFAULT" || usage !== "ENCRYPT_DECRYPT") {
      args.notApplicable(`key spec ${spec} with usage ${usage} cannot rotate automatically`);
    }
    if (key.enableKeyRotation !== true) reportViolation("enableKeyRotation is not true");
  }),
};
