import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/**
 * A deliberately insecure program, for tests and `npm run policy:check -- --variant broken` only:
 * every rule of the pack must catch at least one of its resources. Each resource says which rule
 * it is there for; BROKEN_PROGRAM_VIOLATIONS lists what the pack must report, by rule and resource.
 */

const ACCOUNT_ROOT = "arn:aws:iam::123456789012:root";

function document(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

export const BROKEN_PROGRAM_VIOLATIONS: readonly { rule: string; resource: string }[] = [
  { rule: "iam-no-wildcard-actions", resource: "broken-role" },
  { rule: "iam-no-wildcard-resources", resource: "broken-role" },
  { rule: "iam-no-not-elements-in-allow", resource: "broken-role" },
  { rule: "iam-passrole-scoped", resource: "broken-role" },
  { rule: "iam-no-unscoped-public-principal", resource: "broken-queue-policy" },
  { rule: "kms-key-policy-least-privilege", resource: "broken-key" },
  { rule: "iam-no-broad-managed-policies", resource: "broken-admin-attachment" },
  { rule: "lambda-role-trusts-only-lambda", resource: "broken-role" },
  { rule: "kms-grant-via-service", resource: "broken-key" },
  { rule: "dynamodb-grant-leading-keys", resource: "broken-role" },
  { rule: "unverifiable-outside-references", resource: "broken-alarm" },
  { rule: "lambda-permission-source-scoped", resource: "broken-permission" },
  { rule: "s3-bucket-cmk-encryption", resource: "broken-bucket" },
  { rule: "s3-bucket-key-enabled", resource: "broken-no-bucket-key" },
  { rule: "s3-public-access-blocked", resource: "broken-bucket" },
  { rule: "s3-deny-insecure-transport", resource: "broken-bucket" },
  { rule: "sqs-queue-cmk-encryption", resource: "broken-queue" },
  { rule: "sns-topic-cmk-encryption", resource: "broken-topic" },
  { rule: "cloudwatch-log-group-cmk-encryption", resource: "broken-logs" },
  { rule: "dynamodb-table-cmk-encryption", resource: "broken-table" },
  { rule: "lambda-environment-cmk-encryption", resource: "broken-function" },
  { rule: "secretsmanager-secret-cmk-encryption", resource: "broken-secret" },
  { rule: "kms-key-rotation-enabled", resource: "broken-key" },
  { rule: "cloudwatch-log-group-retention", resource: "broken-logs" },
  { rule: "lambda-tracing-active", resource: "broken-function" },
  { rule: "lambda-failure-destination", resource: "broken-function" },
  { rule: "lambda-reserved-concurrency", resource: "broken-function" },
  { rule: "lambda-supported-runtime", resource: "broken-function" },
  { rule: "eventbridge-target-retry-and-dlq", resource: "broken-schedule-target" },
  { rule: "dynamodb-point-in-time-recovery", resource: "broken-table" },
];

export function brokenProgram(): Record<string, pulumi.Output<string>> {
  // kms-key-rotation-enabled, kms-key-policy-least-privilege: no rotation, kms:* for an application role
  // (which kms-grant-via-service also reports: the role may use the key directly).
  const key = new aws.kms.Key("broken-key", {
    enableKeyRotation: false,
    policy: document(
      { Effect: "Allow", Principal: { AWS: ACCOUNT_ROOT }, Action: "kms:*", Resource: "*" },
      { Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/app" }, Action: "kms:*", Resource: "*" },
    ),
  });

  // iam-no-wildcard-actions, -resources, -not-elements, -passrole; lambda-role-trusts-only-lambda (EC2 may assume it);
  // dynamodb-grant-leading-keys (any item of the table).
  const role = new aws.iam.Role("broken-role", {
    assumeRolePolicy: document({
      Effect: "Allow",
      Principal: { Service: ["lambda.amazonaws.com", "ec2.amazonaws.com"] },
      Action: "sts:AssumeRole",
    }),
    inlinePolicies: [
      {
        name: "everything",
        policy: document(
          { Sid: "AllOfS3", Effect: "Allow", Action: "s3:*", Resource: "*" },
          { Sid: "AllButIam", Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::data/*" },
          { Sid: "PassAnyRole", Effect: "Allow", Action: "iam:PassRole", Resource: "*" },
          { Sid: "AnyTrackingItem", Effect: "Allow", Action: "dynamodb:PutItem", Resource: "arn:aws:dynamodb:us-east-1:123456789012:table/tracking" },
        ),
      },
    ],
  });
  // iam-no-broad-managed-policies
  new aws.iam.RolePolicyAttachment("broken-admin-attachment", {
    role: role.name,
    policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
  });

  // s3-bucket-cmk-encryption, s3-public-access-blocked, s3-deny-insecure-transport: a bare bucket.
  new aws.s3.Bucket("broken-bucket", {});
  // s3-bucket-key-enabled: SSE-KMS with the stack's key but no bucket keys.
  const noBucketKey = new aws.s3.Bucket("broken-no-bucket-key", {});
  new aws.s3.BucketServerSideEncryptionConfiguration("broken-no-bucket-key-encryption", {
    bucket: noBucketKey.id,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: false }],
  });

  // sqs-queue-cmk-encryption, and iam-no-unscoped-public-principal through its policy.
  const queue = new aws.sqs.Queue("broken-queue", {});
  new aws.sqs.QueuePolicy("broken-queue-policy", {
    queueUrl: queue.url,
    policy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: queue.arn }],
    }),
  });

  // sns-topic-cmk-encryption
  new aws.sns.Topic("broken-topic", { kmsMasterKeyId: "alias/aws/sns" });
  // cloudwatch-log-group-cmk-encryption, cloudwatch-log-group-retention
  new aws.cloudwatch.LogGroup("broken-logs", {});
  // dynamodb-table-cmk-encryption, dynamodb-point-in-time-recovery
  new aws.dynamodb.Table("broken-table", {
    attributes: [{ name: "pk", type: "S" }],
    hashKey: "pk",
    billingMode: "PAY_PER_REQUEST",
  });
  // secretsmanager-secret-cmk-encryption
  new aws.secretsmanager.Secret("broken-secret", {});

  // lambda-environment-cmk-encryption, -tracing-active, -failure-destination, -reserved-concurrency, -supported-runtime.
  const fn = new aws.lambda.Function("broken-function", {
    role: role.arn,
    runtime: "nodejs18.x",
    handler: "index.handler",
    code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => {};") }),
    environment: { variables: { SECRET_ISH: "plain" } },
  });
  // lambda-permission-source-scoped: any bucket in any account may invoke it.
  new aws.lambda.Permission("broken-permission", {
    action: "lambda:InvokeFunction",
    function: fn.name,
    principal: "s3.amazonaws.com",
  });

  // eventbridge-target-retry-and-dlq
  const schedule = new aws.cloudwatch.EventRule("broken-schedule", { scheduleExpression: "rate(5 minutes)" });
  new aws.cloudwatch.EventTarget("broken-schedule-target", { rule: schedule.name, arn: fn.arn });

  // unverifiable-outside-references: an alarm notifies a topic the stack does not create.
  new aws.cloudwatch.MetricAlarm("broken-alarm", {
    alarmActions: ["arn:aws:sns:us-east-1:123456789012:someone-elses-topic"],
    comparisonOperator: "GreaterThanThreshold",
    evaluationPeriods: 1,
    metricName: "Errors",
    namespace: "AWS/Lambda",
    period: 300,
    statistic: "Sum",
    threshold: 0,
  });

  return { functionName: fn.name };
}
