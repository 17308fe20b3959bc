import { kmsGrantsThroughServices, tableGrantsByLeadingKeys } from "../../policies/rules/iamConditions";
import { ACCOUNT, expectCompliant, expectViolations, policyDocument, resource, TYPE } from "../support/policyRuleRunner";

const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/4c1e`;
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/executions`;
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const rolePolicy = (...statements: Record<string, unknown>[]) =>
  resource(TYPE.rolePolicy, "processing-policy", { role: "processing-role", policy: policyDocument(...statements) });
const keyPolicy = (...statements: Record<string, unknown>[]) =>
  resource(TYPE.key, "pipeline-key", { enableKeyRotation: true, policy: policyDocument(...statements) });

describe("policies: conditions that narrow IAM grants", () => {
  describe("kms-grant-via-service", () => {
    it("accepts key use limited to the services that work for the role, and the key policy's root and service statements", async () => {
      await expectCompliant(
        kmsGrantsThroughServices,
        rolePolicy(
          {
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: KEY,
            Condition: { StringEquals: { "kms:ViaService": ["s3.us-east-1.amazonaws.com", "dynamodb.us-east-1.amazonaws.com"] } },
          },
          { Effect: "Allow", Action: "kms:GenerateDataKey*", Resource: KEY, Condition: { StringLike: { "kms:ViaService": "sqs.*.amazonaws.com" } } },
          { Effect: "Allow", Action: "kms:DescribeKey", Resource: KEY },
        ),
      );
      await expectCompliant(
        kmsGrantsThroughServices,
        keyPolicy(
          { Effect: "Allow", Principal: { AWS: ROOT }, Action: "kms:*", Resource: "*" },
          { Effect: "Allow", Principal: { Service: "logs.us-east-1.amazonaws.com" }, Action: ["kms:Encrypt", "kms:Decrypt"], Resource: "*" },
        ),
      );
    });

    it("reports a role or key statement that lets the key be used directly, wildcards and negated conditions included", async () => {
      await expectViolations(
        kmsGrantsThroughServices,
        rolePolicy(
          { Sid: "Direct", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY },
          {
            Sid: "Everything",
            Effect: "Allow",
            Action: "kms:*",
            Resource: KEY,
            Condition: { StringNotEquals: { "kms:ViaService": "lambda.us-east-1.amazonaws.com" } },
          },
        ),
        [
          { resource: "processing-policy", message: /Sid Direct\): allows kms:Decrypt, kms:GenerateDataKey without a kms:ViaService condition/ },
          { resource: "processing-policy", message: /Sid Everything\): allows kms:Decrypt, kms:Encrypt, kms:GenerateDataKey,.* without a kms:ViaService/ },
        ],
      );
      await expectViolations(
        kmsGrantsThroughServices,
        keyPolicy(
          { Effect: "Allow", Principal: { AWS: ROOT }, Action: "kms:*", Resource: "*" },
          { Sid: "AppRole", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/app` }, Action: "kms:Decrypt", Resource: "*" },
        ),
        [{ resource: "pipeline-key", message: /Sid AppRole\): allows kms:Decrypt without a kms:ViaService condition/ }],
      );
    });
  });

  describe("dynamodb-grant-leading-keys", () => {
    it("accepts item actions limited by their partition keys, and table actions without item access", () =>
      expectCompliant(
        tableGrantsByLeadingKeys,
        rolePolicy(
          {
            Effect: "Allow",
            Action: ["dynamodb:UpdateItem", "dynamodb:GetItem"],
            Resource: TABLE,
            Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["1*", "2*"] } },
          },
          { Effect: "Allow", Action: "dynamodb:DescribeTable", Resource: TABLE },
        ),
      ));

    it("reports item actions on every item of the table", () =>
      expectViolations(
        tableGrantsByLeadingKeys,
        rolePolicy(
          { Sid: "Record", Effect: "Allow", Action: ["dynamodb:PutItem", "dynamodb:DescribeTable"], Resource: TABLE },
          {
            Sid: "Items",
            Effect: "Allow",
            Action: "dynamodb:*Item",
            Resource: TABLE,
            Condition: { "ForAllValues:StringNotLike": { "dynamodb:LeadingKeys": "admin*" } },
          },
        ),
        [
          { resource: "processing-policy", message: /Sid Record\): allows dynamodb:PutItem without a dynamodb:LeadingKeys condition/ },
          {
            resource: "processing-policy",
            message: /Sid Items\): allows dynamodb:GetItem, dynamodb:BatchGetItem, dynamodb:PutItem, .*dynamodb:ConditionCheckItem without/,
          },
        ],
      ));
  });
});
