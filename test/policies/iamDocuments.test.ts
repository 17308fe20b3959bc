import {
  keyPolicyLeastPrivilege,
  noNotElementsInAllow,
  noUnscopedPublicPrincipal,
  noWildcardActions,
  noWildcardResources,
  passRoleScoped,
} from "../../policies/rules/iamDocuments";
import { expect } from "chai";
import { ACCOUNT, check, expectCompliant, expectViolations, policyDocument, resource, TYPE } from "../support/policyRuleRunner";

const QUEUE_ARN = `arn:aws:sqs:eu-west-1:${ACCOUNT}:ingestion-dlq`;
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;

describe("policies: IAM policy documents", () => {
  describe("iam-no-wildcard-actions", () => {
    it("accepts named actions in an inline role policy", () =>
      expectCompliant(
        noWildcardActions,
        resource(TYPE.role, "ingestion-role", {
          assumeRolePolicy: policyDocument({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }),
          inlinePolicies: [{ name: "dlq", policy: policyDocument({ Effect: "Allow", Action: ["sqs:SendMessage"], Resource: QUEUE_ARN }) }],
        }),
      ));

    it("accepts a wildcard in a Deny", () =>
      expectCompliant(
        noWildcardActions,
        resource(TYPE.bucketPolicy, "raw-policy", {
          bucket: "raw",
          policy: policyDocument({
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: "arn:aws:s3:::raw/*",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
        }),
      ));

    it("rejects s3:* in an inline role policy given as a JSON string", () =>
      expectViolations(
        noWildcardActions,
        resource(TYPE.role, "ingestion-role", {
          assumeRolePolicy: policyDocument({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }),
          inlinePolicies: [{ name: "data", policy: policyDocument({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::raw/*" }) }],
        }),
        [{ resource: "ingestion-role", message: /inlinePolicies\[0\]\.policy, statement 1: allows the wildcard action s3:\*/ }],
      ));

    it("rejects `*` in a RolePolicy given as an object, whatever the case of the element names", () =>
      expectViolations(
        noWildcardActions,
        resource(TYPE.rolePolicy, "processing-policy", {
          role: "processing-role",
          policy: { version: "2012-10-17", statement: { sid: "Everything", effect: "allow", action: ["*"], resource: ["*"] } },
        }),
        [{ resource: "processing-policy", message: /statement 1 \(Sid Everything\): allows the wildcard action \*/ }],
      ));

    it("matches service wildcards case-insensitively, in managed policies and queue policies", () =>
      expectViolations(
        noWildcardActions,
        [
          resource(TYPE.iamPolicy, "reader", {
            policy: policyDocument({ Effect: "Allow", Action: ["DynamoDB:*"], Resource: "arn:aws:dynamodb:eu-west-1:1:table/t" }),
          }),
          resource(TYPE.queuePolicy, "dlq-policy", {
            queueUrl: "https://sqs/dlq",
            policy: policyDocument({ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "SQS:*", Resource: QUEUE_ARN }),
          }),
        ],
        [
          { resource: "reader", message: /DynamoDB:\*/i },
          { resource: "dlq-policy", message: /sqs:\*/i },
        ],
      ));

    it("reports a policy document that is not valid JSON", () =>
      expectViolations(noWildcardActions, resource(TYPE.iamPolicy, "broken", { policy: "{not json" }), [{ resource: "broken", message: /not valid JSON/ }]));
  });

  describe("iam-no-wildcard-resources", () => {
    it("accepts X-Ray writes, ENI management and PutMetricData limited to a namespace on *", () =>
      expectCompliant(
        noWildcardResources,
        resource(TYPE.rolePolicy, "validation-policy", {
          role: "validation-role",
          policy: policyDocument(
            { Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
            { Effect: "Allow", Action: ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"], Resource: "*" },
            {
              Effect: "Allow",
              Action: "cloudwatch:PutMetricData",
              Resource: "*",
              Condition: { StringEquals: { "cloudwatch:namespace": "FlightDataPipeline" } },
            },
            { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::processed/*" },
          ),
        }),
      ));

    it("rejects scopable actions on * and on a wildcard ARN", () =>
      expectViolations(
        noWildcardResources,
        resource(TYPE.rolePolicy, "ingestion-policy", {
          role: "ingestion-role",
          policy: policyDocument(
            { Effect: "Allow", Action: ["xray:PutTraceSegments", "dynamodb:PutItem"], Resource: "*" },
            { Effect: "Allow", Action: "s3:PutObject", Resource: ["arn:aws:s3:::*"] },
          ),
        }),
        [
          { resource: "ingestion-policy", message: /statement 1: applies dynamodb:putitem to every resource/ },
          { resource: "ingestion-policy", message: /statement 2: applies s3:putobject to every resource/ },
        ],
      ));

    it("rejects cloudwatch:PutMetricData on * without a namespace condition", () =>
      expectViolations(
        noWildcardResources,
        resource(TYPE.rolePolicy, "validation-policy", {
          role: "validation-role",
          policy: policyDocument({ Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*" }),
        }),
        [{ resource: "validation-policy", message: /cloudwatch:PutMetricData on "\*" without a cloudwatch:namespace condition/ }],
      ));

    it("takes the allow-list from the policy configuration", () =>
      expectCompliant(
        noWildcardResources,
        resource(TYPE.iamPolicy, "tagging", { policy: policyDocument({ Effect: "Allow", Action: "tag:GetResources", Resource: "*" }) }),
        { actionsWithoutResourceLevelPermissions: ["tag:GetResources"] },
      ));

    it("does not apply to key policies, where * means the key itself", async () => {
      const run = await check(
        noWildcardResources,
        resource(TYPE.key, "pipeline-key", { policy: policyDocument({ Effect: "Allow", Principal: { AWS: ROOT }, Action: "kms:*", Resource: "*" }) }),
      );
      expect(run.findings).to.deep.equal([]);
      expect(run.notApplicable.map((record) => record.policyName)).to.deep.equal([noWildcardResources.name]);
    });
  });

  describe("iam-no-not-elements-in-allow", () => {
    it("accepts NotAction in a Deny", () =>
      expectCompliant(
        noNotElementsInAllow,
        resource(TYPE.iamPolicy, "guard", { policy: policyDocument({ Effect: "Deny", NotAction: "s3:GetObject", Resource: "arn:aws:s3:::raw/*" }) }),
      ));

    it("rejects NotAction, NotResource and NotPrincipal in an Allow", () =>
      expectViolations(
        noNotElementsInAllow,
        [
          resource(TYPE.iamPolicy, "everything-but", { policy: policyDocument({ Effect: "Allow", NotAction: "iam:*", NotResource: "arn:aws:s3:::x" }) }),
          resource(TYPE.bucketPolicy, "raw-policy", {
            bucket: "raw",
            policy: policyDocument({ Effect: "Allow", NotPrincipal: { AWS: ROOT }, Action: "s3:GetObject", Resource: "arn:aws:s3:::raw/*" }),
          }),
        ],
        [
          { resource: "everything-but", message: /allows with NotAction, NotResource/ },
          { resource: "raw-policy", message: /allows with NotPrincipal/ },
        ],
      ));
  });

  describe("iam-passrole-scoped", () => {
    it("accepts iam:PassRole on a named role", () =>
      expectCompliant(
        passRoleScoped,
        resource(TYPE.iamPolicy, "deployer", {
          policy: policyDocument({ Effect: "Allow", Action: "iam:PassRole", Resource: `arn:aws:iam::${ACCOUNT}:role/ingestion-role` }),
        }),
      ));

    it("rejects iam:PassRole, or a pattern that covers it, on a wildcard", () =>
      expectViolations(
        passRoleScoped,
        resource(TYPE.iamPolicy, "deployer", {
          policy: policyDocument(
            { Effect: "Allow", Action: "iam:passrole", Resource: "*" },
            { Effect: "Allow", Action: "iam:Pass*", Resource: `arn:aws:iam::${ACCOUNT}:role/*` },
          ),
        }),
        [
          { resource: "deployer", message: /statement 1: allows iam:PassRole on \*/ },
          { resource: "deployer", message: /statement 2: allows iam:PassRole on arn:aws:iam::\d+:role\/\*/ },
        ],
      ));
  });

  describe("iam-no-unscoped-public-principal", () => {
    it("accepts Principal * scoped by aws:SourceArn, and service principals", () =>
      expectCompliant(
        noUnscopedPublicPrincipal,
        resource(TYPE.queuePolicy, "dlq-policy", {
          queueUrl: "https://sqs/dlq",
          policy: policyDocument(
            {
              Effect: "Allow",
              Principal: { AWS: "*" },
              Action: "sqs:SendMessage",
              Resource: QUEUE_ARN,
              Condition: { ArnEquals: { "aws:SourceArn": `arn:aws:events:eu-west-1:${ACCOUNT}:rule/schedule` } },
            },
            { Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: QUEUE_ARN },
          ),
        }),
      ));

    it("rejects Principal * without a condition, with a negated one, or with a wildcard value", () =>
      expectViolations(
        noUnscopedPublicPrincipal,
        [
          resource(TYPE.queue, "open-queue", {
            policy: policyDocument({ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: QUEUE_ARN }),
          }),
          resource(TYPE.topicPolicy, "alerts-policy", {
            arn: "arn:aws:sns:eu-west-1:1:alerts",
            policy: policyDocument(
              {
                Effect: "Allow",
                Principal: { AWS: ["*"] },
                Action: "sns:Publish",
                Resource: "*",
                Condition: { StringNotEquals: { "aws:SourceAccount": ACCOUNT } },
              },
              { Effect: "Allow", Principal: "*", Action: "sns:Subscribe", Resource: "*", Condition: { StringLike: { "aws:SourceArn": "*" } } },
            ),
          }),
        ],
        [
          { resource: "open-queue", message: /statement 1: allows Principal "\*" without a condition/ },
          { resource: "alerts-policy", message: /statement 1: allows Principal/ },
          { resource: "alerts-policy", message: /statement 2: allows Principal/ },
        ],
      ));

    it("checks role trust policies", () =>
      expectViolations(
        noUnscopedPublicPrincipal,
        resource(TYPE.role, "assumable-by-anyone", {
          assumeRolePolicy: policyDocument({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }),
        }),
        [{ resource: "assumable-by-anyone", message: /assumeRolePolicy, statement 1: allows Principal "\*"/ }],
      ));
  });

  describe("kms-key-policy-least-privilege", () => {
    const keyPolicy = (...statements: Record<string, unknown>[]) =>
      resource(TYPE.key, "pipeline-key", { enableKeyRotation: true, policy: policyDocument(...statements) });

    it("accepts kms:* for the account root and named actions for services, on Resource *", () =>
      expectCompliant(
        keyPolicyLeastPrivilege,
        keyPolicy(
          { Effect: "Allow", Principal: { AWS: ROOT }, Action: "kms:*", Resource: "*" },
          {
            Effect: "Allow",
            Principal: { Service: "logs.eu-west-1.amazonaws.com" },
            Action: ["kms:Encrypt*", "kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:*` } },
          },
        ),
      ));

    it("rejects kms:* for a role or a service", () =>
      expectViolations(
        keyPolicyLeastPrivilege,
        keyPolicy(
          { Effect: "Allow", Principal: { AWS: [ROOT, `arn:aws:iam::${ACCOUNT}:role/app`] }, Action: "kms:*", Resource: "*" },
          { Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "*", Resource: "*" },
        ),
        [
          { resource: "pipeline-key", message: /statement 1: grants kms:\* to a principal other than the account root/ },
          { resource: "pipeline-key", message: /statement 2: grants \* to a principal/ },
        ],
      ));
  });
});
