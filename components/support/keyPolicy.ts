import * as pulumi from "@pulumi/pulumi";
import type { AwsContext } from "./awsContext";
import type { PolicyStatement } from "./iamStatements";

/**
 * The pipeline key's policy. In a key policy `Resource: "*"` means "this key". Besides the account
 * (whose IAM policies then decide for roles and users), three AWS services must be allowed to use
 * the key directly or their resources fail to create or silently drop messages:
 * CloudWatch Logs for encrypted log groups, CloudWatch alarms publishing to the encrypted alert
 * topic, and EventBridge sending failed events to the encrypted scheduler DLQ.
 */
export function pipelineKeyPolicy(ctx: AwsContext): PolicyStatement[] {
  const servicePrincipal = (service: string) => pulumi.interpolate`${service}.${ctx.dnsSuffix}`;
  return [
    {
      Sid: "AccountAdministersKeyThroughIam",
      Effect: "Allow",
      Principal: { AWS: pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:root` },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
      Effect: "Allow",
      Principal: { Service: pulumi.interpolate`logs.${ctx.region}.${ctx.dnsSuffix}` },
      Action: [
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
        "kms:GenerateDataKey",
        "kms:GenerateDataKeyWithoutPlaintext",
        "kms:DescribeKey",
      ],
      Resource: "*",
      Condition: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:${ctx.partition}:logs:${ctx.region}:${ctx.accountId}:log-group:*`,
        },
      },
    },
    {
      Sid: "CloudWatchAlarmsPublishToEncryptedTopic",
      Effect: "Allow",
      Principal: { Service: servicePrincipal("cloudwatch") },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": ctx.accountId } },
    },
    // The form EventBridge documents for an encrypted SQS target, without a condition: EventBridge
    // does not supply aws:SourceAccount for encrypted SNS targets and documents nothing for SQS, and
    // a condition it does not meet would drop every undelivered event silently. The queue's policy
    // already admits only the schedule rule (aws:SourceArn), and the key alone grants no access.
    {
      Sid: "EventBridgeSendsToEncryptedDeadLetterQueue",
      Effect: "Allow",
      Principal: { Service: servicePrincipal("events") },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
    },
  ];
}
