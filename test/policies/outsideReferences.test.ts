import { outsideReferencesUnverified } from "../../policies/rules/outsideReferences";
import { ACCOUNT, expectCompliant, expectViolations, policyDocument, resource, TYPE, UNKNOWN } from "../support/policyRuleRunner";

const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/9a1b`;
const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:alerts`;
const LAMBDA_TRUST = policyDocument({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });

const key = resource(TYPE.key, "pipeline-key", { arn: KEY_ARN, keyId: "9a1b", enableKeyRotation: true });
const alias = resource(TYPE.kmsAlias, "pipeline-key-alias", { name: "alias/pipeline", targetKeyId: "9a1b" });
const topic = resource(TYPE.topic, "alerts", { arn: TOPIC_ARN, kmsMasterKeyId: KEY_ARN });
const role = resource(TYPE.role, "ingestion-role", {
  name: "ingestion-role",
  arn: `arn:aws:iam::${ACCOUNT}:role/ingestion-role`,
  assumeRolePolicy: LAMBDA_TRUST,
});
const fn = (name: string, roleArn: unknown, extra: Record<string, unknown> = {}, graph = {}) =>
  resource(TYPE.function, name, { role: roleArn, runtime: "nodejs24.x", handler: "index.handler", ...extra }, graph);

describe("policies: what lives outside the stack (unverifiable-outside-references)", () => {
  it("finds nothing to report when the roles, keys and topics are the stack's own (by ARN, alias, or dependency while unknown)", () =>
    expectCompliant(outsideReferencesUnverified, [
      fn("ingestion", role.inputs.arn, { kmsKeyArn: KEY_ARN }),
      role,
      key,
      alias,
      topic,
      resource(TYPE.queue, "dlq", { kmsMasterKeyId: "alias/pipeline" }),
      resource(TYPE.queue, "aws-managed", { kmsMasterKeyId: "alias/aws/sqs" }),
      resource(
        TYPE.table,
        "executions",
        { serverSideEncryption: { enabled: true, kmsKeyArn: UNKNOWN } },
        { propertyDependencies: { serverSideEncryption: [key] } },
      ),
      resource(TYPE.metricAlarm, "errors", { alarmActions: [TOPIC_ARN], okActions: UNKNOWN }, { propertyDependencies: { okActions: [topic] } }),
    ]));

  it("reports, as advisory, a role, a key and a topic the stack does not create", () =>
    expectViolations(
      outsideReferencesUnverified,
      [
        fn("imported", `arn:aws:iam::${ACCOUNT}:role/platform-team-lambda`),
        resource(TYPE.bucketEncryption, "raw-encryption", {
          bucket: "raw",
          rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/shared` } }],
        }),
        resource(TYPE.metricAlarm, "errors", { alarmActions: [`arn:aws:sns:us-east-1:${ACCOUNT}:on-call`] }),
        key,
        topic,
      ],
      [
        { resource: "imported", message: /role this stack does not create: its trust policy and permissions cannot be checked/ },
        { resource: "raw-encryption", message: /key\/shared, a key this stack does not create: its key policy and rotation/ },
        { resource: "errors", message: /notifies arn:aws:sns:us-east-1:\d+:on-call, a topic this stack does not create/ },
      ],
    ));
});
