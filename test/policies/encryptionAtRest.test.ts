import { expect } from "chai";
import {
  functionEnvironmentEncryptedWithCustomerManagedKey,
  keyRotationEnabled,
  logGroupEncryptedWithCustomerManagedKey,
  queueEncryptedWithCustomerManagedKey,
  secretEncryptedWithCustomerManagedKey,
  tableEncryptedWithCustomerManagedKey,
  topicEncryptedWithCustomerManagedKey,
} from "../../policies/rules/encryptionAtRest";
import { ACCOUNT, check, expectCompliant, expectViolations, resource, TYPE } from "../support/policyRuleRunner";

const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

describe("policies: encryption at rest with customer-managed keys", () => {
  describe("sqs-queue-cmk-encryption", () => {
    it("accepts a queue encrypted with the project's key", () =>
      expectCompliant(queueEncryptedWithCustomerManagedKey, resource(TYPE.queue, "ingestion-dlq", { kmsMasterKeyId: KEY_ARN })));

    it("rejects no key, SSE-SQS only, and alias/aws/sqs", () =>
      expectViolations(
        queueEncryptedWithCustomerManagedKey,
        [
          resource(TYPE.queue, "plain", {}),
          resource(TYPE.queue, "sse-sqs", { sqsManagedSseEnabled: true }),
          resource(TYPE.queue, "aws-managed", { kmsMasterKeyId: "alias/aws/sqs" }),
        ],
        [
          { resource: "plain", message: /kmsMasterKeyId is not set$/ },
          { resource: "sse-sqs", message: /SSE-SQS uses a key AWS owns/ },
          { resource: "aws-managed", message: /AWS-managed key alias\/aws\/sqs/ },
        ],
      ));
  });

  describe("sns-topic-cmk-encryption", () => {
    it("accepts a topic encrypted with the project's key", () =>
      expectCompliant(topicEncryptedWithCustomerManagedKey, resource(TYPE.topic, "alerts", { kmsMasterKeyId: KEY_ARN })));

    it("rejects no key and the AWS-managed key by alias ARN", () =>
      expectViolations(
        topicEncryptedWithCustomerManagedKey,
        [resource(TYPE.topic, "plain", {}), resource(TYPE.topic, "aws-managed", { kmsMasterKeyId: `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/aws/sns` })],
        [
          { resource: "plain", message: /not set/ },
          { resource: "aws-managed", message: /AWS-managed key/ },
        ],
      ));
  });

  describe("cloudwatch-log-group-cmk-encryption", () => {
    it("accepts a log group with kmsKeyId", () =>
      expectCompliant(logGroupEncryptedWithCustomerManagedKey, resource(TYPE.logGroup, "ingestion-logs", { kmsKeyId: KEY_ARN, retentionInDays: 30 })));

    it("rejects a log group without kmsKeyId", () =>
      expectViolations(logGroupEncryptedWithCustomerManagedKey, resource(TYPE.logGroup, "plain-logs", { retentionInDays: 30 }), [
        { resource: "plain-logs", message: /kmsKeyId is not set/ },
      ]));
  });

  describe("dynamodb-table-cmk-encryption", () => {
    it("accepts a table encrypted with kmsKeyArn", () =>
      expectCompliant(
        tableEncryptedWithCustomerManagedKey,
        resource(TYPE.table, "executions", { serverSideEncryption: { enabled: true, kmsKeyArn: KEY_ARN } }),
      ));

    it("rejects default encryption and the AWS-managed key", () =>
      expectViolations(
        tableEncryptedWithCustomerManagedKey,
        [
          resource(TYPE.table, "default", {}),
          resource(TYPE.table, "no-key", { serverSideEncryption: { enabled: true } }),
          resource(TYPE.table, "aws-managed", { serverSideEncryption: { enabled: true, kmsKeyArn: "alias/aws/dynamodb" } }),
        ],
        [
          { resource: "default", message: /enabled is not true/ },
          { resource: "no-key", message: /kmsKeyArn is not set/ },
          { resource: "aws-managed", message: /alias\/aws\/dynamodb/ },
        ],
      ));
  });

  describe("lambda-environment-cmk-encryption", () => {
    it("accepts environment variables encrypted with kmsKeyArn", () =>
      expectCompliant(
        functionEnvironmentEncryptedWithCustomerManagedKey,
        resource(TYPE.function, "ingestion", { environment: { variables: { LOG_LEVEL: "INFO" } }, kmsKeyArn: KEY_ARN }),
      ));

    it("does not apply to a function without environment variables", async () => {
      const run = await check(functionEnvironmentEncryptedWithCustomerManagedKey, resource(TYPE.function, "bare", { environment: { variables: {} } }));
      expect(run.findings).to.deep.equal([]);
      expect(run.notApplicable).to.have.length(1);
    });

    it("rejects environment variables without kmsKeyArn", () =>
      expectViolations(
        functionEnvironmentEncryptedWithCustomerManagedKey,
        resource(TYPE.function, "processing", { environment: { variables: { RAW_BUCKET: "raw", TABLE: "executions" } } }),
        [{ resource: "processing", message: /kmsKeyArn is not set, so RAW_BUCKET, TABLE are encrypted with a key AWS owns/ }],
      ));
  });

  describe("secretsmanager-secret-cmk-encryption", () => {
    it("accepts a secret with kmsKeyId", () =>
      expectCompliant(secretEncryptedWithCustomerManagedKey, resource(TYPE.secret, "opensky-credentials", { kmsKeyId: KEY_ARN })));

    it("rejects a secret on the default key", () =>
      expectViolations(
        secretEncryptedWithCustomerManagedKey,
        [resource(TYPE.secret, "default", {}), resource(TYPE.secret, "aws-managed", { kmsKeyId: "alias/aws/secretsmanager" })],
        [
          { resource: "default", message: /not set/ },
          { resource: "aws-managed", message: /AWS-managed/ },
        ],
      ));
  });

  describe("kms-key-rotation-enabled", () => {
    it("accepts a symmetric key with rotation", () => expectCompliant(keyRotationEnabled, resource(TYPE.key, "pipeline-key", { enableKeyRotation: true })));

    it("does not apply to an asymmetric signing key, which cannot rotate", async () => {
      const run = await check(keyRotationEnabled, resource(TYPE.key, "signing", { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" }));
      expect(run.findings).to.deep.equal([]);
      expect(run.notApplicable).to.have.length(1);
    });

    it("rejects a symmetric key without rotation", () =>
      expectViolations(keyRotationEnabled, resource(TYPE.key, "pipeline-key", { enableKeyRotation: false }), [
        { resource: "pipeline-key", message: /enableKeyRotation is not true/ },
      ]));
  });
});
